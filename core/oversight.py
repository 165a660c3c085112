"""The street office's report: each community's sections from the plugins enabled there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from piccolo.engine.base import Engine

from core.plugins.dispatch import active_for, call_each, items_of
from core.plugins.types import ReportSection
from core.runtime import Runtime
from core.tenancy.context import Tenant, tenant_scope


def _figures_are_numbers(section: ReportSection) -> str | None:
    """A figure is a number or ``None`` (no data) — never a string in a number's place."""
    for f in section.figures:
        if f.value is not None and (isinstance(f.value, bool) or not isinstance(f.value, int | float)):
            return f"figure {section.plugin_id}.{f.key}: value {f.value!r} is not a number or None"
    return None


async def community_sections(
    runtime: Runtime, tenant: Tenant, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Sections for one community, the core's first; a module whose hook fails (or returns
    something other than numbers) is listed as unavailable, and the rest of the report stands."""
    active = active_for(runtime.registry, tenant)
    with tenant_scope(tenant):
        async with _read_transaction(runtime.engine):
            parts = await call_each(
                runtime.registry,
                "oversight_sections",
                active,
                check=items_of(ReportSection, _figures_are_numbers),
                tenant=tenant,
                period_start=start.isoformat(),
                period_end=end.isoformat(),
            )
    sections = [msgspec.to_builtins(s) for part in parts for s in part.value or ()]
    answered = {part.plugin_id for part in parts}
    for plugin_id, _fn in runtime.registry.impls("oversight_sections", active):
        if plugin_id not in answered:
            sections.append({"plugin_id": plugin_id, "error": "unavailable", "figures": []})
    return sections


async def office_report(
    runtime: Runtime, office_id: int, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Every active community of the office with its modules and sections, by slug."""
    from core.tenancy.tables import Community

    rows = (
        await Community.select(Community.slug)
        .where((Community.office == office_id) & Community.archived.eq(False))
        .order_by(Community.slug)
        .run()
    )
    communities = []
    for row in rows:
        tenant = await runtime.tenants.by_slug(row["slug"])
        if tenant is None:
            continue
        communities.append(
            {
                "slug": tenant.slug,
                "name": tenant.name,
                "modules": sorted(tenant.enabled_plugins),
                "sections": await community_sections(runtime, tenant, start, end),
            }
        )
    return communities


def _read_transaction(engine: Engine) -> Any:
    # On PostgreSQL a transaction is what carries the tenant to RLS.
    return engine.transaction()
