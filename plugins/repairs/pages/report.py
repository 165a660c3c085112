"""Residents (and staff for them): report a problem, and the list of my repairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import (
    Done,
    Form,
    InvalidInput,
    Refusal,
    current_residencies,
    dwellings_of_building,
    form_post,
    get_dwelling,
    holds,
    list_buildings,
    person_of_user,
    render_page,
    requires,
    residents_of_dwelling,
)
from plugins.repairs import categories, intake
from plugins.repairs.access import caller_id, own_repairs_filter
from plugins.repairs.pages.common import base, labels


@dataclass
class ReportForm(Form):
    category: str = ""
    location: str = "dwelling"
    building_id: str = ""
    dwelling_number: str = ""
    location_note: str = ""
    description: str = ""
    urgency: str = ""
    preferred_time: str = ""
    requester_name: str = ""  # staff reporting for a resident (代报): who, living at the flat named


async def draw(
    request: Request, *, form: ReportForm | None = None, refusal: Refusal | None = None
) -> Response:
    return await render_page(
        request,
        "repairs/report.html",
        home=await _home_of(caller_id(request)),
        status=refusal.status if refusal else 200,
        form=form or ReportForm(),
        categories=await categories.list_categories(),
        buildings=await list_buildings(),
        for_others=holds(request, "repairs.dispatch") or holds(request, "residents.edit"),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: ReportForm, refusal: Refusal, **_: Any) -> Response:
    return await draw(request, form=form, refusal=refusal)


async def _home_of(user_id: int) -> str | None:
    """ "8栋 301" when the caller's login is a registered person with one home here."""
    person = await person_of_user(user_id)
    homes = await current_residencies(person) if person is not None else []
    if len(homes) != 1:
        return None
    d = await get_dwelling(homes[0].dwelling_id)
    return f"{d.building_name} {d.number}"


@get("/report", guards=[requires("repairs.report")])
async def report_page(request: Request) -> Response:
    return await draw(request)


async def _dwelling_of(building_id: int, number: str) -> int:
    match = [d.id for d in await dwellings_of_building(building_id) if d.number == number.strip()]
    if not match:
        raise InvalidInput("no such flat in that building", field="dwelling_number")
    return match[0]


@form_post("/report", ReportForm, redraw=redraw, guards=[requires("repairs.report")])
async def report_form(request: Request, form: ReportForm) -> Done:
    building_id = form.optional_integer("building_id")
    dwelling_id = None
    if form.location == "dwelling" and (building_id is not None or form.dwelling_number.strip()):
        if building_id is None:
            raise InvalidInput("choose your building", field="building_id")
        dwelling_id = await _dwelling_of(building_id, form.dwelling_number)
    # Otherwise a resident linked to the register reports for their own home (intake knows it).
    requester_person_id, on_behalf = None, False
    name = form.text("requester_name", max_length=60)
    if name:  # 代报: staff (or a grid worker) report for the resident named, living at that flat
        if not (holds(request, "repairs.dispatch") or holds(request, "residents.edit")):
            raise InvalidInput("only staff report for someone else", field="requester_name")
        if dwelling_id is None:
            raise InvalidInput("name the flat the resident lives in", field="dwelling_number")
        person = next((p for p in await residents_of_dwelling(dwelling_id) if p.name == name), None)
        if person is None:
            raise InvalidInput("no one of this name lives there in the register", field="requester_name")
        requester_person_id, on_behalf = person.id, True
    created: dict[str, Any] = await intake.report(
        category=form.category,
        location=form.location,
        description=form.description,
        caller_user_id=caller_id(request),
        on_behalf=on_behalf,
        requester_person_id=requester_person_id,
        dwelling_id=dwelling_id,
        building_id=building_id,
        location_note=form.location_note,
        urgency=form.urgency or None,
        preferred_time=form.preferred_time,
    )
    return Done(f"{base()}/{created['id']}", flash=("报修已提交。", "Your repair has been reported."))


@get("/mine", guards=[requires("repairs.report")])
async def my_repairs(request: Request) -> Response:
    from plugins.repairs.tables import Repair

    me = caller_id(request)
    rows = (
        await Repair.select()
        .where(await own_repairs_filter(me))
        .order_by(Repair.id, ascending=False)
        .limit(100)
        .run()
    )
    return await render_page(request, "repairs/mine.html", rows=rows, labels=await labels())


HANDLERS = [report_page, report_form, my_repairs]
