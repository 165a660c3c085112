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
    Panel,
    Permission,
    ReportFigure,
    ReportSection,
    Role,
    Schedule,
    Tenant,
    UserRef,
    hookimpl,
)

log = logging.getLogger("linli.repairs")

# The repair case type: SLA hours per state of the core engine (the category's own "fixed
# within" is the plugin's due time and drives the volunteer's reminders).
REPAIR_CASE = CaseType(
    "repair",
    label="Community repair",
    extra_fields={"category": "str"},
    sla_hours={"reported": 2.0, "accepted": 4.0, "assigned": 24.0, "in_progress": 48.0, "reopened": 24.0},
)


# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    from plugins.repairs.api import CONTROLLERS

    return list(CONTROLLERS)


@hookimpl
def register_pages() -> Pages:
    from plugins.repairs.pages import pages

    return pages()


@hookimpl
def register_tables() -> Any:
    from plugins.repairs.tables import APP

    return APP


@hookimpl
def register_roles() -> list[Role]:
    return [Role("repair_coordinator", label="Repair coordinator")]


@hookimpl
def register_permissions() -> list[Permission]:
    # Volunteers photograph their work: the core's upload permission for the volunteer role.
    # Which record they may attach to is still each owner kind's can_attach (repairs.work: only
    # the volunteer who did it), so this opens nothing else.
    return [
        Permission(
            "attachments.upload",
            "Attach files to records one may attach to",
            ("volunteer", "repair_coordinator"),
        )
    ]


@hookimpl
def register_actors() -> list[Any]:
    from plugins.repairs.jobs import remind_due

    return [remind_due]


@hookimpl
def register_schedules() -> list[Schedule]:
    from plugins.repairs.jobs import REMIND_SCHEDULE

    return [REMIND_SCHEDULE]


@hookimpl
def register_cli_commands() -> list[Any]:
    from plugins.repairs.cli import catalogue_command

    return [catalogue_command]


@hookimpl
def register_case_types() -> list[CaseType]:
    return [REPAIR_CASE]


@hookimpl
def register_events() -> list[EventType]:
    from plugins.repairs.event_types import EVENTS

    return list(EVENTS)


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    from plugins.repairs.files import OWNERS

    return list(OWNERS)


# -- tenant lifecycle -----------------------------------------------------------------------


@hookimpl
async def on_tenant_enabled(tenant: Tenant) -> None:
    from plugins.repairs.categories import seed_defaults

    added = await seed_defaults()
    log.info("repairs on in %s (%d categories added)", tenant.slug, added)


@hookimpl
async def load_demo_data(tenant: Tenant, logins: dict[str, int]) -> None:
    from plugins.repairs.demo import load

    await load(logins)


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("repairs off in %s; its records are kept", tenant.slug)


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from plugins.repairs.tables import TABLES

    total = 0
    for table in reversed(TABLES):  # children before parents
        total += await table.count().run()
        await table.delete(force=True).run()
    return total


# -- domain events --------------------------------------------------------------------------


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    from plugins.repairs import events

    if event.type == "resident.moved_out":
        await events.on_moved_out(event)
    elif event.type == "case.transitioned":
        await events.on_case_transitioned(event)
    elif event.type == "repairs.requested":
        await events.on_repair_requested(event)


# -- UI slots -------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    base = f"/c/{tenant.slug}/repairs"
    items = [
        NavItem("报修", "Report a repair", f"{base}/report", "repairs.report", order=40),
        NavItem(label="My repairs", path=f"{base}/mine", permission="repairs.report", order=41),
        NavItem(label="Repair dispatch", path=base, permission="repairs.dispatch", order=42),
        NavItem("维修队", "Repair team", f"{base}/team", "repairs.team", order=43),
        NavItem(label="My repair jobs", path=f"{base}/jobs", permission="repairs.work", order=44),
    ]
    if "repairs.dispatch" in user.permissions:  # staff see the dispatch list, not "my repairs"
        items = [i for i in items if not i.path.endswith("/mine")]
    return [i for i in items if i.permission is None or i.permission in user.permissions]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    from plugins.repairs.figures import open_count, repair_figures

    if "repairs.dispatch" not in user.permissions and "repairs.figures" not in user.permissions:
        return await _resident_cards(tenant, user)
    today = dt.date.today()
    month = await repair_figures(today.replace(day=1), today)
    on_time = "—" if month["on_time_rate"] is None else f"{month['on_time_rate']:.0%}"
    return [
        DashboardCard(
            title="Open repairs", value=str(await open_count()), path=f"/c/{tenant.slug}/repairs", order=30
        ),
        DashboardCard(
            title="Repairs on time this month", value=on_time, path=f"/c/{tenant.slug}/repairs", order=31
        ),
    ]


async def _resident_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    """A resident's own open repairs, on their home page."""
    from plugins.repairs.access import own_repairs_filter
    from plugins.repairs.tables import Repair

    if "repairs.report" not in user.permissions:
        return []
    mine = (
        await Repair.count()
        .where(await own_repairs_filter(user.id))
        .where(
            Repair.state.is_in(["reported", "accepted", "assigned", "in_progress", "reopened", "resolved"])
        )
        .run()
    )
    return [
        DashboardCard(
            title="My open repairs", value=str(mine), path=f"/c/{tenant.slug}/repairs/mine", order=30
        )
    ]


# A repair's state in words, for what a hook draws itself (the templates use their own labels).
STATE_WORDS = {
    "reported": ("已报修", "Reported"),
    "accepted": ("已受理", "Accepted"),
    "assigned": ("已派单", "Assigned"),
    "in_progress": ("维修中", "In progress"),
    "resolved": ("待确认", "Awaiting feedback"),
    "closed": ("已完成", "Closed"),
    "reopened": ("重新维修", "Reopened"),
    "rejected": ("不予受理", "Rejected"),
    "on_hold": ("暂缓", "On hold"),
}


@hookimpl
async def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list[Panel]:
    """A resident's repairs, or the open repairs of a dwelling or building, for staff."""
    from html import escape

    from plugins.repairs.tables import Repair

    if "repairs.dispatch" not in user.permissions:
        return []
    open_states = ["reported", "accepted", "assigned", "in_progress", "reopened"]
    where: Any
    if page == "resident":
        where = Repair.requester_person_id == subject_id
        title = ("报修记录", "Repairs")
    elif page in ("dwelling", "building"):
        column = Repair.dwelling_id if page == "dwelling" else Repair.building_id
        where = (column == subject_id) & Repair.state.is_in(open_states)
        title = ("未完成的维修", "Open repairs")
    else:
        return []
    rows = (
        await Repair.select(Repair.id, Repair.number, Repair.category, Repair.state)
        .where(where)
        .order_by(Repair.id, ascending=False)
        .limit(10)
        .run()
    )
    from plugins.repairs.categories import list_categories

    kinds = {c["code"]: user.t(c["label_zh"], c["label_en"]) for c in await list_categories()}
    items = "".join(
        f'<li><a href="/c/{escape(tenant.slug)}/repairs/{r["id"]}">{escape(r["number"])}</a> '
        f"{escape(kinds.get(r['category'], user.t('其他', 'Other')))} · "
        f"{escape(user.t(*STATE_WORDS.get(r['state'], ('处理中', 'In progress'))))}</li>"
        for r in rows
    )
    return [Panel(title[0], title[1], f"<ul>{items}</ul>" if rows else "<p>—</p>", order=60)]


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from plugins.repairs.privacy import export_person

    return await export_person(person_id)


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from plugins.repairs.privacy import erase_person

    return await erase_person(person_id)


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    from plugins.repairs.figures import repair_figures

    f = await repair_figures(dt.date.fromisoformat(period_start), dt.date.fromisoformat(period_end))
    figures = [
        ReportFigure("reported", label="Repairs reported", value=f["reported"]),
        ReportFigure("fixed", label="Repairs fixed", value=f["fixed"]),
        ReportFigure("median_hours_to_fix", label="Median hours to fix", value=f["median_hours_to_fix"]),
        ReportFigure("on_time_rate", label="Fixed on time", value=f["on_time_rate"]),
        ReportFigure("satisfaction", label="Satisfaction (1-5)", value=f["satisfaction"]),
        ReportFigure("volunteer_hours", "志愿服务时长（小时）", "Volunteer hours", f["volunteer_hours"]),
    ]
    from plugins.repairs.categories import list_categories

    names = {c["code"]: (c["label_zh"], c["label_en"]) for c in await list_categories()}
    figures += [
        ReportFigure(
            f"category.{code}",
            f"报修：{names.get(code, ('其他', 'Other'))[0]}",
            f"Repairs: {names.get(code, ('其他', 'Other'))[1]}",
            n,
        )
        for code, n in f["per_category"].items()
    ]
    return [ReportSection("repairs", title="Repairs", figures=figures)]
