"""Shared-cost projects: staff open them; the residents' representative records collections and
expenses; the households concerned see the accounts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from core.api import InvalidInput, NotFound, holds, requires
from plugins.repairs import projects
from plugins.repairs.access import caller_id
from plugins.repairs.api.bodies import BalanceIn, CollectionIn, ExpenseIn, ProjectIn


def _manager(request: Request) -> bool:
    return holds(request, "repairs.projects")


async def _visible(request: Request, project_id: int) -> dict[str, Any]:
    project = await projects.get_project(project_id)
    if not (_manager(request) or await projects.concerns(project, caller_id(request))):
        raise NotFound("no such project")
    return project


async def _runnable(request: Request, project_id: int) -> dict[str, Any]:
    project = await _visible(request, project_id)
    if not projects.may_run(project, caller_id(request), _manager(request)):
        raise PermissionDeniedException("only the residents' representative or staff record this")
    return project


class ProjectsController(Controller):
    path = "/projects"

    @post("/", guards=[requires("repairs.projects")])
    async def create(self, request: Request, data: JSONBody[ProjectIn]) -> dict[str, Any]:
        try:
            contacts = {int(k): v for k, v in data.contacts.items()}
        except ValueError:
            raise InvalidInput("keys are dwelling ids", field="contacts") from None
        return await projects.create_project(
            title=data.title,
            building_id=data.building_id,
            per_household_yuan=data.per_household_yuan,
            description=data.description,
            representative_user_id=data.representative_user_id,
            dwelling_ids=data.dwelling_ids,
            contacts=contacts,
            by_user_id=caller_id(request),
        )

    @get("/", guards=[requires("repairs.view")])
    async def list_projects(self, request: Request) -> list[dict[str, Any]]:
        from plugins.repairs.tables import Project

        rows = await Project.select().order_by(Project.id, ascending=False).run()
        if _manager(request):
            return rows
        me = caller_id(request)
        return [p for p in rows if await projects.concerns(p, me)]

    @get("/{project_id:int}", guards=[requires("repairs.view")])
    async def accounts(self, request: Request, project_id: FromPath[int]) -> dict[str, Any]:
        """The public accounts (公示) for the households concerned."""
        return await projects.accounts((await _visible(request, project_id))["id"])

    @post("/{project_id:int}/collections", guards=[requires("repairs.view")], status_code=200)
    async def collect(
        self, request: Request, project_id: FromPath[int], data: JSONBody[CollectionIn]
    ) -> dict[str, Any]:
        project = await _runnable(request, project_id)
        return await projects.record_collection(
            project, data.dwelling_id, data.amount_yuan, by_user_id=caller_id(request)
        )

    @post("/{project_id:int}/expenses", guards=[requires("repairs.view")])
    async def expense(
        self, request: Request, project_id: FromPath[int], data: JSONBody[ExpenseIn]
    ) -> dict[str, Any]:
        project = await _runnable(request, project_id)
        row = await projects.add_expense(
            project,
            description=data.description,
            amount_yuan=data.amount_yuan,
            spent_on=data.spent_on,
            by_user_id=caller_id(request),
        )
        return {
            **row,
            "attach": {"owner_kind": "repairs.expense", "owner_id": row["id"], "purposes": ["receipt"]},
        }

    @post("/{project_id:int}/settle", guards=[requires("repairs.projects")], status_code=200)
    async def settle(self, request: Request, project_id: FromPath[int]) -> dict[str, Any]:
        project = await _visible(request, project_id)
        return await projects.settle(project, by_user_id=caller_id(request))

    @post("/{project_id:int}/balances", guards=[requires("repairs.view")], status_code=200)
    async def balance_done(
        self, request: Request, project_id: FromPath[int], data: JSONBody[BalanceIn]
    ) -> dict[str, Any]:
        project = await _runnable(request, project_id)
        return await projects.mark_balance_done(project, data.dwelling_id)
