"""``create_app(runtime)``: the Litestar application for one runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from core import __version__
from core.auth.routes import AuthController, MembersController, TokensController
from core.cases.routes import CASE_HANDLERS
from core.db.engine import start_engine, stop_engine
from core.files.routes import FILE_HANDLERS
from core.grids.routes import GRID_HANDLERS
from core.health import live, ready
from core.jobs.routes import JOB_HANDLERS
from core.jobs.setup import start_queue, stop_queue
from core.residents.routes import RESIDENT_HANDLERS
from core.runtime import Runtime, set_current
from core.tenancy.routes import (
    CommunityController,
    OfficeController,
    OfficeReportController,
    PlatformOfficeController,
)
from core.ui.plugin_pages import plugin_page_routers
from core.ui.routes import ui_router
from core.web.errors import EXCEPTION_HANDLERS
from core.web.headers import add_headers
from core.web.middleware import linli_middleware

OPENAPI_PATH = "/api/schema"
CORE_HANDLERS: list[Any] = [
    live,
    ready,
    AuthController,
    PlatformOfficeController,
    OfficeController,
    CommunityController,
    MembersController,
    TokensController,
    OfficeReportController,
    *RESIDENT_HANDLERS,
    *GRID_HANDLERS,
    *CASE_HANDLERS,
    *FILE_HANDLERS,
    *JOB_HANDLERS,
]


class UnguardedRouteError(RuntimeError):
    """A route declares neither guards nor ``opt={"public": True}``."""


def plugin_routers(runtime: Runtime) -> list[Router]:
    routers = []
    for plugin_id, handlers in runtime.registry.contributions.routes.items():
        if handlers:
            routers.append(
                Router(
                    path=f"/api/v1/c/{{community:str}}/{plugin_id}",
                    route_handlers=handlers,
                    opt={"plugin_id": plugin_id},
                    tags=[plugin_id],
                )
            )
    return routers


def create_app(runtime: Runtime, *, manage_engine: bool = True) -> Litestar:
    """The web app. With ``manage_engine`` its lifespan opens and closes the database pool."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        set_current(runtime)
        if manage_engine:
            await start_engine(runtime.engine, runtime.settings)
        queue = start_queue(runtime)
        try:
            yield
        finally:
            if queue is not None:
                stop_queue()
            if manage_engine:
                await stop_engine(runtime.engine)

    app = Litestar(
        route_handlers=[*CORE_HANDLERS, *plugin_routers(runtime), ui_router(plugin_page_routers(runtime))],
        middleware=[linli_middleware],
        before_send=[add_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        request_max_body_size=runtime.settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Linli 邻里 API",
            version=__version__,
            path=OPENAPI_PATH,
            render_plugins=[JsonRenderPlugin()],
        ),  # no CDN-served viewers
        debug=False,
        logging_config=None,  # core.logging configures logging once, for every entry point
    )
    app.state.linli = runtime
    check_guards(app)
    return app


def check_guards(app: Litestar) -> None:
    """Refuse to start when a route has no guard and is not explicitly public."""
    problems = []
    for route in app.routes:
        if route.path.startswith(OPENAPI_PATH):
            continue
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("public") or handler.http_methods == {"OPTIONS"}:
                continue  # OPTIONS handlers are litestar's own, answering with Allow only
            if not handler.resolve_guards():
                problems.append(f"{sorted(handler.http_methods)} {route.path}")
    if problems:
        raise UnguardedRouteError("routes without guards: " + ", ".join(problems))
