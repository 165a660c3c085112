"""What part of the community a caller may see: everything, or only the places of their grids.

Staff, administrators and street-office roles see the whole community. A caller whose only
roles there are grid-bound (grid worker, volunteer) sees the buildings and units of the grids
they are assigned to today. Register queries and routes apply this the way tenant tables
apply the tenant: a place outside the scope answers 404, like another community's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.auth.principal import Principal
from core.tenancy.context import Tenant

GRID_BOUND_ROLES = frozenset({"grid_worker", "volunteer"})


@dataclass(frozen=True)
class VisiblePlaces:
    building_ids: frozenset[int]  # whole buildings
    unit_ids: frozenset[int]  # single units (of buildings not wholly visible)

    def contains(self, building_id: int, unit_id: int | None) -> bool:
        return building_id in self.building_ids or (unit_id is not None and unit_id in self.unit_ids)


async def visible_places(principal: Principal, tenant: Tenant) -> VisiblePlaces | None:
    """None when the caller sees the whole community; else the places of their grids."""
    roles = principal.roles_in(tenant)
    if not roles or roles - GRID_BOUND_ROLES:
        return None
    from core.grids.tables import GridAssignment, GridPlace

    today = dt.date.today()
    grid_ids = [
        r["grid"]
        for r in await GridAssignment.select(GridAssignment.grid)
        .where(
            (GridAssignment.user_id == principal.user_id)
            & (GridAssignment.valid_from <= today)
            & (GridAssignment.valid_to.is_null() | (GridAssignment.valid_to >= today))
        )
        .run()
    ]
    if not grid_ids:
        return VisiblePlaces(frozenset(), frozenset())
    rows = (
        await GridPlace.select(GridPlace.building, GridPlace.unit).where(GridPlace.grid.is_in(grid_ids)).run()
    )
    return VisiblePlaces(
        building_ids=frozenset(r["building"] for r in rows if r["unit"] is None),
        unit_ids=frozenset(r["unit"] for r in rows if r["unit"] is not None),
    )


async def visible_building_ids(visible: VisiblePlaces) -> frozenset[int]:
    """Buildings a grid-bound caller may open: whole ones, and those with a visible unit."""
    from core.residents.tables import Unit

    partial = await Unit.select(Unit.building).where(Unit.id.is_in(sorted(visible.unit_ids) or [0])).run()
    return visible.building_ids | frozenset(r["building"] for r in partial)
