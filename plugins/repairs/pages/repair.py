"""One repair's page, and what staff and the requester do on it: assign, confirm the quote,
sign off the work, give feedback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, Refusal, form_post, holds, render_page, requires
from plugins.repairs import costs, dispatch, views, work
from plugins.repairs.access import (
    caller_id,
    is_dispatcher,
    require_requester,
    speaks_for_requester,
    visible_repair,
)
from plugins.repairs.pages.common import base, labels
from plugins.repairs.team import OPEN_STATES, member_of_user, skill_problem, skills_of


async def draw(
    request: Request, repair_id: int, *, form: Any = None, refusal: Refusal | None = None
) -> Response:
    repair = await visible_repair(request, repair_id)
    user = caller_id(request)
    member = await member_of_user(user) if holds(request, "repairs.work") else None
    may_grab = False
    if member is not None and repair["assignee_member_id"] is None and repair["state"] in OPEN_STATES:
        may_grab = skill_problem(await skills_of(member["id"]), repair["skill"], dt.date.today()) is None
    return await render_page(
        request,
        "repairs/repair.html",
        status=refusal.status if refusal else 200,
        r=await views.detail(repair),
        labels=await labels(),
        dispatcher=is_dispatcher(request),
        requester=await speaks_for_requester(repair, user),
        holder=member is not None and member["id"] == repair["assignee_member_id"],
        may_grab=may_grab,
        suggestions=await dispatch.suggest(repair) if is_dispatcher(request) else [],
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
        form=form.values() if isinstance(form, Form) else {},
    )


async def redraw(request: Request, form: Any, refusal: Refusal, repair_id: int) -> Response:
    return await draw(request, repair_id, form=form, refusal=refusal)


@get("/{repair_id:int}", guards=[requires("repairs.view")])
async def repair_page(request: Request, repair_id: FromPath[int]) -> Response:
    return await draw(request, repair_id)


@dataclass
class AssignForm(Form):
    member_id: str = ""
    reason: str = ""


@form_post("/{repair_id:int}/assign", AssignForm, redraw=redraw, guards=[requires("repairs.dispatch")])
async def assign_form(request: Request, form: AssignForm, repair_id: int) -> Done:
    repair = await visible_repair(request, repair_id)
    await dispatch.assign(
        repair, form.integer("member_id"), by_user_id=caller_id(request), reason=form.reason
    )
    return Done(f"{base()}/{repair_id}", flash=("已派单。", "Assigned."))


@form_post("/{repair_id:int}/quote-confirm", None, redraw=redraw, guards=[requires("repairs.report")])
async def confirm_quote_form(request: Request, form: None, repair_id: int) -> Done:
    repair = await visible_repair(request, repair_id)
    await require_requester(request, repair, "confirm the quote")
    await costs.confirm_quote(repair, by_user_id=caller_id(request))
    return Done(f"{base()}/{repair_id}", flash=("已确认报价。", "Quote confirmed."))


@dataclass
class SignOffForm(Form):
    paid_yuan: str = "0"
    note: str = ""


@form_post("/{repair_id:int}/sign-off", SignOffForm, redraw=redraw, guards=[requires("repairs.report")])
async def sign_off_form(request: Request, form: SignOffForm, repair_id: int) -> Done:
    repair = await visible_repair(request, repair_id)
    await require_requester(request, repair, "sign off the work")
    await work.sign_off(
        repair, paid_yuan=form.decimal("paid_yuan"), note=form.note, by_user_id=caller_id(request)
    )
    return Done(f"{base()}/{repair_id}", flash=("已签收。", "Signed off."))


@dataclass
class FeedbackForm(Form):
    outcome: str = ""
    speed_score: str = ""
    service_score: str = ""
    comment: str = ""


@form_post("/{repair_id:int}/feedback", FeedbackForm, redraw=redraw, guards=[requires("repairs.report")])
async def feedback_form(request: Request, form: FeedbackForm, repair_id: int) -> Done:
    repair = await visible_repair(request, repair_id)
    await require_requester(request, repair, "give feedback")
    await work.give_feedback(
        repair,
        outcome=form.outcome,
        speed_score=form.integer("speed_score"),
        service_score=form.integer("service_score"),
        comment=form.comment,
        by_user_id=caller_id(request),
    )
    return Done(f"{base()}/{repair_id}", flash=("谢谢您的评价。", "Thank you for your feedback."))


HANDLERS = [repair_page, assign_form, confirm_quote_form, sign_off_form, feedback_form]
