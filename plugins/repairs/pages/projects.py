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


@get("/projects", guards=[requires("repairs.view")])
async def projects_page(request: Request) -> Response:
    from plugins.repairs import projects
    from plugins.repairs.tables import Project

    rows = await Project.select().order_by(Project.id, ascending=False).run()
    if not holds(request, "repairs.projects"):
        rows = [p for p in rows if await projects.concerns(p, caller_id(request))]
    return await render_page(request, "repairs/projects.html", projects=rows)


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


HANDLERS = [projects_page, project_page, collection_form, expense_form, settle_form]
