"""社区公告 — a community notice board. The worked example of a Linli plugin.

Staff post notices (title, body, category, pinned, publish and expiry dates, audience: the
whole community or one building); residents read the ones in force. It implements every hook
in ``core/plugins/hookspecs.py`` and imports nothing from the core but ``core.api``.
"""

from linli_noticeboard.hooks import (
    handle_event,
    on_tenant_disabled,
    on_tenant_enabled,
    on_tenant_purge,
    on_tenant_settings_changed,
    oversight_sections,
    privacy_erase,
    privacy_export,
    register_actors,
    register_attachment_owners,
    register_case_types,
    register_cli_commands,
    register_events,
    register_pages,
    register_permissions,
    register_roles,
    register_routes,
    register_schedules,
    register_tables,
    ui_dashboard_cards,
    ui_navigation,
    ui_panels,
)
from linli_noticeboard.manifest import manifest

__all__ = [
    "handle_event",
    "manifest",
    "on_tenant_disabled",
    "on_tenant_enabled",
    "on_tenant_purge",
    "on_tenant_settings_changed",
    "oversight_sections",
    "privacy_erase",
    "privacy_export",
    "register_actors",
    "register_attachment_owners",
    "register_case_types",
    "register_cli_commands",
    "register_events",
    "register_pages",
    "register_permissions",
    "register_roles",
    "register_routes",
    "register_schedules",
    "register_tables",
    "ui_dashboard_cards",
    "ui_navigation",
    "ui_panels",
]
