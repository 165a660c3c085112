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
    list_buildings,
    person_of_user,
    render_page,
    requires,
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
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: ReportForm, refusal: Refusal) -> Response:
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
    created: dict[str, Any] = await intake.report(
        category=form.category,
        location=form.location,
        description=form.description,
        caller_user_id=caller_id(request),
        on_behalf=False,
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
