"""Grids are an overlay on the map: a grid is a set of buildings and/or units."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.db.tenant import TenantTable
from core.residents.tables import Building, Unit


class Grid(TenantTable, tablename="grid"):
    name = Varchar(length=100)
    # Where unresolved matters go next: grid -> community -> street office.
    notes = Text(default="")
    active = Boolean(default=True)


class GridPlace(TenantTable, tablename="grid_place"):
    """A whole building, or one unit of it, belonging to a grid."""

    grid = ForeignKey(Grid, null=False, on_delete=OnDelete.cascade)
    building = ForeignKey(Building, null=False, on_delete=OnDelete.restrict)
    unit = ForeignKey(Unit, null=True, default=None, on_delete=OnDelete.restrict)


class GridAssignment(TenantTable, tablename="grid_assignment"):
    """Who looks after a grid, in which role, from when to when."""

    grid = ForeignKey(Grid, null=False, on_delete=OnDelete.cascade)
    user_id = Integer(index=True)
    # grid_leader / grid_worker / grid_worker_part_time / grid_instructor / building_leader / volunteer
    role = Varchar(length=30)
    valid_from = Date()
    valid_to = Date(null=True, default=None)


GRID_TABLES: list[type[Table]] = [Grid, GridPlace, GridAssignment]
