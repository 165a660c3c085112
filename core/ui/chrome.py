"""What every community page shows around its content: navigation (the core's and the enabled
plugins', filtered by the caller's permissions), the caller as plugins' UI hooks see them, and
the permissions templates test."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.auth.guards import principal_of
from core.plugins.contributions import CORE_ID
from core.plugins.dispatch import active_for, call_each, gather, items_of
from core.plugins.types import DashboardCard, NavItem, UserRef
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.render import lang_of


async def chrome(request: Request) -> dict[str, Any]:
    """Navigation (core + plugins enabled here, filtered by permission) and the user's communities."""
    runtime, tenant, principal = state_of(request.app), current_tenant(), principal_of(request)
    roles = principal.roles_in(tenant)
    permissions = frozenset(
        p for p in runtime.roles.permissions if any(runtime.roles.has(r, p) for r in roles)
    )
    user = UserRef(
        id=principal.user_id,
        display_name=principal.display_name or principal.username,
        role=next(iter(sorted(roles)), None),
        permissions=permissions,
        lang=lang_of(request),
    )
    parts = await call_each(
        runtime.registry,
        "ui_navigation",
        active_for(runtime.registry, tenant),
        check=items_of(NavItem),
        tenant=tenant,
        user=user,
    )
    entries = sorted(
        ((item, part.plugin_id) for part in parts for item in part.value or ()),
        key=lambda pair: pair[0].order,
    )
    nav = [
        {
            "label": (item.label_en, item.label_zh),
            "path": item.path,
            "permission": item.permission,
            "plugin": plugin_id != CORE_ID,
        }
        for item, plugin_id in entries
    ]
    nav = [n for n in nav if n["permission"] is None or n["permission"] in permissions]
    return {
        "nav": nav,
        "user_ref": user,
        "permissions": permissions,
        "places": await switchable_places(principal),
    }


async def dashboard_cards(runtime: Any, tenant: Any, user: UserRef) -> list[DashboardCard]:
    """Cards of the modules switched on here, in their order; a failing module shows none."""
    cards = await gather(
        runtime.registry,
        "ui_dashboard_cards",
        active_for(runtime.registry, tenant),
        DashboardCard,
        tenant=tenant,
        user=user,
    )
    return sorted(cards, key=lambda c: c.order)


async def switchable_places(principal: Any) -> list[dict[str, str]]:
    """The communities (and street offices) the caller belongs to, for the header's switcher;
    empty when there is only one place to be."""
    from core.tenancy.tables import Community, StreetOffice

    if len(principal.community_roles) + len(principal.office_roles) < 2:
        return []
    communities = (
        await Community.select(Community.slug, Community.name)
        .where(Community.id.is_in(list(principal.community_roles) or [0]))
        .order_by(Community.name)
        .run()
    )
    offices = (
        await StreetOffice.select(StreetOffice.slug, StreetOffice.name)
        .where(StreetOffice.id.is_in(list(principal.office_roles) or [0]))
        .order_by(StreetOffice.name)
        .run()
    )
    return [
        *({"name": r["name"], "path": f"/c/{r['slug']}/", "slug": r["slug"]} for r in communities),
        *({"name": r["name"], "path": f"/o/{r['slug']}/", "slug": ""} for r in offices),
    ]
