"""HTTP API of grids, assignments, visit plans and visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from core.auth.guards import principal_of, requires
from core.cases.routes import case_types
from core.errors import NotFound
from core.grids import service, visits
from core.grids.tables import Grid, GridAssignment, GridPlace, Visit
from core.residents.request_scope import person_in_scope as _person_in_scope
from core.residents.scope import visible_places
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.web.bodies import Body, Id, Int32, LongText, Note


class GridIn(Body):
    name: str
    notes: Note = ""


class PlaceIn(Body):
    building_id: Id
    unit_id: Id | None = None


class AssignmentIn(Body):
    user_id: Id
    role: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class FrequencyIn(Body):
    tier: Int32
    every_days: Int32


class VisitCaseIn(Body):
    title: str
    type: str = "general_request"
    description: LongText = ""


class VisitIn(Body):
    person_id: Id
    open_case: VisitCaseIn | None = None
    kind: str = "home"
    visited_on: dt.date | None = None
    findings: str = ""
    follow_ups: str = ""


async def _my_grids(request: Request) -> list[int] | None:
    """None for staff (every grid); the caller's grids for grid-bound roles."""
    principal = principal_of(request)
    if await visible_places(principal, current_tenant()) is None:
        return None
    return await service.grids_of(principal.user_id, dt.date.today())


class GridsController(Controller):
    path = "/api/v1/c/{community:str}/grids"
    tags = ["grids"]

    @get("/", guards=[requires("grids.view")])
    async def list_grids(self, request: Request) -> list[dict[str, Any]]:
        mine = await _my_grids(request)
        query = Grid.select().where(Grid.active.eq(True))
        if mine is not None:
            query = query.where(Grid.id.is_in(mine or [0]))
        return await query.order_by(Grid.name).run()

    @post("/", guards=[requires("grids.manage")])
    async def create(self, data: JSONBody[GridIn]) -> dict[str, Any]:
        return await service.create_grid(data.name, data.notes)

    @get("/figures", guards=[requires("grids.view")])
    async def figures(self) -> dict[str, Any]:
        return await visits.visit_coverage(dt.date.today())

    @get("/{grid_id:int}", guards=[requires("grids.view")])
    async def get_grid(self, request: Request, grid_id: FromPath[int]) -> dict[str, Any]:
        mine = await _my_grids(request)
        if mine is not None and grid_id not in mine:
            raise NotFound("no such grid")
        grid = await service.get_grid(grid_id)
        grid["places"] = (
            await GridPlace.select(
                GridPlace.id,
                GridPlace.building,
                GridPlace.unit,
                GridPlace.building.name.as_alias("building_name"),
            )
            .where(GridPlace.grid == grid_id)
            .run()
        )
        grid["assignments"] = await GridAssignment.select().where(GridAssignment.grid == grid_id).run()
        return grid

    @post("/{grid_id:int}/places", guards=[requires("grids.manage")])
    async def add_place(self, grid_id: FromPath[int], data: JSONBody[PlaceIn]) -> dict[str, Any]:
        return await service.add_place(grid_id, data.building_id, data.unit_id)

    @post("/{grid_id:int}/assignments", guards=[requires("grids.manage")])
    async def assign(self, grid_id: FromPath[int], data: JSONBody[AssignmentIn]) -> dict[str, Any]:
        return await service.assign(grid_id, data.user_id, data.role, data.valid_from, data.valid_to)


class VisitsController(Controller):
    path = "/api/v1/c/{community:str}/visits"
    tags = ["grids"]

    @get("/due", guards=[requires("visits.record")])
    async def due(self, request: Request, on: FromQuery[dt.date | None] = None) -> list[dict[str, Any]]:
        """Visits due and overdue: for a grid worker, in their grids; for staff, everywhere."""
        return await visits.due_visits(on or dt.date.today(), await _my_grids(request))

    @post("/", guards=[requires("visits.record")])
    async def record(self, request: Request, data: JSONBody[VisitIn]) -> dict[str, Any]:
        await _person_in_scope(request, data.person_id)
        visit = await visits.record_visit(
            data.person_id,
            principal_of(request).user_id,
            kind=data.kind,
            visited_on=data.visited_on or dt.date.today(),
            findings=data.findings,
            follow_ups=data.follow_ups,
        )
        if data.open_case is not None:  # one step: the visit raises a case, located at the home
            visit["case"] = await visits.open_case_from_visit(
                case_types(state_of(request.app)),
                visit,
                data.open_case.type,
                data.open_case.title,
                data.open_case.description,
            )
        return visit

    @get("/", guards=[requires("visits.record")])
    async def list_for_person(self, request: Request, person_id: FromQuery[int]) -> list[dict[str, Any]]:
        await _person_in_scope(request, person_id)
        return (
            await Visit.select()
            .where(Visit.person == person_id)
            .order_by(Visit.visited_on, ascending=False)
            .run()
        )

    @get("/frequency", guards=[requires("visits.record")])
    async def frequency(self) -> dict[str, int]:
        return {str(tier): days for tier, days in (await visits.frequencies()).items()}

    @post("/frequency", guards=[requires("grids.manage")], status_code=200)
    async def set_frequency(self, data: JSONBody[FrequencyIn]) -> dict[str, Any]:
        """Change how often a care tier is visited here; plans follow at once."""
        from core.errors import InvalidInput
        from core.grids.tables import VisitFrequency

        if data.tier not in (1, 2, 3):
            raise InvalidInput("must be 1, 2 or 3", field="tier")
        if not 1 <= data.every_days <= 366:
            raise InvalidInput("must be between 1 and 366 days", field="every_days")
        if await VisitFrequency.exists().where(VisitFrequency.tier == data.tier).run():
            await (
                VisitFrequency.update({VisitFrequency.every_days: data.every_days})
                .where(VisitFrequency.tier == data.tier)
                .run()
            )
        else:
            await VisitFrequency.insert(VisitFrequency(tier=data.tier, every_days=data.every_days)).run()
        return {
            "tier": data.tier,
            "every_days": data.every_days,
            "plans_changed": await visits.generate_visit_plans(),
        }

    @post("/plans/generate", guards=[requires("grids.manage")], status_code=200)
    async def generate(self) -> dict[str, Any]:
        return {"changed": await visits.generate_visit_plans()}


GRID_HANDLERS: list[Any] = [GridsController, VisitsController]
