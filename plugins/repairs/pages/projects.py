"""Shared-cost projects (公示): the public accounts households see, and what the residents'
representative or staff record on them — collections, expenses, settlement (多退少补)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath

from core.api import Done, Form, NotFound, Refusal, attachments_of, form_post, holds, render_page, requires
from plugins.repairs.access import caller_id
from plugins.repairs.pages.common import base


async def draw_list(
    request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any
) -> Response:
    from core.api import list_buildings
    from plugins.repairs import projects
    from plugins.repairs.tables import Project

    rows = await Project.select().order_by(Project.id, ascending=False).run()
    manager = holds(request, "repairs.projects")
    if not manager:
        rows = [p for p in rows if await projects.concerns(p, caller_id(request))]
    return await render_page(
        request,
        "repairs/projects.html",
        status=refusal.status if refusal else 200,
        projects=rows,
        manager=manager,
        buildings=[(str(b.id), b.name) for b in await list_buildings()] if manager else [],
        form=form.values() if isinstance(form, Form) else {},
        errors=refusal.errors if refusal else {},
    )


async def redraw_list(request: Request, form: Any, refusal: Refusal, **_: Any) -> Response:
    return await draw_list(request, form=form, refusal=refusal)


@get("/projects", guards=[requires("repairs.view")])
async def projects_page(request: Request) -> Response:
    return await draw_list(request)


@dataclass
class ProjectForm(Form):
    title: str = ""
    building_id: str = ""
    per_household_yuan: str = ""
    description: str = ""
    representative: str = ""


@form_post("/projects", ProjectForm, redraw=redraw_list, guards=[requires("repairs.projects")])
async def new_project_form(request: Request, form: ProjectForm) -> Done:
    """A shared-cost project for every household of a building (the exterior-wall net, 600 yuan
    a household), its accounts public to them; the residents' representative by user name."""
    from core.api import InvalidInput, member_by_username
    from plugins.repairs import projects

    representative = None
    name = form.text("representative", max_length=60)
    if name:
        representative = await member_by_username(name)
        if representative is None:
            raise InvalidInput("no member of the community has this user name", field="representative")
    project = await projects.create_project(
        title=form.text("title", required=True, max_length=200),
        building_id=form.integer("building_id", minimum=1),
        per_household_yuan=form.decimal("per_household_yuan", minimum=0, maximum=1_000_000),
        description=form.text("description", max_length=2000),
        representative_user_id=representative,
        dwelling_ids=None,
        contacts={},
        by_user_id=caller_id(request),
    )
    return Done(
        f"{base()}/projects/{project['id']}",
        flash=(
            "已建立分摊项目，账目向住户公开。",
            "Project made; its accounts are public to the households.",
        ),
    )


async def _project(request: Request, project_id: int) -> dict[str, Any]:
    from plugins.repairs import projects

    project = await projects.get_project(project_id)
    if not (holds(request, "repairs.projects") or await projects.concerns(project, caller_id(request))):
        raise NotFound("no such project")
    return project


async def draw(request: Request, project_id: int, *, refusal: Refusal | None = None) -> Response:
    from plugins.repairs import projects

    project = await _project(request, project_id)
    accounts = await projects.accounts(project_id)
    receipts = {e["id"]: len(await attachments_of("repairs.expense", e["id"])) for e in accounts["expenses"]}
    manager = holds(request, "repairs.projects")
    return await render_page(
        request,
        "repairs/project.html",
        status=refusal.status if refusal else 200,
        a=accounts,
        receipts=receipts,
        runs=projects.may_run(project, caller_id(request), manager),
        manager=manager,
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
        today=dt.date.today(),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, project_id: int) -> Response:
    return await draw(request, project_id, refusal=refusal)


@get("/projects/{project_id:int}", guards=[requires("repairs.view")])
async def project_page(request: Request, project_id: FromPath[int]) -> Response:
    return await draw(request, project_id)


@dataclass
class MoneyForm(Form):
    dwelling_id: str = ""
    description: str = ""
    amount_yuan: str = ""
    spent_on: str = ""


async def _runnable_project(request: Request, project_id: int) -> dict[str, Any]:
    from plugins.repairs import projects

    project = await _project(request, project_id)
    if not projects.may_run(project, caller_id(request), holds(request, "repairs.projects")):
        raise PermissionDeniedException("only the residents' representative or staff record this")
    return project


@form_post(
    "/projects/{project_id:int}/collections", MoneyForm, redraw=redraw, guards=[requires("repairs.view")]
)
async def collection_form(request: Request, form: MoneyForm, project_id: int) -> Done:
    from plugins.repairs import projects

    project = await _runnable_project(request, project_id)
    await projects.record_collection(
        project, form.integer("dwelling_id"), form.decimal("amount_yuan"), by_user_id=caller_id(request)
    )
    return Done(f"{base()}/projects/{project_id}", flash=("已记收款。", "Collection recorded."))


@form_post("/projects/{project_id:int}/expenses", MoneyForm, redraw=redraw, guards=[requires("repairs.view")])
async def expense_form(request: Request, form: MoneyForm, project_id: int) -> Done:
    from plugins.repairs import projects

    project = await _runnable_project(request, project_id)
    spent_on = form.date("spent_on")
    await projects.add_expense(
        project,
        description=form.description,
        amount_yuan=form.decimal("amount_yuan"),
        spent_on=spent_on,
        by_user_id=caller_id(request),
    )
    return Done(f"{base()}/projects/{project_id}", flash=("已记支出。", "Expense recorded."))


@form_post("/projects/{project_id:int}/settle", None, redraw=redraw, guards=[requires("repairs.projects")])
async def settle_form(request: Request, form: None, project_id: int) -> Done:
    from plugins.repairs import projects

    await projects.settle(await _project(request, project_id), by_user_id=caller_id(request))
    return Done(
        f"{base()}/projects/{project_id}",
        flash=("已结算，退补金额已列出。", "Settled: refunds and top-ups are listed."),
    )


HANDLERS = [new_project_form, projects_page, project_page, collection_form, expense_form, settle_form]
