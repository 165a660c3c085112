"""Volunteers on the phone: my jobs and open jobs of my skills; grab, record work, quote, decline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import PermissionDeniedException

from core.api import Done, Form, InvalidInput, Refusal, form_post, render_page, requires
from plugins.repairs import costs, dispatch, work
from plugins.repairs.access import caller_id, visible_repair
from plugins.repairs.pages.common import base, labels
from plugins.repairs.team import OPEN_STATES, member_of_user, skill_problem, skills_of


async def draw(request: Request, *, refusal: Refusal | None = None, job: int | None = None) -> Response:
    from plugins.repairs.tables import Repair

    member = await member_of_user(caller_id(request))
    mine: list[dict[str, Any]] = []
    open_jobs: list[dict[str, Any]] = []
    if member is not None:
        mine = (
            await Repair.select()
            .where((Repair.assignee_member_id == member["id"]) & Repair.state.is_in(list(OPEN_STATES)))
            .order_by(Repair.due_at)
            .run()
        )
        skills = await skills_of(member["id"])
        usable = [s["skill"] for s in skills if skill_problem(skills, s["skill"], dt.date.today()) is None]
        if usable:
            open_jobs = (
                await Repair.select()
                .where(
                    Repair.assignee_member_id.is_null()
                    & Repair.skill.is_in(usable)
                    & Repair.state.is_in([s for s in OPEN_STATES if s != "in_progress"])
                )
                .order_by(Repair.id)
                .run()
            )
    return await render_page(
        request,
        "repairs/jobs.html",
        status=refusal.status if refusal else 200,
        member=member,
        mine=mine,
        open_jobs=open_jobs,
        labels=await labels(),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
        job=job,
    )


async def redraw(request: Request, form: Any, refusal: Refusal, repair_id: int) -> Response:
    return await draw(request, refusal=refusal, job=repair_id)


@get("/jobs", guards=[requires("repairs.work")])
async def jobs_page(request: Request) -> Response:
    return await draw(request)


async def _me(request: Request) -> dict[str, Any]:
    member = await member_of_user(caller_id(request))
    if member is None:
        raise PermissionDeniedException("you are not on the repair team")
    return member


@form_post("/jobs/{repair_id:int}/grab", None, redraw=redraw, guards=[requires("repairs.work")])
async def grab_form(request: Request, form: None, repair_id: int) -> Done:
    member = await _me(request)
    await dispatch.grab(await visible_repair(request, repair_id), member, user_id=caller_id(request))
    return Done(f"{base()}/jobs", flash=("已接单。", "The job is yours."))


@dataclass
class WorkForm(Form):
    minutes: str = ""
    materials: str = ""  # one per line: "name, cost in yuan"
    note: str = ""

    def material_list(self) -> list[dict[str, Any]]:
        items = []
        for line in self.materials.splitlines():
            if not line.strip():
                continue
            name, _, cost = line.replace("，", ",").partition(",")
            try:
                cost_yuan = float((cost or "0").strip())
            except ValueError:
                raise InvalidInput("must be a number", field="materials") from None
            items.append({"name": name.strip(), "cost_yuan": cost_yuan})
        return items


@form_post("/jobs/{repair_id:int}/work", WorkForm, redraw=redraw, guards=[requires("repairs.work")])
async def work_form(request: Request, form: WorkForm, repair_id: int) -> Done:
    member = await _me(request)
    await work.record_work(
        await visible_repair(request, repair_id),
        member_id=member["id"],
        materials=form.material_list(),
        minutes=form.integer("minutes", minimum=0),
        cost_yuan=None,
        note=form.note,
        by_user_id=caller_id(request),
    )
    return Done(f"{base()}/jobs", flash=("已记录维修。", "Work recorded."))


@dataclass
class QuoteForm(Form):
    amount_yuan: str = ""
    note: str = ""


@form_post("/jobs/{repair_id:int}/quote", QuoteForm, redraw=redraw, guards=[requires("repairs.work")])
async def quote_form(request: Request, form: QuoteForm, repair_id: int) -> Done:
    member = await _me(request)
    repair = await visible_repair(request, repair_id)
    if repair["assignee_member_id"] != member["id"]:
        raise PermissionDeniedException("this job is not yours")
    await costs.quote(repair, form.decimal("amount_yuan"), form.note)
    return Done(f"{base()}/jobs", flash=("报价已发给居民确认。", "The quote is waiting for the resident."))


@dataclass
class ReasonForm(Form):
    reason: str = ""


@form_post("/jobs/{repair_id:int}/decline", ReasonForm, redraw=redraw, guards=[requires("repairs.work")])
async def decline_form(request: Request, form: ReasonForm, repair_id: int) -> Done:
    member = await _me(request)
    await dispatch.decline(
        await visible_repair(request, repair_id), member, form.reason, user_id=caller_id(request)
    )
    return Done(f"{base()}/jobs", flash=("已退单。", "Job declined."))


HANDLERS = [jobs_page, grab_form, work_form, quote_form, decline_form]
