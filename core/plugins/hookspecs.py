"""Every hook a Linli plugin can implement, in the order of a plugin's life.

This module is the contract. Each hook is one typed function with a one-line summary, and
``docs/plugins/hooks.md`` documents each with its signature, arguments, return value and an
example; ``tests/core/test_hook_docs.py`` fails when the two drift apart.

Conventions:

* Names say when a hook runs: ``register_*`` once at boot, ``on_tenant_*`` on a community's
  lifecycle, ``handle_event`` for domain events, ``ui_*`` when a page is drawn,
  ``privacy_*`` for one person's data, ``oversight_*`` for the street office's report.
* Hooks marked *async* may be implemented as ``async def``; the core awaits them.
* Tenant hooks run with the tenant already set (``core.api.current_tenant()``) and inside a
  transaction for that tenant, so plugin tables can be queried directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from core.api import (
        AttachmentOwner,
        CaseType,
        CliGroup,
        DashboardCard,
        Event,
        EventType,
        NavItem,
        Pages,
        Panel,
        Permission,
        PiccoloApp,
        ReportSection,
        Role,
        Schedule,
        Tenant,
        UserRef,
    )

PROJECT = "linli"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Registration at boot — called once per process, for every loaded plugin (enabled or not).
# ---------------------------------------------------------------------------------------------


@hookspec
def register_routes() -> list[Any]:
    """Return litestar route handlers or controllers, mounted at ``/api/v1/c/{community}/{plugin_id}``."""


@hookspec
def register_pages() -> Pages | None:
    """Return the plugin's HTML pages (``Pages``), mounted at ``/c/{community}/{plugin_id}``."""


@hookspec
def register_tables() -> PiccoloApp | None:
    """Return the plugin's piccolo app: its tables and migrations folder."""


@hookspec
def register_permissions() -> list[Permission]:
    """Return the permissions the plugin adds, each with the roles that hold it by default."""


@hookspec
def register_roles() -> list[Role]:
    """Return extra roles the plugin adds (for example a repair coordinator)."""


@hookspec
def register_actors() -> list[Any]:
    """Return the plugin's background jobs, declared with ``core.api.job``."""


@hookspec
def register_schedules() -> list[Schedule]:
    """Return periodic work: cron expressions and the actor each one sends."""


@hookspec
def register_cli_commands() -> list[CliGroup]:
    """Return click commands or groups added under ``linli``."""


@hookspec
def register_case_types() -> list[CaseType]:
    """Return case types (with extra fields and transition rules) for the shared case engine."""


@hookspec
def register_attachment_owners() -> list[AttachmentOwner]:
    """Return kinds of records files can be attached to, with who may see them and size limits."""


@hookspec
def register_events() -> list[EventType]:
    """Return the domain events the plugin emits, each with its payload's msgspec Struct."""


# ---------------------------------------------------------------------------------------------
# Tenant lifecycle — called for one community, with that tenant set.
# ---------------------------------------------------------------------------------------------


@hookspec
def on_tenant_enabled(tenant: Tenant) -> None:
    """The plugin was switched on for ``tenant`` (async allowed; must be idempotent)."""


@hookspec
def on_tenant_disabled(tenant: Tenant) -> None:
    """The plugin was switched off for ``tenant``; its data is kept (async allowed)."""


@hookspec
def on_tenant_settings_changed(tenant: Tenant, old: dict[str, Any], new: dict[str, Any]) -> None:
    """The plugin's settings for ``tenant`` changed from ``old`` to ``new`` (async allowed)."""


@hookspec
def on_tenant_purge(tenant: Tenant) -> int:
    """Delete all of the plugin's data for ``tenant``; return rows deleted (async allowed)."""


@hookspec
def load_demo_data(tenant: Tenant, logins: dict[str, int]) -> None:
    """Fill the plugin's demo records once in a demo community where it is on (async allowed)."""


# ---------------------------------------------------------------------------------------------
# Domain events — delivered from the outbox, at least once, to each enabled plugin separately.
# ---------------------------------------------------------------------------------------------


@hookspec
def handle_event(tenant: Tenant, event: Event) -> None:
    """React to one domain event; must be idempotent by ``event.id`` (async allowed)."""


# ---------------------------------------------------------------------------------------------
# UI slots — called while a page is drawn, only for plugins enabled in the community.
# ---------------------------------------------------------------------------------------------


@hookspec
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    """Return navigation entries for ``user`` in ``tenant``."""


@hookspec
def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    """Return cards for the community dashboard (async allowed)."""


@hookspec
def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list[Panel]:
    """Return panels for a resident, dwelling or building page (``page`` names which; async allowed)."""


# ---------------------------------------------------------------------------------------------
# Privacy — reach every plugin that holds personal data, enabled or not.
# ---------------------------------------------------------------------------------------------


@hookspec
def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    """Return everything the plugin holds about one person, as JSON-ready data (async allowed)."""


@hookspec
def privacy_erase(tenant: Tenant, person_id: int) -> int:
    """Erase or anonymise one person's data; return the number of records touched (async allowed)."""


# ---------------------------------------------------------------------------------------------
# Oversight — the street office's report over its communities.
# ---------------------------------------------------------------------------------------------


@hookspec
def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    """Return report sections (figures) for one community over a period (async allowed)."""
