"""便民维修 — the volunteer repair team (issue 6), the first full Linli plugin.

Residents (or staff and grid workers on their behalf) report a problem; a coordinator or the
volunteers themselves dispatch it by skill; the volunteer records the work with photos; the
resident signs off and rates it, and "not fixed" reopens it. Each repair is a case of type
``repair`` in the core engine, so SLA clocks, escalation and feedback are the core's. Shared-cost
projects (多退少补) and the skills register with certificates are here too.

It imports nothing from the core but ``core.api``: copy its shape for your own plugin.
"""

from plugins.repairs.hooks import (
    handle_event,
    load_demo_data,
    on_tenant_disabled,
    on_tenant_enabled,
    on_tenant_purge,
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
from plugins.repairs.manifest import manifest

__all__ = [
    "handle_event",
    "load_demo_data",
    "manifest",
    "on_tenant_disabled",
    "on_tenant_enabled",
    "on_tenant_purge",
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
