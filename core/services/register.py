"""The register, read-only, for plugins: places, people, residencies, the care register,
proxies and memberships of the current community. Missing or foreign rows raise NotFound."""

from __future__ import annotations

from typing import Any

from core.services.types import Building, CareRecord, Dwelling, Person, Residence
from core.tenancy.context import current_tenant


def _dwelling(row: dict[str, Any]) -> Dwelling:
    area = row.get("area_m2")
    return Dwelling(
        id=row["id"],
        building_id=row["building"],
        building_name=row.get("building_name") or "",
        number=row["number"],
        floor=row.get("floor") or 1,
        unit_id=row.get("unit"),
        unit_name=row.get("unit_name"),
        area_m2=None if area is None else float(area),
    )


def _building(row: dict[str, Any]) -> Building:
    return Building(
        id=row["id"],
        name=row["name"],
        floors=row.get("floors") or 1,
        has_lift=bool(row.get("has_lift")),
        compound_id=row.get("compound"),
        address=row.get("address") or "",
    )


async def get_building(building_id: int) -> Building:
    """A building of the current community (NotFound otherwise)."""
    from core.residents.places import get_building as _get

    return _building(await _get(building_id))


async def get_dwelling(dwelling_id: int) -> Dwelling:
    """A dwelling with its building's and unit's names (NotFound otherwise)."""
    from core.residents.places import get_dwelling as _get

    return _dwelling(await _get(dwelling_id))


async def list_buildings() -> list[Building]:
    """The community's buildings in natural order (2栋 before 10栋) — for pickers in forms."""
    from core.residents.tables import Building as BuildingTable

    rows = await BuildingTable.select().run()
    return sorted((_building(r) for r in rows), key=lambda b: natural_key(b.name))


def natural_key(text: str) -> tuple[Any, ...]:
    """Sort key reading digit runs as numbers: "2栋" < "10栋", "301" < "1201"."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


async def dwellings_of_building(building_id: int) -> list[Dwelling]:
    """The dwellings of one building, in natural order of unit and number."""
    from core.residents.tables import Dwelling as DwellingTable

    building = await get_building(building_id)
    rows = (
        await DwellingTable.select(
            *DwellingTable.all_columns(), DwellingTable.unit.name.as_alias("unit_name")
        )
        .where(DwellingTable.building == building_id)
        .run()
    )
    found = [_dwelling({**r, "building_name": building.name}) for r in rows]
    return sorted(found, key=lambda d: (natural_key(d.unit_name or ""), natural_key(d.number)))


async def get_person(person_id: int) -> Person:
    """A person of the register as plugins see them (NotFound for a missing or erased person).
    The ID number never leaves the core."""
    from core.residents.people import get_person as _get

    row = await _get(person_id)
    return Person(id=row["id"], name=row["name"], phone=row["phone"], birth_date=row.get("birth_date"))


async def people_by_id(person_ids: list[int] | set[int]) -> dict[int, Person]:
    """Many people of the register at once, by id (erased and missing ones are left out): for a
    plugin that prices or lists thousands of rows without a query per person."""
    from core.residents.tables import Person as PersonRow

    ids = sorted(set(person_ids))
    out: dict[int, Person] = {}
    for i in range(0, len(ids), 500):
        rows = (
            await PersonRow.select(PersonRow.id, PersonRow.name, PersonRow.phone, PersonRow.birth_date)
            .where(PersonRow.id.is_in(ids[i : i + 500]) & PersonRow.erased_at.is_null())
            .run()
        )
        out.update(
            {
                r["id"]: Person(id=r["id"], name=r["name"], phone=r["phone"], birth_date=r["birth_date"])
                for r in rows
            }
        )
    return out


async def categories_by_person(person_ids: list[int] | set[int]) -> dict[int, set[str]]:
    """Each person's active categories in the vulnerability register, for many people at once
    (people with none are left out)."""
    from core.residents.tables import Vulnerability

    ids = sorted(set(person_ids))
    out: dict[int, set[str]] = {}
    for i in range(0, len(ids), 500):
        rows = (
            await Vulnerability.select(Vulnerability.person, Vulnerability.category)
            .where(Vulnerability.person.is_in(ids[i : i + 500]) & Vulnerability.active.eq(True))
            .run()
        )
        for r in rows:
            out.setdefault(r["person"], set()).add(r["category"])
    return out


async def residents_of_dwelling(dwelling_id: int) -> list[Person]:
    """The people living in a dwelling now (open residencies), by name: for a plugin that takes
    "who lives at 3栋 201" from a form (NotFound for a missing dwelling)."""
    from core.residents.tables import Residency

    await get_dwelling(dwelling_id)
    rows = (
        await Residency.select(
            Residency.person.id, Residency.person.name, Residency.person.phone, Residency.person.birth_date
        )
        .where((Residency.dwelling == dwelling_id) & Residency.end_date.is_null())
        .run()
    )
    people = {
        r["person.id"]: Person(
            id=r["person.id"],
            name=r["person.name"],
            phone=r["person.phone"],
            birth_date=r["person.birth_date"],
        )
        for r in rows
    }
    return sorted(people.values(), key=lambda p: p.name)


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


async def current_residencies(person_id: int) -> list[Residence]:
    """The person's open residencies (where they live now, and as what)."""
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
        Residence(
            id=r["id"],
            dwelling_id=r["dwelling"],
            building_id=r["building_id"],
            unit_id=r["unit_id"],
            role=r["role"],
            start_date=r["start_date"],
        )
        for r in rows
    ]


async def people_in_category(category: str, *, consented_only: bool = True) -> list[CareRecord]:
    """People with an active record of ``category`` (e.g. ``elderly_alone``) and their visit tier."""
    from core.residents.tables import Vulnerability

    where = (Vulnerability.category == category) & (Vulnerability.active == True)  # noqa: E712
    if consented_only:
        where = where & Vulnerability.consent_on.is_not_null()
    rows = await Vulnerability.select(Vulnerability.person, Vulnerability.tier).where(where).run()
    return [CareRecord(person_id=r["person"], tier=r["tier"]) for r in rows]


async def people_acted_for(user_id: int, scope: str) -> set[int]:
    """The register persons a resident's login acts for under ``scope``: their own person and
    the people they are a registered proxy of today."""
    from core.residents.accounts import people_acted_for as _people

    return await _people(user_id, scope)


async def dwellings_acted_for(user_id: int, scope: str) -> set[int]:
    """The dwellings a resident's login may act for under ``scope`` (``repairs``, ``cases``, …):
    their own home and the homes of the people they are a registered proxy of."""
    from core.residents.accounts import dwellings_acted_for as _acted

    return await _acted(user_id, scope)
