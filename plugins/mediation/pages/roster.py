"""The roster of people's mediators and experts (the committee's page): add one, mark them
available or not, and record a declared conflict of interest with a person of the register."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, InvalidInput, Refusal, form_post, member_by_username, render_page, requires
from plugins.mediation import mediators
from plugins.mediation.pages.common import base, building_options, context, party_from
from plugins.mediation.vocabulary import KINDS, MEDIATOR_KINDS


async def draw(request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any) -> Response:
    rows = await mediators.roster(include_inactive=True)
    for row in rows:
        row["conflicts"] = await mediators.conflicts_of(row["id"])
    return await render_page(
        request,
        "mediation/roster.html",
        status=refusal.status if refusal else 200,
        **context(
            rows=rows,
            buildings=await building_options(),
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw(request, form=form, refusal=refusal)


@get("/mediators", guards=[requires("mediation.manage")])
async def roster_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class MediatorForm(Form):
    name: str = ""
    kind: str = ""
    phone: str = ""
    username: str = ""
    specialities: str = ""  # the kinds ticked, joined by the browser as repeated fields


@form_post("/mediators", MediatorForm, redraw=redraw, guards=[requires("mediation.manage")])
async def add_form(request: Request, form: MediatorForm) -> Done:
    await mediators.add(
        name=form.text("name", required=True, max_length=60),
        kind=form.choice("kind", MEDIATOR_KINDS),
        phone=form.text("phone", max_length=20),
        user_id=await _login_of(form.text("username", max_length=60)),
        specialities=[s for s in form.raw("specialities").split(",") if s in KINDS],
    )
    return Done(f"{base()}/mediators", flash=("已加入调解员名册。", "Added to the roster."))


async def _login_of(username: str) -> int | None:
    """A member's login by their user name (what staff know), not by an id."""
    if not username:
        return None
    user_id = await member_by_username(username)
    if user_id is None:
        raise InvalidInput("no member of the community has this user name", field="username")
    return user_id


@dataclass
class AvailabilityForm(Form):
    available: str = ""
    active: str = ""


@form_post(
    "/mediators/{mediator_id:int}", AvailabilityForm, redraw=redraw, guards=[requires("mediation.manage")]
)
async def availability_form(request: Request, form: AvailabilityForm, mediator_id: int) -> Done:
    await mediators.update(mediator_id, available=form.checked("available"), active=form.checked("active"))
    return Done(f"{base()}/mediators", flash=("已更新。", "Updated."))


@dataclass
class ConflictForm(Form):
    person_name: str = ""
    person_building: str = ""
    person_number: str = ""
    person_phone: str = ""
    reason: str = ""


@form_post(
    "/mediators/{mediator_id:int}/conflicts",
    ConflictForm,
    redraw=redraw,
    guards=[requires("mediation.manage")],
)
async def conflict_form(request: Request, form: ConflictForm, mediator_id: FromPath[int]) -> Done:
    party, _ = await party_from(form, "person", "applicant", strict=True)
    if party.person_id is None:
        raise InvalidInput("name a person of the register and where they live", field="person_building")
    await mediators.declare_conflict(
        mediator_id, person_id=party.person_id, reason=form.text("reason", required=True, max_length=200)
    )
    return Done(f"{base()}/mediators", flash=("已记录利害关系，此人的纠纷不会指派该调解员。", "Recorded."))


HANDLERS = [roster_page, add_form, availability_form, conflict_form]
