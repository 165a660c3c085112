"""The plugin's hook implementations: each one short, delegating to the module that owns it."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core.api import (
    AttachmentOwner,
    CaseType,
    DashboardCard,
    Event,
    EventType,
    NavItem,
    Pages,
    Permission,
    ReportFigure,
    ReportSection,
    Role,
    Schedule,
    Tenant,
    UserRef,
    hookimpl,
)
from plugins.canteen.manifest import COOK, VOLUNTEER

log = logging.getLogger("linli.canteen")


# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    from plugins.canteen.api import CONTROLLERS

    return list(CONTROLLERS)


@hookimpl
def register_pages() -> Pages:
    from plugins.canteen.pages import pages

    return pages()


@hookimpl
def register_tables() -> Any:
    from plugins.canteen.tables import APP

    return APP


@hookimpl
def register_roles() -> list[Role]:
    return [Role(COOK, label="Canteen cook"), Role(VOLUNTEER, label="Meal delivery volunteer")]


@hookimpl
def register_permissions() -> list[Permission]:
    # Cooks photograph the food samples; which records is files.OWNERS' business.
    return [
        Permission("attachments.upload", "Attach files to records one may attach to", (COOK,)),
        Permission("attachments.view", "See files attached to records one may see", (COOK,)),
    ]


@hookimpl
def register_actors() -> list[Any]:
    from plugins.canteen.jobs import round_job

    return [round_job]


@hookimpl
def register_schedules() -> list[Schedule]:
    from plugins.canteen.jobs import ROUND

    return [ROUND]


@hookimpl
def register_case_types() -> list[CaseType]:
    from plugins.canteen.cases import WELFARE_CASE

    return [WELFARE_CASE]


@hookimpl
def register_events() -> list[EventType]:
    from plugins.canteen.event_types import EVENTS

    return list(EVENTS)


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    from plugins.canteen.files import OWNERS

    return list(OWNERS)


# -- tenant lifecycle -----------------------------------------------------------------------


@hookimpl
def on_tenant_enabled(tenant: Tenant) -> None:
    log.info("canteen on in %s", tenant.slug)


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("canteen off in %s; its records are kept", tenant.slug)


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from plugins.canteen.tables import TABLES

    total = 0
    for table in reversed(TABLES):  # children before parents
        total += await table.count().run()
        await table.delete(force=True).run()
    return total


@hookimpl
async def load_demo_data(tenant: Tenant, logins: dict[str, int]) -> None:
    from plugins.canteen.demo import load

    await load(logins)


# -- domain events --------------------------------------------------------------------------


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    from plugins.canteen import links

    if event.type == "resident.moved_out":
        await links.on_moved_out(event)


# -- UI slots -------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    base = f"/c/{tenant.slug}/canteen"
    items = [
        NavItem(label="Canteen", path=base, permission="canteen.view", order=40),
        NavItem(label="Kitchen", path=f"{base}/kitchen", permission="canteen.kitchen", order=41),
        NavItem(label="Deliveries", path=f"{base}/deliveries", permission="canteen.deliver", order=42),
    ]
    return [i for i in items if i.permission in user.permissions]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    from plugins.canteen.figures import today_count

    if "canteen.figures" not in user.permissions:
        return []
    count = await today_count()
    return [
        DashboardCard(
            title="Meals ordered today",
            value="—" if count is None else str(count),
            path=f"/c/{tenant.slug}/canteen/kitchen",
            order=30,
        )
    ]


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from plugins.canteen.privacy import export_person

    return await export_person(person_id)


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from plugins.canteen.privacy import erase_person

    return await erase_person(person_id)


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    from plugins.canteen.figures import canteen_figures

    f = await canteen_figures(dt.date.fromisoformat(period_start), dt.date.fromisoformat(period_end))
    yuan = None if f["subsidy_fen"] is None else round(f["subsidy_fen"] / 100, 2)
    figures = [
        ReportFigure("meals", label="Meals served", value=f["meals"]),
        ReportFigure("delivered", label="Meals delivered", value=f["delivered"]),
        ReportFigure("diners", label="Diners served", value=f["diners"]),
        ReportFigure("subsidy_yuan", label="Subsidy spent (yuan)", value=yuan),
        ReportFigure("no_shows", label="Meals not collected", value=f["no_shows"]),
        ReportFigure("not_home_checks", label="Not-home welfare checks", value=f["not_home_checks"]),
        ReportFigure("not_home_seen", label="Not-home checks visited", value=f["not_home_seen"]),
    ]
    return [ReportSection("canteen", title="Canteen", figures=figures)]
