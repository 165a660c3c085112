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
from plugins.mediation.manifest import COORDINATOR, MEDIATOR

log = logging.getLogger("linli.mediation")


# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    from plugins.mediation.api import CONTROLLERS

    return list(CONTROLLERS)


@hookimpl
def register_pages() -> Pages:
    from plugins.mediation.pages import pages

    return pages()


@hookimpl
def register_tables() -> Any:
    from plugins.mediation.tables import APP

    return APP


@hookimpl
def register_roles() -> list[Role]:
    return [
        Role(COORDINATOR, label="Mediation committee member"),
        Role(MEDIATOR, label="Mediator"),
    ]


@hookimpl
def register_permissions() -> list[Permission]:
    # Mediators attach the scanned paper agreement; which agreement is files.OWNERS' can_attach
    # (only the dispute's own mediators).
    return [
        Permission(
            "attachments.upload", "Attach files to records one may attach to", (MEDIATOR, COORDINATOR)
        ),
        Permission("attachments.view", "See files attached to records one may see", (MEDIATOR, COORDINATOR)),
    ]


@hookimpl
def register_actors() -> list[Any]:
    from plugins.mediation.jobs import daily

    return [daily]


@hookimpl
def register_schedules() -> list[Schedule]:
    from plugins.mediation.jobs import DAILY

    return [DAILY]


@hookimpl
def register_case_types() -> list[CaseType]:
    from plugins.mediation.cases import FOLLOW_UP_CASE, MEDIATION_CASE

    return [MEDIATION_CASE, FOLLOW_UP_CASE]


@hookimpl
def register_events() -> list[EventType]:
    from plugins.mediation.event_types import EVENTS

    return list(EVENTS)


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    from plugins.mediation.files import OWNERS

    return list(OWNERS)


# -- tenant lifecycle -----------------------------------------------------------------------


@hookimpl
def on_tenant_enabled(tenant: Tenant) -> None:
    log.info("mediation on in %s", tenant.slug)


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("mediation off in %s; its records are kept", tenant.slug)


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from plugins.mediation.tables import TABLES

    total = 0
    for table in reversed(TABLES):  # children before parents
        total += await table.count().run()
        await table.delete(force=True).run()
    return total


@hookimpl
async def load_demo_data(tenant: Tenant, logins: dict[str, int]) -> None:
    from plugins.mediation.demo import load

    await load(logins)


# -- domain events --------------------------------------------------------------------------


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    from plugins.mediation import links

    if event.type == "repairs.reported":
        await links.on_repair_reported(event)


# -- UI slots -------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    base = f"/c/{tenant.slug}/mediation"
    items = [
        NavItem(label="Mediation", path=base, permission="mediation.view", order=50),
        NavItem(label="Mediators", path=f"{base}/mediators", permission="mediation.manage", order=51),
    ]
    return [i for i in items if i.permission in user.permissions]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    from plugins.mediation.figures import open_count

    if "mediation.figures" not in user.permissions:
        return []
    return [
        DashboardCard(
            title="Open disputes", value=str(await open_count()), path=f"/c/{tenant.slug}/mediation", order=35
        )
    ]


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from plugins.mediation.privacy import export_person

    return await export_person(person_id)


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from plugins.mediation.privacy import erase_person

    return await erase_person(person_id)


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    from plugins.mediation.figures import mediation_figures
    from plugins.mediation.vocabulary import KINDS

    f = await mediation_figures(dt.date.fromisoformat(period_start), dt.date.fromisoformat(period_end))
    figures = [
        ReportFigure("raised", label="Disputes raised", value=f["raised"]),
        ReportFigure("accepted", label="Disputes accepted", value=f["accepted"]),
        ReportFigure("referred_out", label="Disputes referred elsewhere", value=f["referred_out"]),
        ReportFigure("agreement_rate", label="Agreement rate", value=f["agreement_rate"], percent=True),
        ReportFigure(
            "median_days_to_agreement", label="Median days to agreement", value=f["median_days_to_agreement"]
        ),
        ReportFigure("performed", label="Agreements carried out", value=f["performed"]),
        ReportFigure("breached", label="Agreements broken", value=f["breached"]),
        ReportFigure("follow_ups_done", label="Return visits made", value=f["follow_ups_done"]),
    ]
    figures += [
        ReportFigure(f"kind.{code}", label=KINDS[code], value=n) for code, n in f["by_kind"].items() if n
    ]
    return [ReportSection("mediation", title="Mediation", figures=figures)]
