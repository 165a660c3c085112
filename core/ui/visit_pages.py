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
    return page(request, "visits.html", **await chrome(request), due=due)


@dataclass
class VisitForm:
    kind: str = "home"
    findings: str = ""
    follow_ups: str = ""
    case_title: str = ""  # non-empty: open a case from this visit


async def _person(request: Request, person_id: int) -> dict[str, Any]:
    from core.residents.request_scope import person_in_scope as _person_in_scope

    return await _person_in_scope(request, person_id)  # 404 outside the caller's grids


@get("/c/{community:str}/visits/{person_id:int}", guards=[requires("visits.record")])
async def visit_form(request: Request, person_id: FromPath[int]) -> Response:
    person = await _person(request, person_id)
    return page(
        request,
        "visit.html",
        **await chrome(request),
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
            **await chrome(request),
            person=person,
            kinds=KINDS,
            form=data,
            error=str(exc),
            field=exc.field,
        )
    return Redirect(f"/c/{current_tenant().slug}/visits?done={person_id}", status_code=303)


VISIT_PAGES = [visits_due_page, visit_form, visit_submit]
