"""The small value types that hooks take and return. Plugin authors get them from ``core.api``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec


class Permission(msgspec.Struct, frozen=True):
    """A named right, e.g. ``repairs.dispatch``; ``roles`` hold it by default."""

    name: str
    description: str
    roles: tuple[str, ...] = ()


class Role(msgspec.Struct, frozen=True):
    """A role a membership can carry; ``scope`` is ``community`` or ``office``."""

    name: str
    label_zh: str
    label_en: str
    scope: str = "community"


class Schedule(msgspec.Struct, frozen=True):
    """Periodic work: a cron expression and the name of the actor it sends, per tenant or platform."""

    name: str
    cron: str
    actor_name: str
    per_tenant: bool = True


class CaseType(msgspec.Struct, frozen=True):
    """A kind of case for the shared case engine (filled in by the registry issue)."""

    name: str
    label_zh: str
    label_en: str
    extra_fields: dict[str, str] = msgspec.field(default_factory=dict)
    # Hours allowed per state (overrides the engine's defaults for this type).
    sla_hours: dict[str, float] = msgspec.field(default_factory=dict)
    default_priority: str = "normal"


class NavItem(msgspec.Struct, frozen=True):
    label_zh: str
    label_en: str
    path: str
    permission: str | None = None
    order: int = 100


class DashboardCard(msgspec.Struct, frozen=True):
    title_zh: str
    title_en: str
    value: str
    path: str | None = None
    order: int = 100


class Panel(msgspec.Struct, frozen=True):
    title_zh: str
    title_en: str
    html: str
    order: int = 100


class ReportFigure(msgspec.Struct, frozen=True):
    key: str
    label_zh: str
    label_en: str
    value: float | int | str


class ReportSection(msgspec.Struct, frozen=True):
    plugin_id: str
    title_zh: str
    title_en: str
    figures: list[ReportFigure] = msgspec.field(default_factory=list)


class UserRef(msgspec.Struct, frozen=True):
    """Who is asking, as UI hooks see them."""

    id: int
    display_name: str
    role: str | None
    permissions: frozenset[str] = frozenset()


class Event(msgspec.Struct, frozen=True):
    """A domain event, written to the outbox with the change that caused it."""

    type: str
    community_id: int
    payload: dict[str, Any] = msgspec.field(default_factory=dict)
    id: str = msgspec.field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: dt.datetime = msgspec.field(default_factory=lambda: dt.datetime.now(dt.UTC))
    actor_id: int | None = None
