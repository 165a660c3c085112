"""The small value types that hooks take and return. Plugin authors get them from ``core.api``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec


class Permission(msgspec.Struct, frozen=True):
    """A named right, e.g. ``repairs.dispatch``; ``roles`` hold it by default."""

    name: str
    description: str
    roles: tuple[str, ...] = ()


class Role(msgspec.Struct, frozen=True):
    """A role a membership can carry; ``scope`` is ``community`` or ``office``. Name it with
    ``label`` (an English msgid of the plugin's catalogue); ``label_zh``/``label_en`` are filled
    from it when the role is registered (giving them directly is the 0.1 style)."""

    name: str
    label_zh: str = ""
    label_en: str = ""
    scope: str = "community"
    label: str = ""


class Schedule(msgspec.Struct, frozen=True):
    """Periodic work: a cron expression and the name of the actor it sends, per tenant or platform."""

    name: str
    cron: str
    actor_name: str
    per_tenant: bool = True


class CaseType(msgspec.Struct, frozen=True):
    """A kind of case for the shared case engine (filled in by the registry issue)."""

    name: str
    label_zh: str = ""
    label_en: str = ""
    extra_fields: dict[str, str] = msgspec.field(default_factory=dict)
    # Hours allowed per state (overrides the engine's defaults for this type).
    sla_hours: dict[str, float] = msgspec.field(default_factory=dict)
    default_priority: str = "normal"
    label: str = ""  # an English msgid of the plugin's catalogue; fills label_zh / label_en


class NavItem(msgspec.Struct, frozen=True):
    """A navigation entry: ``NavItem(label="Report a repair", path=…, permission=…)``, the label
    an English msgid of the plugin's catalogue (``label_zh``/``label_en`` are filled from it)."""

    label_zh: str = ""
    label_en: str = ""
    path: str = ""
    permission: str | None = None
    order: int = 100
    label: str = ""


class DashboardCard(msgspec.Struct, frozen=True):
    """A dashboard card; ``title`` is an English msgid of the plugin's catalogue."""

    title_zh: str = ""
    title_en: str = ""
    value: str = ""
    path: str | None = None
    order: int = 100
    title: str = ""


class Pages(msgspec.Struct, frozen=True):
    """A plugin's HTML pages: litestar handlers mounted at ``/c/{community}/{plugin_id}`` and the
    folder of their Jinja templates, looked up as ``"<plugin_id>/<file>"`` by ``render_page``."""

    handlers: list[Any]
    templates: Any = None  # a pathlib.Path, or None for pages that render no template


class Panel(msgspec.Struct, frozen=True):
    """A panel on a resident, building or dwelling page; ``title`` is an English msgid."""

    title_zh: str = ""
    title_en: str = ""
    html: str = ""
    order: int = 100
    title: str = ""


class ReportFigure(msgspec.Struct, frozen=True):
    """One figure of a report section. ``value`` is a number, or ``None`` when there is no data
    (shown as "no data", never as 0); ``percent`` shows a 0-1 rate as a percentage."""

    key: str
    label_zh: str = ""
    label_en: str = ""
    value: float | int | None = None
    percent: bool = False
    label: str = ""  # an English msgid of the plugin's catalogue; fills label_zh / label_en


class ReportSection(msgspec.Struct, frozen=True):
    """A section of the street office's report; ``title`` is an English msgid."""

    plugin_id: str
    title_zh: str = ""
    title_en: str = ""
    figures: list[ReportFigure] = msgspec.field(default_factory=list)
    title: str = ""


class UserRef(msgspec.Struct, frozen=True):
    """Who is asking, as UI hooks see them."""

    id: int
    display_name: str
    role: str | None
    permissions: frozenset[str] = frozenset()
    lang: str = "zh-CN"  # the page's language ("zh-CN" or "en"), for what a hook draws itself

    def t(self, zh: str, en: str) -> str:
        """The text in the page's language: ``user.t("门禁", "Door access")``."""
        return zh if self.lang == "zh-CN" else en


class Event(msgspec.Struct, frozen=True):
    """A domain event, written to the outbox with the change that caused it."""

    type: str
    community_id: int
    payload: dict[str, Any] = msgspec.field(default_factory=dict)
    id: str = msgspec.field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: dt.datetime = msgspec.field(default_factory=lambda: dt.datetime.now(dt.UTC))
    actor_id: int | None = None


class EventType(msgspec.Struct, frozen=True):
    """A kind of domain event and the shape of its payload, declared once by its owner
    (``register_events``): ``EventType("repairs.reported", RepairReported, version=1,
    description=…)``. ``emit`` checks every payload against ``payload`` (a ``msgspec.Struct``
    class) and refuses an event no one declared; handlers may ``msgspec.convert(event.payload,
    RepairReported)``. A change that removes or retypes a field is a new ``version``."""

    name: str
    payload: Any  # a msgspec.Struct class
    version: int = 1
    description: str = ""


class AttachmentPurpose(msgspec.Struct, frozen=True):
    """What a file is for on its owner (``photo``, ``document``): its size limit and allowed types."""

    name: str
    max_bytes: int
    content_types: tuple[str, ...]


class OwnerAccess(msgspec.Struct, frozen=True):
    """Who asks about which record, as an :class:`AttachmentOwner`'s checks see it.

    ``principal`` is a ``core.api.Principal``; ``permissions`` are what the caller's roles grant in
    the current community (``has("cases.manage")``). The tenant is set while a check runs.
    """

    principal: Any
    tenant: Any
    owner_id: int
    permissions: frozenset[str] = frozenset()

    def has(self, permission: str) -> bool:
        return permission in self.permissions


class AttachmentOwner(msgspec.Struct, frozen=True):
    """A kind of record files can be attached to, and who may see or attach to one of them.

    ``can_see(access)`` answers whether the caller may see record ``access.owner_id`` (and so its
    files); ``can_attach`` whether they may add files (default: the same as ``can_see``);
    ``exists(owner_id)`` lets the orphan collector drop the files of records that are gone. Each
    may be ``async``. A kind is a plain name (``"case"``); a plugin's starts with its id.
    """

    kind: str
    can_see: Callable[[OwnerAccess], bool | Awaitable[bool]]
    purposes: tuple[AttachmentPurpose, ...]
    can_attach: Callable[[OwnerAccess], bool | Awaitable[bool]] | None = None
    exists: Callable[[int], bool | Awaitable[bool]] | None = None

    def purpose(self, name: str) -> AttachmentPurpose | None:
        return next((p for p in self.purposes if p.name == name), None)
