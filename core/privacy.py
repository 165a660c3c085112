"""Exporting and erasing one person's data across core and every plugin that holds personal data.

Privacy reaches plugins whether or not they are enabled in the community: switching a module
off keeps its data, so a person's request to see or erase their data must still reach it.
"""

from __future__ import annotations

import logging
from typing import Any

from core.db.engine import as_tenant
from core.plugins.registry import maybe_await
from core.runtime import Runtime
from core.tenancy.context import Tenant

log = logging.getLogger("linli.privacy")


def _holders(runtime: Runtime) -> list[str]:
    return [p.id for p in runtime.registry.plugins.values() if p.manifest.personal_data]


async def export_person(runtime: Runtime, tenant: Tenant, person_id: int) -> dict[str, Any]:
    """Everything held about ``person_id`` in ``tenant``, keyed by plugin id (enabled or not)."""
    out: dict[str, Any] = {}
    async with as_tenant(runtime.engine, tenant):
        for plugin_id, fn in runtime.registry.impls("privacy_export", _holders(runtime)):
            out[plugin_id] = await maybe_await(fn(tenant=tenant, person_id=person_id))
    return out


async def erase_person(runtime: Runtime, tenant: Tenant, person_id: int) -> dict[str, int]:
    """Erase ``person_id`` from every plugin holding personal data; returns records touched each.

    Runs in the caller's transaction: if one plugin fails, nothing is erased anywhere, and the
    error names the plugin, because a half-erased person is worse than a refused erasure.
    """
    counts: dict[str, int] = {}
    async with as_tenant(runtime.engine, tenant):
        for plugin_id, fn in runtime.registry.impls("privacy_erase", _holders(runtime)):
            try:
                counts[plugin_id] = int(await maybe_await(fn(tenant=tenant, person_id=person_id)) or 0)
            except Exception as exc:
                log.exception("privacy_erase failed in %s", plugin_id)
                raise RuntimeError(f"erasure failed in plugin {plugin_id}: {exc}") from exc
    return counts
