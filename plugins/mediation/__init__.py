"""矛盾调解 — people's mediation of disputes between neighbours (issue 17).

A resident, a grid worker or staff raise a dispute (or the 12345 hotline and the police refer
one); the mediation committee screens it — people's mediation does not take what a court, the
police or a department already has — and assigns mediators and experts from the roster; the
mediators hold sessions in the mediation room and write notes, each readable only by whom it
says (enforced where notes are read, every read audited); the agreement's terms are signed by
every party and then tracked until performed or broken; a return visit follows through the
grid. Each dispute is a ``mediation`` case of the core engine carrying nothing confidential.

It imports nothing from the core but ``core.api``.
"""

from plugins.mediation.hooks import (
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
    register_events,
    register_pages,
    register_permissions,
    register_roles,
    register_routes,
    register_schedules,
    register_tables,
    ui_dashboard_cards,
    ui_navigation,
)
from plugins.mediation.manifest import manifest

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
    "register_events",
    "register_pages",
    "register_permissions",
    "register_roles",
    "register_routes",
    "register_schedules",
    "register_tables",
    "ui_dashboard_cards",
    "ui_navigation",
]
