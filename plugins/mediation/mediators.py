"""The roster of people's mediators and experts, and their declared conflicts of interest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import InvalidInput, NotFound, clean_text, get_person, is_member
from plugins.mediation.vocabulary import KINDS, MEDIATOR_KINDS, choices


async def _checked(
    *, name: str, kind: str, phone: str, user_id: int | None, specialities: list[str]
) -> dict[str, Any]:
    if kind not in MEDIATOR_KINDS:
        raise InvalidInput(f"must be one of {choices(MEDIATOR_KINDS)}", field="kind")
    unknown = [s for s in specialities if s not in KINDS]
    if unknown:
        raise InvalidInput(f"must be among {choices(KINDS)}", field="specialities")
    if user_id is not None and not await is_member(user_id):
        raise InvalidInput("this login is not a member of the community", field="user_id")
    return {
        "name": clean_text(name, "name", 60),
        "kind": kind,
        "phone": clean_text(phone, "phone", 20, required=False),
        "user_id": user_id,
        "specialities": sorted(set(specialities)),
    }


async def add(
    *,
    name: str,
    kind: str,
    phone: str = "",
    user_id: int | None = None,
    specialities: list[str] | None = None,
) -> dict[str, Any]:
    from plugins.mediation.tables import Mediator

    values = await _checked(
        name=name, kind=kind, phone=phone, user_id=user_id, specialities=specialities or []
    )
    if (
        user_id is not None
        and await Mediator.exists().where((Mediator.user_id == user_id) & Mediator.active.eq(True)).run()
    ):
        raise InvalidInput("this login is already on the roster", field="user_id")
    row = Mediator(**values)
    await row.save().run()
    return await get(row.id)


async def get(mediator_id: int) -> dict[str, Any]:
    from plugins.mediation.tables import Mediator

    row = await Mediator.select().where(Mediator.id == mediator_id).first().run()
    if row is None:
        raise NotFound("no such mediator")
    return _decoded(row)


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    from plugins.mediation.sessions import decoded

    return {**row, "specialities": decoded(row["specialities"])}


async def update(
    mediator_id: int, *, available: bool | None = None, active: bool | None = None
) -> dict[str, Any]:
    from plugins.mediation.tables import Mediator

    await get(mediator_id)
    values: dict[Any, Any] = {}
    if available is not None:
        values[Mediator.available] = available
    if active is not None:
        values[Mediator.active] = active
    if values:
        await Mediator.update(values).where(Mediator.id == mediator_id).run()
    return await get(mediator_id)


async def roster(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Mediator

    query = Mediator.select().order_by(Mediator.name)
    if not include_inactive:
        query = query.where(Mediator.active.eq(True))
    return [_decoded(r) for r in await query.run()]


async def declare_conflict(mediator_id: int, *, person_id: int, reason: str) -> dict[str, Any]:
    from plugins.mediation.tables import Conflict

    await get(mediator_id)
    try:
        await get_person(person_id)
    except NotFound:
        raise InvalidInput("no such person in the register", field="person_id") from None
    row = Conflict(
        mediator=mediator_id,
        person_id=person_id,
        reason=clean_text(reason, "reason", 200),
        declared_at=dt.datetime.now(dt.UTC),
    )
    await row.save().run()
    return row.to_dict()


async def conflicts_of(mediator_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Conflict

    return await Conflict.select().where(Conflict.mediator == mediator_id).order_by(Conflict.id).run()
