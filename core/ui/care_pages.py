"""The care (vulnerability) register on a person's page: add a category with tier, consent and
review date; change the tier or review date, or end it. Refusals come back on the person's page
next to the field, nothing saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.ui.person_edit_pages import community_url, errors_of, parse_date
from core.ui.render import page

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class CareForm:
    category: str = ""
    tier: int = 2
    consent_on: str = ""
    consent_note: str = ""
    review_on: str = ""


@post("/c/{community:str}/residents/{person_id:int}/vulnerabilities", guards=[requires("residents.edit")])
async def add_care(request: Request, person_id: FromPath[int], data: Annotated[CareForm, FORM]) -> Response:
    from core.residents import vulnerability
    from core.ui.person_pages import _view

    view = await _view(request, person_id)  # 404 outside the caller's scope
    try:
        if not data.category:
            raise InvalidInput("choose a category", field="category")
        await vulnerability.add(
            person_id,
            data.category,
            tier=data.tier,
            consent_on=parse_date(data.consent_on, "consent_on"),
            consent_note=data.consent_note.strip(),
            review_on=parse_date(data.review_on, "review_on"),
            actor_id=principal_of(request).user_id,
        )
    except (InvalidInput, Conflict) as exc:
        errors = (
            errors_of(exc, ("category", "consent_on", "review_on"))
            if isinstance(exc, InvalidInput)
            else {"category": str(exc)}
        )
        return page(
            request, "person.html", status=400, **view, error=None, care_form=data, care_errors=errors
        )
    return Redirect(community_url("residents", person_id) + "#care", status_code=303)


@dataclass
class CareUpdateForm:
    tier: int = 2
    review_on: str = ""
    end: str = ""  # a checkbox: "1" ends the record


@post(
    "/c/{community:str}/residents/{person_id:int}/vulnerabilities/{vulnerability_id:int}",
    guards=[requires("residents.edit")],
)
async def update_care(
    request: Request,
    person_id: FromPath[int],
    vulnerability_id: FromPath[int],
    data: Annotated[CareUpdateForm, FORM],
) -> Response:
    from core.residents import vulnerability
    from core.ui.person_pages import _view

    view = await _view(request, person_id)
    if (await vulnerability.get(vulnerability_id))["person"] != person_id:
        raise NotFound("no such vulnerability record")
    try:
        await vulnerability.update(
            vulnerability_id,
            {
                "tier": data.tier,
                "review_on": parse_date(data.review_on, "review_on"),
                "active": data.end != "1",
            },
            actor_id=principal_of(request).user_id,
        )
    except (InvalidInput, Conflict) as exc:
        return page(
            request,
            "person.html",
            status=400,
            **view,
            error=None,
            care_update_id=vulnerability_id,
            care_errors=errors_of(exc, ("review_on",)),
        )
    return Redirect(community_url("residents", person_id) + "#care", status_code=303)


CARE_PAGES = [add_care, update_care]
