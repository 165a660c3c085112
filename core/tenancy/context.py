"""The current tenant, carried in a contextvar so it reaches every query and background job.

Nothing here touches the database: the engine reads :func:`current_tenant_id` when it opens a
transaction (PostgreSQL RLS), and tenant tables read it when they build a query (first wall).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec

from core.errors import NoTenantError

S = TypeVar("S")


@dataclass(frozen=True)
class Tenant:
    """A community as a request or a job sees it."""

    community_id: int
    slug: str
    name: str
    office_id: int
    office_slug: str
    enabled_plugins: frozenset[str] = frozenset()
    plugin_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    office_settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings_for(self, plugin_id: str) -> dict[str, Any]:
        """The stored settings as a dict (only what was changed from the defaults)."""
        return self.plugin_settings.get(plugin_id, {})

    def settings_as(self, plugin_id: str, kind: type[S]) -> S:
        """The plugin's settings as its declared struct (``Manifest.settings``), defaults filled
        in: ``current_tenant().settings_as("door_access", DoorAccessSettings).welfare_hours``."""
        return msgspec.convert(self.plugin_settings.get(plugin_id, {}), kind)

    def office_settings_as(self, plugin_id: str, kind: type[S]) -> S:
        """What the community's street office set for the plugin (``Manifest.office_settings``),
        defaults filled in: the limits a community's own choices stay within."""
        return msgspec.convert(self.office_settings.get(plugin_id, {}), kind)


_current: ContextVar[Tenant | None] = ContextVar("linli_tenant", default=None)


def current_tenant() -> Tenant:
    """The community the current request or job runs for (NoTenantError when none is set)."""
    tenant = _current.get()
    if tenant is None:
        raise NoTenantError("no tenant is set for this work; tenant data is out of reach")
    return tenant


def current_tenant_or_none() -> Tenant | None:
    """The current community, or None outside a community's request or job."""
    return _current.get()


def current_tenant_id() -> int | None:
    tenant = _current.get()
    return None if tenant is None else tenant.community_id


@contextmanager
def tenant_scope(tenant: Tenant | None) -> Iterator[Tenant | None]:
    """Run the block as ``tenant`` (``None`` runs it with no tenant at all)."""
    token = _current.set(tenant)
    try:
        yield tenant
    finally:
        _current.reset(token)
