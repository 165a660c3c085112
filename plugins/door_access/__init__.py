"""智能门禁 — door access: doors and devices, credentials, visitor passes, device sync, the access log.

Built as a third party would build it: it imports only ``core.api``. Vendors plug into it in turn
through its own adapter hook (``plugins.door_access.adapters``).
"""

from plugins.door_access.hooks import (
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
    register_pages,
    register_permissions,
    register_routes,
    register_schedules,
    register_tables,
    ui_dashboard_cards,
    ui_navigation,
    ui_panels,
)
from plugins.door_access.manifest import manifest

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
    "register_pages",
    "register_permissions",
    "register_routes",
    "register_schedules",
    "register_tables",
    "ui_dashboard_cards",
    "ui_navigation",
    "ui_panels",
]
