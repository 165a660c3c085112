"""The list of disputes one has standing in, and raising a new one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import QueryParameter

from core.api import Done, Form, Refusal, form_post, holds, paginate, render_page, requires
from plugins.mediation import intake
from plugins.mediation.pages.common import base, building_options, context, party_from
from plugins.mediation.standing import caller_id, visible_dispute_ids
from plugins.mediation.vocabulary import KINDS, REFERRALS, SOURCES, STATES


def enters_for_others(request: Request) -> bool:
    return holds(request, "residents.edit") or holds(request, "mediation.manage")


@get("/", guards=[requires("mediation.view")])
async def list_page(
    request: Request,
    in_state: Annotated[str, QueryParameter(name="state", max_length=20)] = "",
    q: Annotated[str, QueryParameter(max_length=60)] = "",
    page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
) -> Response:
    from plugins.mediation.tables import Dispute, Party

    where: Any = Dispute.id > 0
    ids = await visible_dispute_ids(request)
    if ids is not None:
        where = where & Dispute.id.is_in(sorted(ids) or [0])
    if in_state in STATES:
        where = where & (Dispute.state == in_state)
    if q:
        named = await Party.select(Party.dispute).where(Party.name.like(f"%{q}%")).run()
        where = where & ((Dispute.number == q) | Dispute.id.is_in([r["dispute"] for r in named] or [0]))
    paged = await paginate(
        Dispute.select().where(where).order_by(Dispute.id, ascending=False),
        Dispute.count().where(where),
        page=page,
    )
    return await render_page(
        request,
        "mediation/disputes.html",
        **context(paged=paged, state=in_state, q=q, may_raise=holds(request, "mediation.raise")),
    )


@dataclass
class RaiseForm(Form):
    kind: str = ""
    source: str = ""
    summary: str = ""
    applicant_name: str = ""
    applicant_building: str = ""
    applicant_number: str = ""
    applicant_phone: str = ""
    respondent_name: str = ""
    respondent_building: str = ""
    respondent_number: str = ""
    respondent_phone: str = ""
    already_before: str = ""


async def draw_new(
    request: Request, *, form: RaiseForm | None = None, refusal: Refusal | None = None
) -> Response:
    return await render_page(
        request,
        "mediation/new.html",
        status=refusal.status if refusal else 200,
        **context(
            form=form.values() if form else {},
            errors=refusal.errors if refusal else {},
            for_others=enters_for_others(request),
            buildings=await building_options(),
        ),
    )


async def redraw_new(request: Request, form: RaiseForm, refusal: Refusal) -> Response:
    return await draw_new(request, form=form, refusal=refusal)


@get("/new", guards=[requires("mediation.raise")])
async def new_page(request: Request) -> Response:
    return await draw_new(request)


@form_post("/new", RaiseForm, redraw=redraw_new, guards=[requires("mediation.raise")])
async def raise_form(request: Request, form: RaiseForm) -> Done:
    for_others = enters_for_others(request)
    kind = form.choice("kind", KINDS)
    source = form.choice("source", SOURCES) if for_others else "resident"
    summary = form.text("summary", required=True, max_length=2000)
    dwelling_id = None
    if for_others:
        applicant, dwelling_id = await party_from(form, "applicant", "applicant", strict=True)
    else:
        applicant = intake.PartyDraft(role="applicant")
    respondent, _ = await party_from(form, "respondent", "respondent", strict=for_others)
    already = form.choice("already_before", REFERRALS, required=False) if for_others else ""
    dispute = await intake.raise_dispute(
        kind=kind,
        source=source,
        summary=summary,
        parties=[applicant, respondent],
        caller_user_id=caller_id(request),
        on_behalf=for_others,
        dwelling_id=dwelling_id,
        already_before=already,
    )
    if dispute["state"] == "referred_out":
        flash = (
            "已登记。此事已由其他机关受理，已转出。",
            "Recorded, and referred out: another authority has it.",
        )
    else:
        flash = ("已提交调解申请，调委会将尽快联系。", "Sent. The mediation committee will be in touch.")
    return Done(f"{base()}/{dispute['id']}", flash=flash)


HANDLERS = [list_page, new_page, raise_form]
