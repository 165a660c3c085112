"""Plugins' HTML pages: mounted under the community, drawn inside the core's layout.

A plugin returns ``core.api.Pages(handlers=[...], templates=<folder>)`` from ``register_pages``;
its handlers answer at ``/c/{community}/{plugin_id}/…`` with the same guards, tenant scoping and
"switched off here → 404" rule as its API routes, and call ``render_page`` to draw a template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router

from core.runtime import Runtime
from core.ui.chrome import chrome
from core.ui.i18n import add_plugin_locale
from core.ui.render import add_plugin_templates, page


def plugin_page_routers(runtime: Runtime) -> list[Router]:
    routers = []
    for plugin_id, pages in runtime.registry.contributions.pages.items():
        if not pages.handlers:
            continue
        if pages.templates is not None:
            add_plugin_templates(plugin_id, Path(pages.templates))
            add_plugin_locale(plugin_id, Path(pages.templates).parent / "locale")
        routers.append(
            Router(
                path=f"/c/{{community:str}}/{plugin_id}",
                route_handlers=pages.handlers,
                opt={"plugin_id": plugin_id},
                include_in_schema=False,
            )
        )
    return routers


async def render_page(request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
    """Draw ``template`` (``"<plugin_id>/<file>.html"``, extending ``"base.html"``) for the current
    community: navigation, the language, the user (``user_ref``, ``permissions``), the CSRF token
    and large-text mode come with it; ``t("中文", "English")`` picks the page's language."""
    return page(request, template, status=status, **await chrome(request), **context)
