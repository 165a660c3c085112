"""What every community page shows around its content: navigation (the core's and the enabled
plugins', filtered by the caller's permissions), the caller as plugins' UI hooks see them, and
the permissions templates test."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.auth.guards import principal_of
from core.plugins.types import UserRef
from core.runtime import state_of
from core.tenancy.context import current_tenant


async def chrome(request: Request) -> dict[str, Any]:
    """Navigation (core + plugins enabled here, filtered by permission) and the user's communities."""
    runtime, tenant, principal = state_of(request.app), current_tenant(), principal_of(request)
    roles = principal.roles_in(tenant)
    permissions = frozenset(p for p in runtime.roles.permissions
                            if any(runtime.roles.has(r, p) for r in roles))
    user = UserRef(id=principal.user_id, display_name=principal.display_name or principal.username,
                   role=next(iter(sorted(roles)), None), permissions=permissions)
    # Residents start at their home; staff at the community's figures.
    resident = "household.view_own" in permissions and "residents.view" not in permissions
    start = {"label": ("My home", "我的家"), "path": f"/c/{tenant.slug}/home", "permission": None} \
        if resident else {"label": ("Dashboard", "概览"), "path": f"/c/{tenant.slug}/", "permission": None}
    nav: list[dict[str, Any]] = [
           start,
           {"label": ("Residents", "居民"), "path": f"/c/{tenant.slug}/residents",
            "permission": "residents.view"},
           {"label": ("Buildings", "楼栋"), "path": f"/c/{tenant.slug}/register",
            "permission": "residents.view"},
           {"label": ("My requests", "我的诉求") if resident else ("Cases", "诉求"),
            "path": f"/c/{tenant.slug}/cases", "permission": "cases.view"},
           {"label": ("Visits", "走访"), "path": f"/c/{tenant.slug}/visits", "permission": "visits.record"},
           {"label": ("Modules", "功能模块"), "path": f"/c/{tenant.slug}/modules",
            "permission": "plugins.view"},
           {"label": ("Users and roles", "用户和角色"), "path": f"/c/{tenant.slug}/members",
            "permission": "members.view"}]
    hooks = runtime.registry.hook_for(runtime.registry.active_ids(tenant.enabled_plugins))
    for items in hooks.ui_navigation(tenant=tenant, user=user):
        for item in items or ():
            nav.append({"label": (item.label_en, item.label_zh), "path": item.path,
                        "permission": item.permission, "plugin": True})
    nav = [n for n in nav if n["permission"] is None or n["permission"] in permissions]
    return {"nav": nav, "user_ref": user, "permissions": permissions,
            "places": await switchable_places(principal)}


async def switchable_places(principal: Any) -> list[dict[str, str]]:
    """The communities (and street offices) the caller belongs to, for the header's switcher;
    empty when there is only one place to be."""
    from core.tenancy.tables import Community, StreetOffice

    if len(principal.community_roles) + len(principal.office_roles) < 2:
        return []
    communities = await Community.select(Community.slug, Community.name).where(
        Community.id.is_in(list(principal.community_roles) or [0])).order_by(Community.name).run()
    offices = await StreetOffice.select(StreetOffice.slug, StreetOffice.name).where(
        StreetOffice.id.is_in(list(principal.office_roles) or [0])).order_by(StreetOffice.name).run()
    return [*({"name": r["name"], "path": f"/c/{r['slug']}/", "slug": r["slug"]} for r in communities),
            *({"name": r["name"], "path": f"/o/{r['slug']}/", "slug": ""} for r in offices)]
