"""The modules page: which plugins run in this community, switched within the office's policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page


async def _modules(request: Request) -> list[dict[str, Any]]:
    from core.ui.office_settings import fields_of
    from core.ui.render import lang_of

    runtime, tenant = state_of(request.app), current_tenant()
    states = await runtime.tenants.plugin_states(tenant.community_id, tenant.office_id)
    return [
        {
            "id": p.id,
            "name_zh": p.manifest.name_zh,
            "name_en": p.manifest.name_en,
            "policy": states[p.id]["policy"],
            "enabled": states[p.id]["enabled"],
            "settings": fields_of(
                p.id, p.manifest.settings, states[p.id]["settings"], lang_of(request), scalars_only=True
            )
            if p.manifest.settings is not None and states[p.id]["enabled"]
            else [],
        }
        for p in runtime.registry.community_plugins()
    ]


async def _render(request: Request, *, status: int = 200, error: str | None = None) -> Response:

    ui = await chrome(request)
    return page(
        request,
        "modules.html",
        status=status,
        **ui,
        modules=await _modules(request),
        can_manage="plugins.manage" in ui["permissions"],
        error=error,
    )


@get("/c/{community:str}/modules", guards=[requires("plugins.view")])
async def modules_page(request: Request) -> Response:
    return await _render(request)


@dataclass
class SwitchForm:
    enabled: int = 0


@post("/c/{community:str}/modules/{plugin_id:str}", guards=[requires("plugins.manage")])
async def switch_module(
    request: Request,
    plugin_id: FromPath[str],
    data: Annotated[SwitchForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    from core.tenancy import service

    try:
        await service.set_plugin_enabled(
            state_of(request.app),
            current_tenant().slug,
            plugin_id,
            enabled=bool(data.enabled),
            actor_id=principal_of(request).user_id,
        )
    except (Conflict, InvalidInput) as exc:  # forbidden or required by the street office
        return await _render(request, status=409, error=str(exc))
    except NotFound:
        raise
    return Redirect(f"/c/{current_tenant().slug}/modules", status_code=303)


@post("/c/{community:str}/modules/{plugin_id:str}/settings", guards=[requires("plugins.manage")])
async def module_settings(request: Request, plugin_id: FromPath[str]) -> Response:
    """The module's own settings for this community: the fields on the page, over what is stored
    (the fields a page does not show keep their values)."""
    from core.tenancy import service
    from core.ui.office_settings import typed

    runtime, tenant = state_of(request.app), current_tenant()
    plugin = runtime.registry.get(plugin_id)
    if plugin is None or plugin.manifest.settings is None or plugin.manifest.scope != "community":
        raise NotFound(f"no such module: {plugin_id}")
    states = await runtime.tenants.plugin_states(tenant.community_id, tenant.office_id)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        values = {**states[plugin_id]["settings"], **typed(plugin.manifest.settings, form, scalars_only=True)}
        await service.set_plugin_enabled(
            runtime, tenant.slug, plugin_id, settings=values, actor_id=principal_of(request).user_id
        )
    except (Conflict, InvalidInput) as exc:
        from core.ui.office_settings import refusal_text
        from core.ui.render import lang_of

        return await _render(
            request,
            status=400,
            error=refusal_text(plugin_id, plugin.manifest.settings, exc, lang_of(request)),
        )
    from core.ui.forms import redirect

    return redirect(request, f"/c/{tenant.slug}/modules", flash=("设置已保存。", "Settings saved."))


MODULE_PAGES = [modules_page, switch_module, module_settings]
