"""The pages. Each community page runs under the same middleware as the API (tenant resolved,
session checked, transaction), with the same guards; failures become pages, not JSON: no
session -> the login page (and back afterwards), no permission -> 403 page, another community
-> 404 page exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from core.auth.guards import authenticated, principal_of, requires
from core.auth.login import log_in, set_session_cookie
from core.errors import NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.account_pages import ACCOUNT_PAGES
from core.ui.care_pages import CARE_PAGES
from core.ui.case_pages import CASE_PAGES
from core.ui.chrome import chrome, dashboard_cards
from core.ui.file_pages import FILE_PAGES
from core.ui.grid_pages import GRID_PAGES
from core.ui.i18n import COOKIE, LANGS
from core.ui.import_pages import IMPORT_PAGES
from core.ui.member_pages import MEMBER_PAGES
from core.ui.module_pages import MODULE_PAGES
from core.ui.office_pages import OFFICE_PAGES
from core.ui.password_pages import PASSWORD_PAGES
from core.ui.person_edit_pages import PERSON_EDIT_PAGES
from core.ui.person_pages import PERSON_PAGES
from core.ui.place_pages import PLACE_PAGES
from core.ui.portal_pages import PORTAL_PAGES
from core.ui.register_pages import REGISTER_PAGES
from core.ui.render import lang_of, page
from core.ui.visit_pages import VISIT_PAGES
from core.web.headers import cross_site

log = logging.getLogger("linli.ui")
STATIC = Path(__file__).parent / "static"
PUBLIC = {"public": True}


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# -- exceptions become pages ---------------------------------------------------------------------


def to_login(request: Request, _exc: Exception) -> Response:
    return Redirect(f"/login?next={quote(request.url.path)}", status_code=303)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotFound | NotFoundException):
        status = 404
    elif isinstance(exc, HTTPException):
        status = exc.status_code
    else:
        log.exception("page failed", extra={"path": request.url.path})
        status = 500
    response = page(request, "error.html", status=status, status_code=status)
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    return response


# -- public --------------------------------------------------------------------------------------


@get("/", opt=PUBLIC)
async def home(request: Request) -> Response:
    principal = request.scope.get("user")
    if principal is None:
        return Redirect("/login", status_code=303)
    from core.tenancy.tables import Community

    ids = sorted(principal.community_roles)
    if ids:
        row = await Community.select(Community.slug).where(Community.id == ids[0]).first().run()
        if row:
            return Redirect(f"/c/{row['slug']}/", status_code=303)
    if principal.office_roles:
        from core.tenancy.tables import StreetOffice

        office = (
            await StreetOffice.select(StreetOffice.slug)
            .where(StreetOffice.id == sorted(principal.office_roles)[0])
            .first()
            .run()
        )
        if office:
            return Redirect(f"/o/{office['slug']}/", status_code=303)
    return page(request, "no_community.html")


@get("/login", opt=PUBLIC)
async def login_form(request: Request, next: FromQuery[str | None] = None) -> Response:
    return page(request, "login.html", next=_safe_next(next), username="", error=None)


@dataclass
class LoginForm:
    username: str = ""
    password: str = ""
    next: str = "/"


@post("/login", opt={"public": True, "csrf_exempt": True, "transaction": False})
async def login_submit(
    request: Request, data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response:
    runtime = state_of(request.app)
    target = _safe_next(data.next)
    if cross_site(request.scope):  # another site's form logging the browser in as someone
        return page(request, "login.html", status=403, next=target, username="", error="cross_site")
    if not data.username.strip() or not data.password:
        return page(request, "login.html", status=400, next=target, username=data.username, error="missing")
    try:
        done = await log_in(
            runtime, data.username.strip(), data.password, request.client.host if request.client else "?"
        )
    except HTTPException as exc:
        error = "throttled" if exc.status_code == 429 else "wrong"
        return page(
            request, "login.html", status=exc.status_code, next=target, username=data.username, error=error
        )
    response: Response = Redirect(target, status_code=303)
    set_session_cookie(response, runtime, done.session_id)
    return response


@post("/logout", guards=[authenticated])
async def logout(request: Request) -> Response:
    from core.auth.credentials import SESSION_COOKIE, close_session

    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await close_session(session_id)
    response: Response = Redirect("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/lang/{code:str}", opt=PUBLIC)
async def set_language(code: FromPath[str], next: FromQuery[str | None] = None) -> Response:
    response: Response = Redirect(_safe_next(next), status_code=303)
    if code in LANGS:
        response.set_cookie(COOKIE, code, path="/", max_age=365 * 86400, samesite="lax")
    return response


@get("/large-text/{on:int}", opt=PUBLIC)
async def large_text(on: FromPath[int], next: FromQuery[str | None] = None) -> Response:
    response: Response = Redirect(_safe_next(next), status_code=303)
    response.set_cookie("linli_large", "1" if on else "0", path="/", max_age=365 * 86400, samesite="lax")
    return response


# -- community pages -----------------------------------------------------------------------------


@get("/c/{community:str}/", guards=[requires("community.view")])
async def dashboard(request: Request) -> Response:
    from core.cases.figures import case_figures
    from core.grids.visits import due_visits
    from core.residents.tables import Person, Residency

    runtime, tenant = state_of(request.app), current_tenant()
    ui = await chrome(request)
    today = dt.date.today()
    allowed = ui["permissions"]
    if "household.view_own" in allowed and "residents.view" not in allowed:
        return Redirect(f"/c/{tenant.slug}/home", status_code=303)  # a resident's start page
    # Community-wide figures are for staff: a resident's dashboard shows only modules' cards.
    figures = await case_figures(dt.datetime.now(dt.UTC)) if "cases.manage" in allowed else None
    staff = "residents.view" in allowed
    residents = await Person.count().where(Person.erased_at.is_null()).run() if staff else None
    moved_in = (
        await Residency.count().where(Residency.start_date >= today - dt.timedelta(days=30)).run()
        if staff
        else None
    )
    visits_due = len(await due_visits(today)) if staff else None
    charts: list[Any] = []
    if staff:
        from core.ui.dashboard_charts import open_cases_by_kind, visits_by_week

        zh = lang_of(request) == "zh-CN"
        charts = [c for c in (await open_cases_by_kind(runtime, zh), await visits_by_week(today, zh)) if c]
    cards = await dashboard_cards(runtime, tenant, ui["user_ref"])
    return page(
        request,
        "dashboard.html",
        **ui,
        figures=figures,
        residents=residents,
        moved_in=moved_in,
        visits_due=visits_due,
        cards=cards,
        charts=charts,
    )


@get("/c/{community:str}/residents", guards=[requires("residents.view")])
async def residents_page(request: Request, q: FromQuery[str | None] = None) -> Response:
    from core.errors import InvalidInput
    from core.residents.scope import visible_places
    from core.residents.search import ResidentQuery, search_residents
    from core.residents.views import person_out

    runtime = state_of(request.app)
    ui = await chrome(request)
    rows: list[dict[str, Any]] = []
    error = None
    if q and q.strip():
        visible = await visible_places(principal_of(request), current_tenant())
        query = ResidentQuery(
            name_prefix=q.strip(),
            allowed_building_ids=None if visible is None else visible.building_ids,
            allowed_unit_ids=None if visible is None else visible.unit_ids,
        )
        try:
            found, _cursor = await search_residents(runtime.field_keys, query, limit=50)
            rows = [person_out(r, runtime.field_keys, reveal=False) for r in found]
        except InvalidInput as exc:
            error = str(exc)
    return page(request, "residents.html", **ui, q=q or "", rows=rows, error=error)


@get("/c/{community:str}/cases", guards=[requires("cases.view")])
async def cases_page(
    request: Request,
    only: FromQuery[str | None] = None,
    kind: FromQuery[str | None] = None,
    overdue: FromQuery[bool] = False,
    grid: FromQuery[int | None] = None,
) -> Response:
    """The inbox; ``?only=<state>`` (``state`` is a reserved name in litestar), ``kind``,
    ``overdue``, ``grid``."""
    from core.cases import engine
    from core.cases.routes import case_types, scope_cases
    from core.cases.tables import Case

    ui = await chrome(request)
    query = Case.select(
        Case.id,
        Case.number,
        Case.type,
        Case.title,
        Case.state,
        Case.level,
        Case.due_at,
        Case.created_at,
        Case.hold_reason,
    )
    # The same visibility as the API: residents see their own, grid workers their grids'.
    query = await scope_cases(
        query, principal_of(request), current_tenant(), manager="cases.manage" in ui["permissions"]
    )
    if only in engine.TRANSITIONS:
        query = query.where(Case.state == only)
    types = case_types(state_of(request.app))
    if kind in types:
        query = query.where(Case.type == kind)
    if overdue:
        query = query.where(Case.state.is_in(list(engine.ACTIVE)) & (Case.due_at < engine.now()))
    from core.grids.tables import Grid

    grids = (
        await Grid.select(Grid.id, Grid.name).order_by(Grid.name).run()
        if "cases.manage" in ui["permissions"]
        else []
    )
    if grid is not None and any(g["id"] == grid for g in grids):
        query = query.where(Case.grid_id == grid)
    rows = await query.order_by(Case.id, ascending=False).limit(100).run()
    return page(
        request,
        "cases.html",
        **ui,
        rows=rows,
        state=only or "",
        states=list(engine.TRANSITIONS),
        kind=kind or "",
        types=sorted(types.values(), key=lambda t: t.name),
        overdue=overdue,
        grids=grids,
        grid=grid,
        now=dt.datetime.now(dt.UTC),
    )


def ui_router(plugin_pages: list[Router] | None = None) -> Router:
    static = create_static_files_router(
        path="/static", directories=[STATIC], opt=PUBLIC, include_in_schema=False
    )
    return Router(
        path="/",
        route_handlers=[
            home,
            login_form,
            login_submit,
            logout,
            set_language,
            large_text,
            dashboard,
            residents_page,
            cases_page,
            *CASE_PAGES,
            *MODULE_PAGES,
            *OFFICE_PAGES,
            *VISIT_PAGES,
            *GRID_PAGES,
            *FILE_PAGES,
            *PERSON_PAGES,
            *IMPORT_PAGES,
            *PORTAL_PAGES,
            *ACCOUNT_PAGES,
            *REGISTER_PAGES,
            *PLACE_PAGES,
            *PERSON_EDIT_PAGES,
            *CARE_PAGES,
            *MEMBER_PAGES,
            *PASSWORD_PAGES,
            *(plugin_pages or []),
            static,
        ],
        exception_handlers={
            NotAuthorizedException: to_login,
            PermissionDeniedException: error_page,
            NotFoundException: error_page,
            NotFound: error_page,
            HTTPException: error_page,
            Exception: error_page,  # a page that fails is the error page, never JSON
        },
        include_in_schema=False,
    )
