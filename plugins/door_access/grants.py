"""Access groups and grants: residency-derived (move-in / move-out) and manual, with dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import InvalidInput, NotFound
from plugins.door_access.doors import check_hours, check_text
from plugins.door_access.holders import person_holder
from plugins.door_access.people import building_or_none, person_or_none
from plugins.door_access.sync import plan_and_send
from plugins.door_access.tables import AccessGroup, AccessGroupPoint, AccessPoint, Grant


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def get_group(group_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await AccessGroup.select().where(AccessGroup.id == group_id).first().run()
    if row is None:
        raise NotFound("no such access group")
    row["access_point_ids"] = [
        r["access_point"]
        for r in await AccessGroupPoint.select(AccessGroupPoint.access_point)
        .where(AccessGroupPoint.group == group_id)
        .run()
    ]
    return row


async def list_groups() -> list[dict[str, Any]]:
    return [
        await get_group(g["id"])
        for g in await AccessGroup.select(AccessGroup.id).order_by(AccessGroup.id).run()
    ]


async def create_group(*, name: str, hours: str, access_point_ids: list[int]) -> dict[str, Any]:
    name = check_text(name, "name", 100)
    hours = check_hours(hours, "hours")
    if not access_point_ids:
        raise InvalidInput("name at least one access point", field="access_point_ids")
    known = {
        r["id"]
        for r in await AccessPoint.select(AccessPoint.id).where(AccessPoint.id.is_in(access_point_ids)).run()
    }
    missing = sorted(set(access_point_ids) - known)
    if missing:
        raise InvalidInput(f"no such access point(s): {missing}", field="access_point_ids")
    group = AccessGroup(name=name, hours=hours, created_at=now())
    await group.save().run()
    for point in sorted(known):
        await AccessGroupPoint.insert(AccessGroupPoint(group=group.id, access_point=point)).run()
    return await get_group(group.id)


async def building_group(building_id: int) -> int:
    """The building's resident group (its doors and the compound gates), created when missing."""
    row = await AccessGroup.select(AccessGroup.id).where(AccessGroup.building_id == building_id).first().run()
    if row is not None:
        return int(row["id"])
    building = await building_or_none(building_id)
    name = f"{building.name if building else building_id} 住户 / residents"
    group = AccessGroup(name=name[:100], building_id=building_id, hours="", created_at=now())
    await group.save().run()
    points = (
        await AccessPoint.select(AccessPoint.id)
        .where(
            (AccessPoint.building_id == building_id)
            | ((AccessPoint.kind == "gate") & AccessPoint.building_id.is_null())
        )
        .run()
    )
    for p in points:
        await AccessGroupPoint.insert(AccessGroupPoint(group=group.id, access_point=p["id"])).run()
    return int(group.id)


async def add_point_to_building_groups(point_id: int, building_id: int | None) -> None:
    """A new door joins its building's group; a compound gate joins every building's group."""
    where = (
        (AccessGroup.building_id == building_id)
        if building_id is not None
        else AccessGroup.building_id.is_not_null()
    )
    for g in await AccessGroup.select(AccessGroup.id).where(where).run():
        await AccessGroupPoint.insert(AccessGroupPoint(group=g["id"], access_point=point_id)).run()


async def grant_for_residency(*, person_id: int, residency_id: int, building_id: int, start: dt.date) -> bool:
    """Move-in: the building's group for as long as the residency lasts. Idempotent."""
    if await Grant.exists().where(Grant.residency_id == residency_id).run():
        return False
    group_id = await building_group(building_id)
    await Grant.insert(
        Grant(
            person_id=person_id,
            group=group_id,
            source="residency",
            residency_id=residency_id,
            valid_from=start,
            created_at=now(),
        )
    ).run()
    await plan_and_send(person_holder(person_id))
    return True


async def revoke_for_residency(*, person_id: int, residency_id: int, reason: str) -> int:
    """Move-out: the residency's grants end; with no access left, credentials and passes go too."""
    gone = (
        await Grant.update({Grant.revoked_at: now(), Grant.revoke_reason: reason[:200] or "moved out"})
        .where((Grant.residency_id == residency_id) & Grant.revoked_at.is_null())
        .returning(Grant.id)
        .run()
    )
    if not await Grant.exists().where((Grant.person_id == person_id) & Grant.revoked_at.is_null()).run():
        from plugins.door_access.credentials import revoke_all_credentials
        from plugins.door_access.passes import revoke_passes_of_host

        await revoke_all_credentials(person_id, reason="moved out")
        await revoke_passes_of_host(person_id)
    await plan_and_send(person_holder(person_id))
    return len(gone)


async def create_manual_grant(
    *,
    person_id: int,
    group_id: int,
    valid_from: dt.date,
    valid_until: dt.date | None,
    note: str,
    actor_id: int | None,
) -> dict[str, Any]:
    if await person_or_none(person_id) is None:
        raise InvalidInput("no such person in this community", field="person_id")
    if not await AccessGroup.exists().where(AccessGroup.id == group_id).run():
        raise InvalidInput("no such access group", field="group_id")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput("ends before it starts", field="valid_until")
    if valid_until is not None and valid_until < dt.date.today():
        raise InvalidInput("is in the past", field="valid_until")
    grant = Grant(
        person_id=person_id,
        group=group_id,
        source="manual",
        valid_from=valid_from,
        valid_until=valid_until,
        note=note[:200],
        granted_by=actor_id,
        created_at=now(),
    )
    await grant.save().run()
    await plan_and_send(person_holder(person_id))
    return grant.to_dict()


async def revoke_grant(grant_id: int, reason: str) -> dict[str, Any]:
    row = await Grant.select().where(Grant.id == grant_id).first().run()
    if row is None:
        raise NotFound("no such grant")
    if row["revoked_at"] is not None:
        raise NotFound("no such active grant")
    await (
        Grant.update({Grant.revoked_at: now(), Grant.revoke_reason: reason[:200]})
        .where(Grant.id == grant_id)
        .run()
    )
    await plan_and_send(person_holder(row["person_id"]))
    return {"id": grant_id, "revoked": True}


async def grants_of(person_id: int) -> list[dict[str, Any]]:
    return (
        await Grant.select(*Grant.all_columns(), Grant.group.name.as_alias("group_name"))
        .where(Grant.person_id == person_id)
        .order_by(Grant.id)
        .run()
    )
