"""Grid workers on their phones: who is due a visit today, and recording one in a few taps —
with, when the visit finds a problem, a case opened in the same step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import InvalidInput
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page

KINDS = ("home", "phone", "video", "neighbour")


@get("/c/{community:str}/visits", guards=[requires("visits.record")])
async def visits_due_page(request: Request) -> Response:
    from core.grids.routes import _my_grids
    from core.grids.visits import due_visits

    due = await due_visits(dt.date.today(), await _my_grids(request))
    await _places_and_care(due)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in due:  # grouped by building, as a grid worker walks them
        groups.setdefault(row["building"] or "", []).append(row)
    done = request.query_params.get("done")
    saved = None
    if done and done.isdigit() and len(done) < 10:
        saved = await _name_of(request, int(done))
    return page(
        request,
        "visits.html",
        **await chrome(request),
        due=due,
        groups=sorted(groups.items(), key=lambda kv: natural(kv[0])),
        saved=saved,
    )


def natural(text: str) -> tuple[Any, ...]:
    from core.services.register import natural_key

    return natural_key(text)


async def _name_of(request: Request, person_id: int) -> str | None:
    """The name of the person just visited — only one the caller may see (their grids)."""
    from core.errors import NotFound

    try:
        return str((await _person(request, person_id))["name"])
    except NotFound:
        return None


async def _places_and_care(rows: list[dict[str, Any]]) -> None:
    """Each due person's building and flat, and their care categories in words."""
    from core.residents.categories import VULNERABILITY_CATEGORIES
    from core.residents.tables import Residency, Vulnerability

    ids = [r["person_id"] for r in rows] or [0]
    homes = (
        await Residency.select(Residency.person, Residency.dwelling.number, Residency.dwelling.building.name)  # type: ignore[union-attr]
        .where(Residency.person.is_in(ids) & Residency.end_date.is_null())
        .run()
    )
    place = {h["person"]: (h["dwelling.building.name"], h["dwelling.number"]) for h in homes}
    care: dict[int, list[str]] = {}
    for v in (
        await Vulnerability.select(Vulnerability.person, Vulnerability.category)
        .where(Vulnerability.person.is_in(ids) & Vulnerability.active.eq(True))
        .run()
    ):
        care.setdefault(v["person"], []).append(v["category"])
    for r in rows:
        building, number = place.get(r["person_id"], ("", ""))
        r["building"], r["flat"] = building, number
        r["care"] = [
            VULNERABILITY_CATEGORIES[c]
            for c in sorted(care.get(r["person_id"], []))
            if c in VULNERABILITY_CATEGORIES
        ]


@dataclass
class VisitForm:
    kind: str = "home"
    findings: str = ""
    follow_ups: str = ""
    case_title: str = ""  # non-empty: open a case from this visit


async def _person(request: Request, person_id: int) -> dict[str, Any]:
    from core.residents.request_scope import person_in_scope as _person_in_scope

    return await _person_in_scope(request, person_id)  # 404 outside the caller's grids


async def _about(person: dict[str, Any]) -> dict[str, Any]:
    """Who the grid worker is visiting, where, and why: the flat, the care categories, the
    reasons a module asked for the visit, and the phone (for a visit by phone)."""
    from core.grids.tables import VisitRequest

    row = {"person_id": person["id"]}
    await _places_and_care([row])
    asked = (
        await VisitRequest.select(VisitRequest.reason)
        .where((VisitRequest.person == person["id"]) & VisitRequest.done_at.is_null())
        .run()
    )
    return {**row, "reasons": [a["reason"] for a in asked], "phone": person.get("phone") or ""}


def _shown_phone(about: dict[str, Any], permissions: Any) -> dict[str, Any]:
    """The phone as the rules say: whole (with a call link) for a role that may see it, else masked."""
    from core.residents.identity import mask_phone

    phone = about["phone"]
    if "residents.view_sensitive" in permissions:
        return {**about, "call": phone}
    return {**about, "phone": mask_phone(phone) if phone else "", "call": ""}


@get("/c/{community:str}/visits/{person_id:int}", guards=[requires("visits.record")])
async def visit_form(request: Request, person_id: FromPath[int]) -> Response:
    person = await _person(request, person_id)
    ui = await chrome(request)
    return page(
        request,
        "visit.html",
        **ui,
        about=_shown_phone(await _about(person), ui["permissions"]),
        person=person,
        kinds=KINDS,
        form=VisitForm(),
        error=None,
        field=None,
    )


@post("/c/{community:str}/visits/{person_id:int}", guards=[requires("visits.record")])
async def visit_submit(
    request: Request,
    person_id: FromPath[int],
    data: Annotated[VisitForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    from core.cases.routes import case_types
    from core.grids import visits

    person = await _person(request, person_id)
    try:
        visit = await visits.record_visit(
            person_id,
            principal_of(request).user_id,
            kind=data.kind,
            visited_on=dt.date.today(),
            findings=data.findings.strip(),
            follow_ups=data.follow_ups.strip(),
        )
        if data.case_title.strip():
            await visits.open_case_from_visit(
                case_types(state_of(request.app)),
                visit,
                "general_request",
                data.case_title.strip(),
                data.findings.strip(),
            )
    except InvalidInput as exc:  # the 400 rolls back the visit too: nothing half-written
        return page(
            request,
            "visit.html",
            status=400,
            **(ui := await chrome(request)),
            about=_shown_phone(await _about(person), ui["permissions"]),
            person=person,
            kinds=KINDS,
            form=data,
            error=str(exc),
            field=exc.field,
        )
    return Redirect(f"/c/{current_tenant().slug}/visits?done={person_id}", status_code=303)


VISIT_PAGES = [visits_due_page, visit_form, visit_submit]
