"""The core's own contributions, as hook implementations registered before any plugin.

Core navigation, roles and permissions, case types, attachment owners, jobs, schedules and
report sections come through the same hooks as a plugin's (as datasette ships its defaults as
plugins), so there is one path for both: collected once at boot, dispatched per tenant, listed
first. Registered under the plugin id ``core``, which no plugin may take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.plugins.hookspecs import hookimpl
from core.plugins.types import (
    AttachmentOwner,
    CaseType,
    NavItem,
    Permission,
    ReportSection,
    Role,
    Schedule,
    UserRef,
)

if TYPE_CHECKING:
    from core.tenancy.context import Tenant

# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_roles() -> list[Role]:
    from core.auth.roles import CORE_ROLES

    return list(CORE_ROLES)


@hookimpl
def register_permissions() -> list[Permission]:
    from core.auth.roles import CORE_PERMISSIONS

    return list(CORE_PERMISSIONS)


@hookimpl
def register_case_types() -> list[CaseType]:
    from core.cases.engine import CORE_CASE_TYPES

    return list(CORE_CASE_TYPES)


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    from core.files.owners import CORE_OWNERS

    return list(CORE_OWNERS)


@hookimpl
def register_events() -> list[Any]:
    from core.events.catalog import CORE_EVENTS

    return list(CORE_EVENTS)


@hookimpl
def register_actors() -> list[Any]:
    from core.events.jobs import EVENT_JOBS
    from core.files.jobs import FILE_JOBS
    from core.jobs.core_jobs import CORE_JOBS
    from core.residents.export_job import RESIDENT_JOBS

    return [*EVENT_JOBS, *CORE_JOBS, *FILE_JOBS, *RESIDENT_JOBS]


@hookimpl
def register_schedules() -> list[Schedule]:
    # Per-community schedules are fanned out by `core.jobs.fan_out`.
    return [
        Schedule(
            name="core.events.sweep", cron="* * * * *", actor_name="core.events.sweep", per_tenant=False
        ),
        Schedule(
            name="core.cases.escalate_overdue", cron="*/5 * * * *", actor_name="core.cases.escalate_overdue"
        ),
        Schedule(
            name="core.grids.generate_visit_plans",
            cron="30 2 * * *",
            actor_name="core.grids.generate_visit_plans",
        ),
        Schedule(
            name="core.jobs.prune_receipts",
            cron="15 3 * * *",
            actor_name="core.jobs.prune_receipts",
            per_tenant=False,
        ),
        Schedule(
            name="core.files.collect_orphans",
            cron="40 * * * *",
            actor_name="core.files.collect_orphans",
            per_tenant=False,
        ),
    ]


# -- UI slots --------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    base = f"/c/{tenant.slug}"
    # Residents start at their home; staff at the community's figures.
    resident = "household.view_own" in user.permissions and "residents.view" not in user.permissions
    start = NavItem(
        label="My home" if resident else "Dashboard", path=f"{base}/home" if resident else f"{base}/", order=0
    )
    return [
        start,
        NavItem(label="Residents", path=f"{base}/residents", permission="residents.view", order=1),
        NavItem(label="Buildings", path=f"{base}/register", permission="residents.view", order=2),
        NavItem(
            label="My requests" if resident else "Cases",
            path=f"{base}/cases",
            permission="cases.view",
            order=3,
        ),
        NavItem(label="Visits", path=f"{base}/visits", permission="visits.record", order=4),
        NavItem(label="Grids", path=f"{base}/grids", permission="grids.view", order=4),
        NavItem(label="Modules", path=f"{base}/modules", permission="plugins.view", order=5),
        NavItem(label="Users and roles", path=f"{base}/members", permission="members.view", order=6),
    ]


# -- oversight ---------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    import datetime as dt

    from core.cases.figures import case_sections
    from core.residents.figures import register_sections

    start, end = dt.date.fromisoformat(period_start), dt.date.fromisoformat(period_end)
    return [*await register_sections(start, end), *await case_sections(period_start, period_end)]
