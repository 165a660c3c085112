"""Finding a community by slug, with its effective plugin set, cached briefly per process.

The cache keeps the hot path (every tenant request) to zero extra queries. A change made in this
process invalidates it at once; other processes see it within ``tenant_cache_seconds``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from core.plugins.manifest import default_settings
from core.plugins.registry import PluginRegistry
from core.tenancy.context import Tenant
from core.tenancy.tables import Community, CommunityPlugin, PluginPolicy

POLICIES = ("forbidden", "allowed", "default_on", "required")


def effective_enabled(policy: str, choice: bool | None) -> bool:
    """The office's policy and the community's choice (None: never chosen) give the answer."""
    if policy == "required":
        return True
    if policy == "forbidden":
        return False
    if policy == "default_on":
        return choice is not False
    return choice is True


class TenantDirectory:
    def __init__(self, registry: PluginRegistry, ttl_seconds: float):
        self.registry = registry
        self.ttl = ttl_seconds
        self._by_slug: dict[str, tuple[float, Tenant | None]] = {}
        self._offices: dict[str, tuple[float, int | None]] = {}

    def invalidate(self, slug: str | None = None) -> None:
        if slug is None:
            self._by_slug.clear()
            self._offices.clear()
        else:
            self._by_slug.pop(slug, None)

    async def by_slug(self, slug: str) -> Tenant | None:
        """The active community with this slug, or None (missing and archived look the same)."""
        now = time.monotonic()
        hit = self._by_slug.get(slug)
        if hit is not None and hit[0] > now:
            return hit[1]
        row = (
            await Community.select(
                Community.id,
                Community.slug,
                Community.name,
                Community.archived,
                Community.office.id,
                Community.office.slug,
                Community.office.archived,
            )
            .where(Community.slug == slug)
            .first()
            .run()
        )
        tenant = None
        if row and not row["archived"] and not row["office.archived"]:
            tenant = await self._build(row)
        self._by_slug[slug] = (now + self.ttl, tenant)
        return tenant

    async def office_id(self, slug: str) -> int | None:
        """The id of the active street office with this slug, or None."""
        from core.tenancy.tables import StreetOffice

        now = time.monotonic()
        hit = self._offices.get(slug)
        if hit is not None and hit[0] > now:
            return hit[1]
        row = (
            await StreetOffice.select(StreetOffice.id, StreetOffice.archived)
            .where(StreetOffice.slug == slug)
            .first()
            .run()
        )
        office_id = row["id"] if row and not row["archived"] else None
        self._offices[slug] = (now + self.ttl, office_id)
        return office_id

    async def by_id(self, community_id: int) -> Tenant | None:
        """The active community with this id (workers restore a job's community by id)."""
        now = time.monotonic()
        for expires, tenant in self._by_slug.values():
            if expires > now and tenant is not None and tenant.community_id == community_id:
                return tenant
        row = await Community.select(Community.slug).where(Community.id == community_id).first().run()
        return None if row is None else await self.by_slug(row["slug"])

    async def all_active(self) -> list[Tenant]:
        rows = (
            await Community.select(Community.slug)
            .where(Community.archived.eq(False))
            .order_by(Community.id)
            .run()
        )
        tenants = [await self.by_slug(r["slug"]) for r in rows]
        return [t for t in tenants if t is not None]

    async def plugin_states(self, community_id: int, office_id: int) -> dict[str, dict[str, Any]]:
        """For every community-scope plugin: policy, the community's choice, enabled, settings."""
        policy_rows = {
            r["plugin_id"]: r
            for r in await PluginPolicy.select(
                PluginPolicy.plugin_id, PluginPolicy.policy, PluginPolicy.settings
            )
            .where(PluginPolicy.office == office_id)
            .run()
        }
        policies = {pid: r["policy"] for pid, r in policy_rows.items()}
        choices = {
            r["plugin_id"]: r
            for r in await CommunityPlugin.select(
                CommunityPlugin.plugin_id,
                CommunityPlugin.enabled,
                CommunityPlugin.explicit,
                CommunityPlugin.settings,
            )
            .where(CommunityPlugin.community == community_id)
            .run()
        }
        states: dict[str, dict[str, Any]] = {}
        for plugin in self.registry.community_plugins():
            policy = policies.get(plugin.id, "allowed")
            row = choices.get(plugin.id)
            choice = None if row is None or not row["explicit"] else bool(row["enabled"])
            settings = row["settings"] if row else {}
            if isinstance(settings, str):
                settings = json.loads(settings or "{}")
            # Stored values over the manifest's typed defaults: a plugin always sees every key.
            settings = {**default_settings(plugin.manifest), **(settings or {})}
            office_settings = policy_rows[plugin.id]["settings"] if plugin.id in policy_rows else {}
            if isinstance(office_settings, str):
                office_settings = json.loads(office_settings or "{}")
            states[plugin.id] = {
                "policy": policy,
                "choice": choice,
                "enabled": effective_enabled(policy, choice),
                "settings": settings or {},
                "office_settings": {
                    **default_settings(plugin.manifest, "office_settings"),
                    **(office_settings or {}),
                },
            }
        return states

    async def _build(self, row: dict[str, Any]) -> Tenant:
        states = await self.plugin_states(row["id"], row["office.id"])
        return Tenant(
            community_id=row["id"],
            slug=row["slug"],
            name=row["name"],
            office_id=row["office.id"],
            office_slug=row["office.slug"],
            enabled_plugins=frozenset(pid for pid, s in states.items() if s["enabled"]),
            plugin_settings={pid: s["settings"] for pid, s in states.items()},
            office_settings={pid: s["office_settings"] for pid, s in states.items()},
        )
