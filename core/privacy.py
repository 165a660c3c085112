"""Exporting and erasing one person's data across core and every plugin that holds personal data.

Privacy reaches plugins whether or not they are enabled in the community: switching a module
off keeps its data, so a person's request to see or erase their data must still reach it.
"""

from __future__ import annotations

from typing import Any

from core.db.engine import as_tenant
from core.plugins.dispatch import call_each
from core.runtime import Runtime
from core.tenancy.context import Tenant


def _holders(runtime: Runtime) -> list[str]:
    return [p.id for p in runtime.registry.plugins.values() if p.manifest.personal_data]


async def export_person(runtime: Runtime, tenant: Tenant, person_id: int) -> dict[str, Any]:
    """Everything held about ``person_id`` in ``tenant``, keyed by plugin id (enabled or not). A
    plugin whose export fails is listed as ``{"error": "unavailable"}``, so an incomplete export
    says so instead of silently missing a part."""
    holders = _holders(runtime)
    async with as_tenant(runtime.engine, tenant):
        parts = await call_each(
            runtime.registry, "privacy_export", holders, tenant=tenant, person_id=person_id
        )
    out: dict[str, Any] = {part.plugin_id: part.value for part in parts}
    for plugin_id, _fn in runtime.registry.impls("privacy_export", holders):
        out.setdefault(plugin_id, {"error": "unavailable"})
    return out


async def erase_person(runtime: Runtime, tenant: Tenant, person_id: int) -> dict[str, int]:
    """Erase ``person_id`` from every plugin holding personal data; returns records touched each.

    Runs in the caller's transaction and is not isolated per plugin: if one plugin fails,
    :class:`PluginFailure` names it and nothing is erased anywhere, because a half-erased person
    is worse than a refused erasure.
    """
    async with as_tenant(runtime.engine, tenant):
        parts = await call_each(
            runtime.registry,
            "privacy_erase",
            _holders(runtime),
            isolate=False,
            tenant=tenant,
            person_id=person_id,
        )
    return {part.plugin_id: int(part.value or 0) for part in parts}
