"""The register, read-only, for plugins: places, people, residencies, the care register,
proxies and memberships of the current community. Missing or foreign rows raise NotFound."""

from __future__ import annotations

from typing import Any

from core.tenancy.context import current_tenant


async def get_building(building_id: int) -> dict[str, Any]:
    """A building of the current community: ``id``, ``name``, ``floors``, … (NotFound otherwise)."""
    from core.residents.places import get_building as _get

    return await _get(building_id)


async def get_dwelling(dwelling_id: int) -> dict[str, Any]:
    """A dwelling with ``building`` (id), ``unit``, ``number``, ``building_name`` (NotFound otherwise)."""
    from core.residents.places import get_dwelling as _get

    return await _get(dwelling_id)


async def list_buildings() -> list[dict[str, Any]]:
    """The community's buildings (``id``, ``name``), in name order — for pickers in forms."""
    from core.residents.tables import Building

    return await Building.select(Building.id, Building.name).order_by(Building.name).run()


async def dwellings_of_building(building_id: int) -> list[dict[str, Any]]:
    """The dwellings of one building (``id``, ``number``, ``unit``, ``floor``), in number order."""
    from core.residents.tables import Dwelling

    await get_building(building_id)
    return (
        await Dwelling.select(Dwelling.id, Dwelling.number, Dwelling.unit, Dwelling.floor)
        .where(Dwelling.building == building_id)
        .order_by(Dwelling.id)
        .run()
    )


async def get_person(person_id: int) -> dict[str, Any]:
    """A person of the register as plugins see them: ``id``, ``name``, ``phone`` (NotFound for a
    missing or erased person). The ID number never leaves the core."""
    from core.residents.people import get_person as _get

    row = await _get(person_id)
    return {"id": row["id"], "name": row["name"], "phone": row["phone"]}


async def vulnerability_categories(person_id: int) -> list[str]:
    """The person's active categories in the vulnerability register (``elderly_alone``, …)."""
    from core.residents.tables import Vulnerability

    rows = (
        await Vulnerability.select(Vulnerability.category)
        .where((Vulnerability.person == person_id) & Vulnerability.active.eq(True))
        .run()
    )
    return sorted({r["category"] for r in rows})


async def acts_for(user_id: int, person_id: int, scope: str) -> bool:
    """Whether ``user_id`` is a registered proxy of ``person_id`` today, for ``scope`` or ``all``."""
    import datetime as dt

    from core.residents.tables import Proxy

    today = dt.date.today()
    return bool(
        await Proxy.exists()
        .where(
            (Proxy.person == person_id)
            & (Proxy.proxy_user_id == user_id)
            & Proxy.scope.is_in(["all", scope])
            & (Proxy.valid_from <= today)
            & (Proxy.valid_to.is_null() | (Proxy.valid_to >= today))
        )
        .run()
    )


async def person_of_user(user_id: int) -> int | None:
    """The register person this login is in the current community (a resident's portal account),
    or None for staff and residents whose login is not linked to a person."""
    from core.residents.accounts import person_of_user as _person_of_user

    return await _person_of_user(user_id)


async def is_member(user_id: int) -> bool:
    """Whether ``user_id`` holds any role in the current community."""
    from core.auth.tables import Membership

    return bool(
        await Membership.exists()
        .where((Membership.user == user_id) & (Membership.community == current_tenant().community_id))
        .run()
    )


async def current_residencies(person_id: int) -> list[dict[str, Any]]:
    """The person's open residencies: ``{id, dwelling_id, building_id, unit_id, role, start_date}``."""
    from core.residents.tables import Residency

    rows = (
        await Residency.select(
            Residency.id,
            Residency.dwelling,
            Residency.role,
            Residency.start_date,
            Residency.dwelling.building.as_alias("building_id"),
            Residency.dwelling.unit.as_alias("unit_id"),
        )
        .where((Residency.person == person_id) & Residency.end_date.is_null())
        .run()
    )
    return [
        {
            "id": r["id"],
            "dwelling_id": r["dwelling"],
            "building_id": r["building_id"],
            "unit_id": r["unit_id"],
            "role": r["role"],
            "start_date": r["start_date"],
        }
        for r in rows
    ]


async def people_in_category(category: str, *, consented_only: bool = True) -> list[dict[str, Any]]:
    """People with an active record of ``category`` (e.g. ``elderly_alone``): ``{person_id, tier}``."""
    from core.residents.tables import Vulnerability

    where = (Vulnerability.category == category) & (Vulnerability.active == True)  # noqa: E712
    if consented_only:
        where = where & Vulnerability.consent_on.is_not_null()
    rows = await Vulnerability.select(Vulnerability.person, Vulnerability.tier).where(where).run()
    return [{"person_id": r["person"], "tier": r["tier"]} for r in rows]
