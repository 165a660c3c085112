"""One dispute's page and everything done on it, each a form over the same functions as the API.

Which parts a caller sees is views.detail's (and, for notes, confidential.py's) decision; this
module only adds the forms their standing allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, InvalidInput, NotFound, Refusal, form_post, render_page, requires
from plugins.mediation import agreements, flow, follow_ups, mediators, sessions, views
from plugins.mediation.pages.common import base, context, local, local_time, yuan_to_fen
from plugins.mediation.settings import settings
from plugins.mediation.standing import Standing, caller_id, dispute_for
from plugins.mediation.vocabulary import REFERRALS, SESSION_KINDS, VISIBILITIES

TERM_ROWS = 4  # term lines on the agreement form


async def draw(
    request: Request, dispute_id: int, *, form: Any = None, refusal: Refusal | None = None
) -> Response:
    dispute, who = await dispute_for(request, dispute_id)
    d = await views.detail(dispute, who)
    for s in d["sessions"]:
        s["when"] = f"{local(s['starts_at'])}–{local(s['ends_at'])[-5:]}"
    for n in d["notes"]:
        n["when"] = local(n["created_at"])
    unsigned = []
    if d["agreement"]:
        signed = {s["party"] for s in d["agreement"]["signatures"]}
        unsigned = [p for p in d["parties"] if p["id"] not in signed]
    names = {p["id"]: p["name"] for p in d["parties"]}
    return await render_page(
        request,
        "mediation/dispute.html",
        status=refusal.status if refusal else 200,
        **context(
            d=d,
            who=who,
            names=names,
            unsigned=unsigned,
            my_unsigned=[p for p in unsigned if p["id"] in who.party_ids],
            roster=await mediators.roster() if who.committee or who.party_ids else [],
            rooms=settings().rooms,
            term_rows=range(TERM_ROWS),
            today=dt.date.today().isoformat(),
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, dispute_id: int) -> Response:
    return await draw(request, dispute_id, form=form, refusal=refusal)


@get("/{dispute_id:int}", guards=[requires("mediation.view")])
async def dispute_page(request: Request, dispute_id: FromPath[int]) -> Response:
    return await draw(request, dispute_id)


def here(dispute_id: int, flash: tuple[str, str]) -> Done:
    return Done(f"{base()}/{dispute_id}", flash=flash)


async def standing_of(request: Request, dispute_id: int) -> Standing:
    return (await dispute_for(request, dispute_id))[1]


# -- the committee: screening and mediators --------------------------------------------------


@form_post("/{dispute_id:int}/screening", None, redraw=redraw, guards=[requires("mediation.manage")])
async def screening_form(request: Request, form: None, dispute_id: int) -> Done:
    await standing_of(request, dispute_id)
    await flow.begin_screening(dispute_id, actor_id=caller_id(request))
    return here(dispute_id, ("已开始审查。", "Screening begun."))


@form_post("/{dispute_id:int}/accept", None, redraw=redraw, guards=[requires("mediation.manage")])
async def accept_form(request: Request, form: None, dispute_id: int) -> Done:
    await standing_of(request, dispute_id)
    await flow.accept(dispute_id, actor_id=caller_id(request))
    return here(dispute_id, ("已受理，请指派调解员。", "Accepted: now assign a mediator."))


@dataclass
class ReferForm(Form):
    referred_to: str = ""
    reason: str = ""


@form_post("/{dispute_id:int}/refer-out", ReferForm, redraw=redraw, guards=[requires("mediation.manage")])
async def refer_form(request: Request, form: ReferForm, dispute_id: int) -> Done:
    await standing_of(request, dispute_id)
    await flow.refer_out(
        dispute_id,
        referred_to=form.choice("referred_to", REFERRALS),
        reason=form.text("reason", required=True, max_length=500),
        actor_id=caller_id(request),
    )
    return here(dispute_id, ("已转出，并记录了原因。", "Referred elsewhere, with the reason recorded."))


@dataclass
class ReasonForm(Form):
    reason: str = ""


@form_post("/{dispute_id:int}/decline", ReasonForm, redraw=redraw, guards=[requires("mediation.manage")])
async def decline_form(request: Request, form: ReasonForm, dispute_id: int) -> Done:
    await standing_of(request, dispute_id)
    await flow.decline(
        dispute_id, reason=form.text("reason", required=True, max_length=500), actor_id=caller_id(request)
    )
    return here(dispute_id, ("已决定不予受理。", "Declined."))


@dataclass
class AssignForm(Form):
    mediator_id: str = ""
    lead: str = ""


@form_post("/{dispute_id:int}/mediators", AssignForm, redraw=redraw, guards=[requires("mediation.manage")])
async def assign_form(request: Request, form: AssignForm, dispute_id: int) -> Done:
    await standing_of(request, dispute_id)
    await flow.assign(
        dispute_id,
        form.integer("mediator_id", minimum=1),
        lead=form.checked("lead"),
        actor_id=caller_id(request),
    )
    return here(dispute_id, ("已指派。", "Assigned."))


@dataclass
class ObjectionForm(Form):
    party_id: str = ""
    mediator_id: str = ""
    reason: str = ""


@form_post("/{dispute_id:int}/objections", ObjectionForm, redraw=redraw, guards=[requires("mediation.view")])
async def objection_form(request: Request, form: ObjectionForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    party_id = form.integer("party_id", minimum=1)
    if party_id not in who.party_ids and not who.committee:
        raise InvalidInput("a party objects for themself", field="party_id")
    await flow.object_to(
        dispute_id,
        party_id,
        form.integer("mediator_id", minimum=1),
        reason=form.text("reason", required=True, max_length=500),
        actor_id=caller_id(request),
    )
    return here(
        dispute_id, ("已记录回避申请，该调解员不再参与。", "Recorded: that mediator will not take part.")
    )


# -- the mediators: sessions, notes, the agreement ------------------------------------------------


@dataclass
class SessionForm(Form):
    kind: str = "joint"
    caucus_party_id: str = ""
    room: str = ""
    day: str = ""
    starts: str = ""
    ends: str = ""
    attendees: str = ""


@form_post("/{dispute_id:int}/sessions", SessionForm, redraw=redraw, guards=[requires("mediation.mediate")])
async def session_form(request: Request, form: SessionForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    names = [
        a.strip() for a in form.text("attendees", max_length=600).replace("，", ",").split(",") if a.strip()
    ]
    await sessions.hold_session(
        dispute_id,
        kind=form.choice("kind", SESSION_KINDS),
        room=form.choice("room", settings().rooms),
        starts_at=local_time(form, "day", "starts"),
        ends_at=local_time(form, "day", "ends"),
        attendees=names,
        caucus_party_id=form.optional_integer("caucus_party_id", minimum=1),
        by=who,
    )
    return here(dispute_id, ("已记录调解会。", "Session recorded."))


@dataclass
class NoteForm(Form):
    words: str = ""  # not "body": that is Form.body
    visibility: str = ""
    party_id: str = ""
    session_id: str = ""


@form_post("/{dispute_id:int}/notes", NoteForm, redraw=redraw, guards=[requires("mediation.mediate")])
async def note_form(request: Request, form: NoteForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    await sessions.write_note(
        dispute_id,
        body=form.text("words", required=True, max_length=5000),
        visibility=form.choice("visibility", VISIBILITIES),
        party_id=form.optional_integer("party_id", minimum=1),
        session_id=form.optional_integer("session_id", minimum=1),
        by=who,
    )
    return here(dispute_id, ("已保存记录。", "Note saved."))


@dataclass
class AgreementForm(Form):
    wording: str = ""  # not "text": that is Form.text
    made_on: str = ""
    party_0: str = ""
    action_0: str = ""
    due_0: str = ""
    amount_0: str = ""
    party_1: str = ""
    action_1: str = ""
    due_1: str = ""
    amount_1: str = ""
    party_2: str = ""
    action_2: str = ""
    due_2: str = ""
    amount_2: str = ""
    party_3: str = ""
    action_3: str = ""
    due_3: str = ""
    amount_3: str = ""


@form_post(
    "/{dispute_id:int}/agreement", AgreementForm, redraw=redraw, guards=[requires("mediation.mediate")]
)
async def agreement_form(request: Request, form: AgreementForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    terms = []
    for i in range(TERM_ROWS):
        if not form.text(f"action_{i}", max_length=300):
            continue
        terms.append(
            agreements.TermDraft(
                obligor_party_id=form.integer(f"party_{i}", minimum=1),
                action=form.text(f"action_{i}", max_length=300),
                due_on=form.date(f"due_{i}"),
                amount_fen=yuan_to_fen(form.optional_decimal(f"amount_{i}", minimum=0, maximum=100_000_000)),
            )
        )
    if not terms:
        raise InvalidInput("an agreement says who does what by when: add at least one term", field="action_0")
    made_on = form.optional_date("made_on") or dt.date.today()
    try:
        await agreements.make_agreement(
            dispute_id,
            text=form.text("wording", required=True, max_length=10000),
            made_on=made_on,
            terms=terms,
            by=who,
        )
    except InvalidInput as exc:  # terms[1].due_on → the form's due_1
        raise InvalidInput(str(exc), field=_form_field(exc.field)) from None
    return here(dispute_id, ("协议已拟好，请双方签字。", "The agreement is written: now both parties sign."))


def _form_field(field: str | None) -> str | None:
    if field and field.startswith("terms["):
        index, _, name = field[len("terms[") :].partition("].")
        return {"obligor_party_id": "party", "due_on": "due", "amount_fen": "amount", "action": "action"}.get(
            name, "action"
        ) + f"_{index}"
    return "wording" if field == "text" else field


@dataclass
class SignForm(Form):
    party_id: str = ""
    method: str = "phone"


@form_post("/{dispute_id:int}/sign", SignForm, redraw=redraw, guards=[requires("mediation.view")])
async def sign_form(request: Request, form: SignForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    method = form.choice("method", ("phone", "paper"))
    agreement = await agreements.sign(
        dispute_id, party_id=form.integer("party_id", minimum=1), method=method, by=who
    )
    if agreement.get("signed_at"):
        return here(dispute_id, ("各方均已签字，协议生效。", "Every party has signed: the agreement stands."))
    return here(dispute_id, ("已签字。", "Signed."))


@dataclass
class TermStateForm(Form):
    term_id: str = ""
    state: str = ""
    note: str = ""


@form_post("/{dispute_id:int}/term", TermStateForm, redraw=redraw, guards=[requires("mediation.mediate")])
async def term_form(request: Request, form: TermStateForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    await agreements.record_term(
        dispute_id,
        form.integer("term_id", minimum=1),
        state=form.choice("state", ("done", "late", "breached")),
        note=form.text("note", max_length=300),
        by=who,
    )
    return here(dispute_id, ("已记录履行情况。", "Recorded."))


@dataclass
class ConfirmationForm(Form):
    applied_on: str = ""


@form_post(
    "/{dispute_id:int}/confirmation", ConfirmationForm, redraw=redraw, guards=[requires("mediation.mediate")]
)
async def confirmation_form(request: Request, form: ConfirmationForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    await agreements.applied_for_confirmation(dispute_id, on=form.date("applied_on"), by=who)
    return here(dispute_id, ("已记录司法确认申请。", "Recorded the application for judicial confirmation."))


@form_post("/{dispute_id:int}/no-agreement", ReferForm, redraw=redraw, guards=[requires("mediation.mediate")])
async def no_agreement_form(request: Request, form: ReferForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    if not (who.mediates or who.committee):
        raise InvalidInput("only the dispute's mediators or the committee do this", field="reason")
    await flow.no_agreement(
        dispute_id,
        referred_to=form.choice("referred_to", REFERRALS, required=False),
        reason=form.text("reason", required=True, max_length=500),
        actor_id=caller_id(request),
    )
    return here(dispute_id, ("已记录调解不成。", "Recorded: no agreement."))


@form_post("/{dispute_id:int}/close", ReasonForm, redraw=redraw, guards=[requires("mediation.mediate")])
async def close_form(request: Request, form: ReasonForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    if not (who.mediates or who.committee):
        raise InvalidInput("only the dispute's mediators or the committee do this", field="reason")
    await flow.close(dispute_id, actor_id=caller_id(request), reason=form.text("reason", max_length=500))
    return here(dispute_id, ("已结案。", "Closed."))


# -- return visits ----------------------------------------------------------------------------


@dataclass
class VisitForm(Form):
    follow_up_id: str = ""
    outcome: str = ""
    settled: str = ""


@form_post("/{dispute_id:int}/visit", VisitForm, redraw=redraw, guards=[requires("mediation.follow_up")])
async def visit_form(request: Request, form: VisitForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    await follow_ups.record(
        dispute_id,
        form.integer("follow_up_id", minimum=1),
        outcome=form.text("outcome", required=True, max_length=2000),
        settled=form.choice("settled", ("yes", "no")) == "yes",
        by=who,
    )
    return here(dispute_id, ("已记录回访。", "Return visit recorded."))


@dataclass
class ScheduleForm(Form):
    due_on: str = ""


@form_post(
    "/{dispute_id:int}/follow-ups", ScheduleForm, redraw=redraw, guards=[requires("mediation.mediate")]
)
async def schedule_form(request: Request, form: ScheduleForm, dispute_id: int) -> Done:
    who = await standing_of(request, dispute_id)
    await follow_ups.schedule(dispute_id, due_on=form.date("due_on"), by=who)
    return here(dispute_id, ("已安排回访。", "Return visit scheduled."))


@get("/{dispute_id:int}/agreement", guards=[requires("mediation.view")])
async def agreement_print(request: Request, dispute_id: FromPath[int]) -> Response:
    """The agreement laid out for printing on A4 (调解协议书), for the parties to sign on paper."""
    dispute, who = await dispute_for(request, dispute_id)
    d = await views.detail(dispute, who)
    if d["agreement"] is None:
        raise NotFound("no agreement yet")
    return await render_page(
        request, "mediation/agreement.html", **context(d=d, names={p["id"]: p["name"] for p in d["parties"]})
    )


HANDLERS = [
    dispute_page,
    screening_form,
    accept_form,
    refer_form,
    decline_form,
    assign_form,
    objection_form,
    session_form,
    note_form,
    agreement_form,
    sign_form,
    term_form,
    confirmation_form,
    no_agreement_form,
    close_form,
    visit_form,
    schedule_form,
    agreement_print,
]
