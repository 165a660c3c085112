"""Grids are an overlay on the map: a grid is a set of buildings and/or units."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.db.tenant import TenantTable
from core.residents.tables import Building, Person, Unit


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


class VisitPlan(TenantTable, tablename="visit_plan"):
    """How often a vulnerable person is visited; one plan per person, the highest need wins."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    every_days = SmallInt(default=30)
    tier = SmallInt(default=2)
    active = Boolean(default=True)


class Visit(TenantTable, tablename="grid_visit"):
    """入户走访: a home, phone, video or via-a-neighbour visit and what was found."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    visitor_user_id = Integer(index=True)
    kind = Varchar(length=20, default="home")  # home / phone / video / neighbour
    visited_on = Date()
    findings = Text(default="")
    follow_ups = Text(default="")
    case_id = Integer(null=True, default=None)
    created_at = Timestamptz()


class VisitFrequency(TenantTable, tablename="visit_frequency"):
    """A community's own visit frequency per care tier (defaults: weekly, monthly, quarterly)."""

    tier = SmallInt()
    every_days = SmallInt()


class VisitRequest(TenantTable, tablename="visit_request"):
    """A visit asked for outside the plan — a module that saw something (a meal not taken in,
    a door not opened) asks the person's grid worker to look in. Done by the next recorded visit."""

    person = ForeignKey(Person, null=False, on_delete=OnDelete.restrict)
    reason = Varchar(length=200)
    source = Varchar(length=40, default="")  # the plugin that asked
    due_on = Date()
    requested_at = Timestamptz()
    visit = ForeignKey(Visit, null=True, default=None, on_delete=OnDelete.set_null)
    done_at = Timestamptz(null=True, default=None)


GRID_TABLES: list[type[Table]] = [
    Grid,
    GridPlace,
    GridAssignment,
    VisitPlan,
    Visit,
    VisitFrequency,
    VisitRequest,
]
