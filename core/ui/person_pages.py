"""A resident's page: masked by default with an audited "show", homes past and present, the
vulnerability register, panels from plugins, and moving out (the history is kept)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.plugins.dispatch import active_for, gather
from core.plugins.types import Panel
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page


async def _view(
    request: Request, person_id: int, *, reveal: bool = False, purpose: str | None = None
) -> dict[str, Any]:
    from core.residents import vulnerability
    from core.residents.categories import VULNERABILITY_CATEGORIES
    from core.residents.request_scope import person_in_scope as _person_in_scope
    from core.residents.routes import _reveal
    from core.residents.tables import Residency
    from core.residents.views import person_out

    runtime, tenant = state_of(request.app), current_tenant()
    ui = await chrome(request)
    row = await _person_in_scope(request, person_id)  # 404 outside a grid worker's grids
    shown = await _reveal(request, reveal, purpose, f"person:{person_id}")  # audited
    homes = (
        await Residency.select(
            Residency.id,
            Residency.dwelling,
            Residency.role,
            Residency.start_date,
            Residency.end_date,
            Residency.end_reason,
            Residency.dwelling.number.as_alias("dwelling_number"),
            Residency.dwelling._.building._.name.as_alias("building_name"),
        )
        .where(Residency.person == person_id)
        .order_by(Residency.start_date)
        .run()
    )
    panels = await gather(
        runtime.registry,
        "ui_panels",
        active_for(runtime.registry, tenant),
        Panel,
        tenant=tenant,
        user=ui["user_ref"],
        page="resident",
        subject_id=person_id,
    )
    account = invitations = None
    if "residents.accounts" in ui["permissions"]:
        from core.residents.accounts import account_of_person, open_invitations

        account = await account_of_person(person_id)
        invitations = await open_invitations(person_id)
    return {
        **ui,
        "person": person_out(row, runtime.field_keys, reveal=shown),
        "shown": shown,
        "account": account,
        "invitations": invitations,
        "homes": homes,
        "categories": VULNERABILITY_CATEGORIES,
        "vulnerabilities": await vulnerability.list_for(person_id),
        "panels": sorted(panels, key=lambda p: p.order),
        "today": dt.date.today(),
    }


@get("/c/{community:str}/residents/{person_id:int}", guards=[requires("residents.view")])
async def person_page(
    request: Request,
    person_id: FromPath[int],
    reveal: FromQuery[bool] = False,
    purpose: FromQuery[str | None] = None,
    reset: FromQuery[bool] = False,
) -> Response:
    try:
        view = await _view(request, person_id, reveal=reveal, purpose=purpose)
    except InvalidInput as exc:  # "show" without a purpose: the page again, saying so
        view = await _view(request, person_id)
        return page(request, "person.html", status=400, **view, error=str(exc))
    return page(request, "person.html", **view, error=None, reset_done=reset)


@dataclass
class MoveOutForm:
    end_date: str = ""
    reason: str = ""


@post(
    "/c/{community:str}/residents/{person_id:int}/move-out/{residency_id:int}",
    guards=[requires("residents.edit")],
)
async def move_out(
    request: Request,
    person_id: FromPath[int],
    residency_id: FromPath[int],
    data: Annotated[MoveOutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    from core.residents import people
    from core.residents.request_scope import person_in_scope as _person_in_scope
    from core.residents.tables import Residency

    await _person_in_scope(request, person_id)  # 404 for a person the caller may not see
    current = (
        await Residency.exists()
        .where(
            (Residency.id == residency_id) & (Residency.person == person_id) & Residency.end_date.is_null()
        )
        .run()
    )
    if not current:
        raise NotFound("no such residency")
    try:
        end_date = dt.date.fromisoformat(data.end_date) if data.end_date else dt.date.today()
    except ValueError:
        return await _again(request, person_id, "end_date: not a date (YYYY-MM-DD)")
    try:
        await people.move_out(
            residency_id,
            end_date=end_date,
            reason=data.reason.strip(),
            actor_id=principal_of(request).user_id,
        )
    except (InvalidInput, Conflict) as exc:
        field = getattr(exc, "field", None)
        return await _again(request, person_id, f"{field}: {exc}" if field else str(exc))
    return Redirect(f"/c/{current_tenant().slug}/residents/{person_id}", status_code=303)


async def _again(request: Request, person_id: int, error: str) -> Response:
    """The page again with the error (the 400 rolls the request's transaction back)."""
    return page(request, "person.html", status=400, **await _view(request, person_id), error=error)


PERSON_PAGES = [person_page, move_out]
