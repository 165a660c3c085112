"""社区食堂 — an elderly canteen (issue 16).

Diners are people of the register, signed up by a grid worker or staff with how they eat and
what they must not; the kitchen publishes a weekly menu of meals with a cut-off and a capacity;
standing orders become each day's orders, residents and their family order and cancel on the
phone, the counter serves and takes payment; each meal is priced with the subsidy the diner's
age and hardship earn, within what the street office allows, and the month's subsidies are
handed upward as a spreadsheet. The kitchen cooks from the day's counts, packs by labels and
keeps food samples; volunteers carry meals round, and a door no one opens raises a welfare check
for the grid worker the same day.

It imports nothing from the core but ``core.api``.
"""

from plugins.canteen.hooks import (
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
from plugins.canteen.manifest import manifest

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
