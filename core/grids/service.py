"""Grids, their places and the people assigned to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.auth.tables import Membership
from core.errors import Conflict, InvalidInput, NotFound
from core.grids.tables import Grid, GridAssignment, GridPlace
from core.residents.tables import Building, Unit
from core.tenancy.context import current_tenant

GRID_ROLES = (
    "grid_leader",
    "grid_worker",
    "grid_worker_part_time",
    "grid_instructor",
    "building_leader",
    "volunteer",
)


async def get_grid(grid_id: int) -> dict[str, Any]:
    row = await Grid.select().where(Grid.id == grid_id).first().run()
    if row is None:
        raise NotFound("no such grid")
    return row


async def create_grid(name: str, notes: str = "") -> dict[str, Any]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput("must be 1-100 characters", field="name")
    if await Grid.exists().where((Grid.name == name) & Grid.active.eq(True)).run():
        raise Conflict("a grid of this name already exists")
    grid = Grid(name=name, notes=notes)
    await grid.save().run()
    return grid.to_dict()


async def add_place(grid_id: int, building_id: int, unit_id: int | None) -> dict[str, Any]:
    """A whole building or one unit; a place belongs to at most one active grid."""
    await get_grid(grid_id)
    if not await Building.exists().where(Building.id == building_id).run():
        raise NotFound("no such building")
    if (
        unit_id is not None
        and not await Unit.exists().where((Unit.id == unit_id) & (Unit.building == building_id)).run()
    ):
        raise NotFound("no such unit in this building")
    taken = GridPlace.select(GridPlace.id, GridPlace.grid.name).where(
        (GridPlace.building == building_id) & GridPlace.grid._.active.eq(True)
    )
    if unit_id is not None:  # the unit, or its whole building, is taken
        taken = taken.where(GridPlace.unit.is_null() | (GridPlace.unit == unit_id))
    clash = await taken.first().run()
    if clash:
        raise Conflict("this place is already in another grid", field="building_id")
    place = GridPlace(grid=grid_id, building=building_id, unit=unit_id)
    await place.save().run()
    return place.to_dict()


async def assign(
    grid_id: int, user_id: int, role: str, valid_from: dt.date, valid_to: dt.date | None
) -> dict[str, Any]:
    await get_grid(grid_id)
    if role not in GRID_ROLES:
        raise InvalidInput(f"must be one of {', '.join(GRID_ROLES)}", field="role")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("ends before it starts", field="valid_to")
    if (
        not await Membership.exists()
        .where((Membership.user == user_id) & (Membership.community == current_tenant().community_id))
        .run()
    ):
        raise InvalidInput("this user has no role in the community; grant one first", field="user_id")
    row = GridAssignment(grid=grid_id, user_id=user_id, role=role, valid_from=valid_from, valid_to=valid_to)
    await row.save().run()
    return row.to_dict()


async def grids_of(user_id: int, today: dt.date) -> list[int]:
    return [
        r["grid"]
        for r in await GridAssignment.select(GridAssignment.grid)
        .where(
            (GridAssignment.user_id == user_id)
            & (GridAssignment.valid_from <= today)
            & (GridAssignment.valid_to.is_null() | (GridAssignment.valid_to >= today))
        )
        .run()
    ]
