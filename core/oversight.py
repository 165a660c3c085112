"""The street office's report: each community's sections from the plugins enabled there."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import msgspec
from piccolo.engine.base import Engine

from core.plugins.registry import maybe_await
from core.plugins.types import ReportSection
from core.runtime import Runtime
from core.tenancy.context import Tenant, tenant_scope

log = logging.getLogger("linli.oversight")


async def community_sections(
    runtime: Runtime, tenant: Tenant, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Sections for one community; a plugin that fails is reported as such, never fatal."""
    from core.cases.figures import case_sections
    from core.residents.figures import register_sections

    sections: list[dict[str, Any]] = []
    active = runtime.registry.active_ids(tenant.enabled_plugins)
    with tenant_scope(tenant):
        async with _read_transaction(runtime.engine):
            sections += [msgspec.to_builtins(s) for s in await register_sections(start, end)]
            sections += [
                msgspec.to_builtins(s) for s in await case_sections(start.isoformat(), end.isoformat())
            ]
            for plugin_id, fn in runtime.registry.impls("oversight_sections", active):
                try:
                    result = await maybe_await(
                        fn(tenant=tenant, period_start=start.isoformat(), period_end=end.isoformat())
                    )
                except Exception as exc:  # one plugin's bug must not blank the whole report
                    log.exception("oversight_sections failed in %s", plugin_id)
                    sections.append({"plugin_id": plugin_id, "error": type(exc).__name__})
                    continue
                for section in result or []:
                    if isinstance(section, ReportSection):
                        sections.append(msgspec.to_builtins(section))
    return sections


async def office_report(runtime: Runtime, office_id: int, start: dt.date,
                        end: dt.date) -> list[dict[str, Any]]:
    """Every active community of the office with its modules and sections, by slug."""
    from core.tenancy.tables import Community

    rows = await Community.select(Community.slug).where(
        (Community.office == office_id) & Community.archived.eq(False)).order_by(Community.slug).run()
    communities = []
    for row in rows:
        tenant = await runtime.tenants.by_slug(row["slug"])
        if tenant is None:
            continue
        communities.append({
            "slug": tenant.slug, "name": tenant.name, "modules": sorted(tenant.enabled_plugins),
            "sections": await community_sections(runtime, tenant, start, end),
        })
    return communities


def _read_transaction(engine: Engine) -> Any:
    # On PostgreSQL a transaction is what carries the tenant to RLS.
    return engine.transaction()
