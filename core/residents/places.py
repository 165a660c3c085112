"""Compounds, buildings, units and dwellings: creating and changing the map of the community."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.errors import Conflict, InvalidInput, NotFound
from core.events.outbox import emit
from core.residents.categories import DWELLING_STATES, MANAGEMENT_KINDS
from core.residents.tables import Building, Compound, Dwelling, Unit
from core.text import clean_text


def _text(value: str, field: str, max_len: int) -> str:
    return clean_text(value, field, max_len)


async def create_compound(
    name: str, *, address: str = "", management: str = "none", notes: str = ""
) -> dict[str, Any]:
    if management not in MANAGEMENT_KINDS:
        raise InvalidInput(f"must be one of {', '.join(MANAGEMENT_KINDS)}", field="management")
    name = _text(name, "name", 100)
    if await Compound.exists().where(Compound.name == name).run():
        raise Conflict(f"a compound named {name!r} already exists")
    row = Compound(name=name, address=address.strip(), management=management, notes=notes)
    await row.save().run()
    return row.to_dict()


async def get_building(building_id: int) -> dict[str, Any]:
    row = await Building.select().where(Building.id == building_id).first().run()
    if row is None:
        raise NotFound("no such building")
    return row


async def create_building(
    name: str,
    *,
    compound_id: int | None = None,
    address: str = "",
    floors: int = 1,
    has_lift: bool = False,
    built_year: int | None = None,
    units: int = 0,
    dwellings_per_floor: int = 0,
) -> dict[str, Any]:
    """A building; with ``units`` and ``dwellings_per_floor`` its units and flats are laid out too."""
    name = _text(name, "name", 50)
    if not 1 <= floors <= 200:
        raise InvalidInput("must be between 1 and 200", field="floors")
    if not 0 <= units <= 30:
        raise InvalidInput("must be between 0 and 30", field="units")
    if not 0 <= dwellings_per_floor <= 30:
        raise InvalidInput("must be between 0 and 30", field="dwellings_per_floor")
    if built_year is not None and not 1900 <= built_year <= 2100:
        raise InvalidInput("must be a year between 1900 and 2100", field="built_year")
    if compound_id is not None and not await Compound.exists().where(Compound.id == compound_id).run():
        raise NotFound("no such compound")
    clash = Building.exists().where(Building.name == name)
    clash = (
        clash.where(Building.compound == compound_id)
        if compound_id
        else clash.where(Building.compound.is_null())
    )
    if await clash.run():
        raise Conflict(f"a building named {name!r} already exists there")
    building = Building(
        name=name,
        compound=compound_id,
        address=address.strip(),
        floors=floors,
        has_lift=has_lift,
        built_year=built_year,
    )
    await building.save().run()
    if units and dwellings_per_floor:
        for u in range(1, units + 1):
            unit = Unit(building=building.id, name=f"{u}单元")
            await unit.save().run()
            await Dwelling.insert(
                *[
                    Dwelling(building=building.id, unit=unit.id, floor=floor, number=f"{floor}{d:02d}")
                    for floor in range(1, floors + 1)
                    for d in range(1, dwellings_per_floor + 1)
                ]
            ).run()
    return await get_building(building.id)


async def create_unit(building_id: int, name: str) -> dict[str, Any]:
    await get_building(building_id)
    name = _text(name, "name", 30)
    if await Unit.exists().where((Unit.building == building_id) & (Unit.name == name)).run():
        raise Conflict(f"unit {name!r} already exists in this building")
    unit = Unit(building=building_id, name=name)
    await unit.save().run()
    return unit.to_dict()


async def get_dwelling(dwelling_id: int) -> dict[str, Any]:
    row = (
        await Dwelling.select(
            *Dwelling.all_columns(),
            Dwelling.building.name.as_alias("building_name"),
            Dwelling.unit.name.as_alias("unit_name"),
        )
        .where(Dwelling.id == dwelling_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such dwelling")
    return row


async def create_dwelling(
    building_id: int,
    number: str,
    *,
    unit_id: int | None = None,
    floor: int = 1,
    area_m2: Decimal | float | None = None,
    state: str = "vacant",
) -> dict[str, Any]:
    building = await get_building(building_id)
    number = _text(number, "number", 20)
    if not -5 <= floor <= building["floors"]:
        raise InvalidInput(
            f"must be between -5 and the building's {building['floors']} floors", field="floor"
        )
    if state not in DWELLING_STATES:
        raise InvalidInput(f"must be one of {', '.join(DWELLING_STATES)}", field="state")
    if area_m2 is not None and not 0 < float(area_m2) < 10_000:
        raise InvalidInput("must be a positive area under 10,000 m²", field="area_m2")
    if (
        unit_id is not None
        and not await Unit.exists().where((Unit.id == unit_id) & (Unit.building == building_id)).run()
    ):
        raise NotFound("no such unit in this building")
    clash = Dwelling.exists().where((Dwelling.building == building_id) & (Dwelling.number == number))
    clash = clash.where(Dwelling.unit == unit_id) if unit_id else clash.where(Dwelling.unit.is_null())
    if await clash.run():
        raise Conflict(f"dwelling {number!r} already exists there")
    dwelling = Dwelling(
        building=building_id,
        unit=unit_id,
        number=number,
        floor=floor,
        area_m2=Decimal(str(area_m2)) if area_m2 is not None else None,
        state=state,
    )
    await dwelling.save().run()
    return await get_dwelling(dwelling.id)


async def update_dwelling(
    dwelling_id: int, changes: dict[str, Any], *, actor_id: int | None
) -> dict[str, Any]:
    before = await get_dwelling(dwelling_id)
    values: dict[str, Any] = {}
    if changes.get("state") is not None:
        if changes["state"] not in DWELLING_STATES:
            raise InvalidInput(f"must be one of {', '.join(DWELLING_STATES)}", field="state")
        values["state"] = changes["state"]
    if changes.get("area_m2") is not None:
        if not 0 < float(changes["area_m2"]) < 10_000:
            raise InvalidInput("must be a positive area under 10,000 m²", field="area_m2")
        values["area_m2"] = Decimal(str(changes["area_m2"]))
    if changes.get("notes") is not None:
        values["notes"] = changes["notes"]
    if values:
        await Dwelling.update(values).where(Dwelling.id == dwelling_id).run()
        changed = {k: str(v) for k, v in values.items() if str(before.get(k)) != str(v)}
        if changed:
            await emit(
                "dwelling.changed", {"dwelling_id": dwelling_id, "changes": changed}, actor_id=actor_id
            )
    return await get_dwelling(dwelling_id)
