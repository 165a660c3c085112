"""What the core and each plugin contribute at boot, collected once under one policy.

Every registration hook (``register_*``) is called exactly once per process, for every loaded
plugin, right after loading. Each result is checked (its type, and that the names it declares
start with the plugin's id where names are shared), and held in one frozen
:class:`Contributions` object on the plugin registry. Nothing calls a registration hook later:
routes, case types, attachment owners, jobs and the rest are read from here.

A plugin whose registration hook raises or returns the wrong thing is quarantined (left out
whole, with the reason), like one that fails to import; in strict mode (CI) that stops the
start. The core's own contributions come through the same hooks (``core.plugins.defaults``),
registered first, so its case types and jobs are listed before any plugin's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import msgspec

T = TypeVar("T")

CORE_ID = "core"
_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class ContributionError(ValueError):
    """A registration hook returned something the policy refuses; quarantines its plugin."""


@dataclass(frozen=True)
class Contributed(Generic[T]):
    """One item and the plugin (or ``"core"``) that contributed it."""

    plugin_id: str
    item: T


@dataclass(frozen=True)
class Contributions:
    """Everything registered at boot, by kind, in registration order (core first)."""

    routes: Mapping[str, tuple[Any, ...]] = field(default_factory=lambda: MappingProxyType({}))
    pages: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    tables: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    permissions: tuple[Contributed[Any], ...] = ()
    roles: tuple[Contributed[Any], ...] = ()
    jobs: tuple[Contributed[Any], ...] = ()
    schedules: tuple[Contributed[Any], ...] = ()
    cli_commands: tuple[Contributed[Any], ...] = ()
    case_types: Mapping[str, Contributed[Any]] = field(default_factory=lambda: MappingProxyType({}))
    attachment_owners: Mapping[str, Contributed[Any]] = field(default_factory=lambda: MappingProxyType({}))
    events: Mapping[str, Contributed[Any]] = field(default_factory=lambda: MappingProxyType({}))

    def without(self, plugin_ids: set[str]) -> Contributions:
        """The same, less what ``plugin_ids`` contributed (plugins quarantined after collection)."""
        if not plugin_ids:
            return self

        def keep(items: tuple[Contributed[Any], ...]) -> tuple[Contributed[Any], ...]:
            return tuple(c for c in items if c.plugin_id not in plugin_ids)

        def keep_map(items: Mapping[str, Any], by_key: bool = False) -> Mapping[str, Any]:
            return MappingProxyType(
                {k: v for k, v in items.items() if (k if by_key else v.plugin_id) not in plugin_ids}
            )

        return Contributions(
            routes=keep_map(self.routes, True),
            pages=keep_map(self.pages, True),
            tables=keep_map(self.tables, True),
            permissions=keep(self.permissions),
            roles=keep(self.roles),
            jobs=keep(self.jobs),
            schedules=keep(self.schedules),
            cli_commands=keep(self.cli_commands),
            case_types=keep_map(self.case_types),
            attachment_owners=keep_map(self.attachment_owners),
            events=keep_map(self.events),
        )

    @cached_property
    def case_type_map(self) -> Mapping[str, Any]:
        """Case type name → CaseType, for the case engine (built once)."""
        return MappingProxyType({name: c.item for name, c in self.case_types.items()})


# -- the policy ----------------------------------------------------------------------------


def _owns(plugin_id: str, name: str) -> bool:
    """A shared name belongs to a plugin when it is the plugin's id or starts with ``<id>.``."""
    return plugin_id == CORE_ID or name == plugin_id or name.startswith(f"{plugin_id}.")


def _items(plugin_id: str, hook: str, value: Any, kind: type | tuple[type, ...]) -> list[Any]:
    items = [] if value is None else list(value)
    for item in items:
        if not isinstance(item, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise ContributionError(f"{hook} returned {type(item).__name__}, expected {names}")
    return items


@dataclass
class _Collector:
    """Accumulates one plugin's contributions; only merged when all its hooks passed."""

    routes: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    pages: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, Any] = field(default_factory=dict)
    permissions: list[Contributed[Any]] = field(default_factory=list)
    roles: list[Contributed[Any]] = field(default_factory=list)
    jobs: list[Contributed[Any]] = field(default_factory=list)
    schedules: list[Contributed[Any]] = field(default_factory=list)
    cli_commands: list[Contributed[Any]] = field(default_factory=list)
    case_types: dict[str, Contributed[Any]] = field(default_factory=dict)
    attachment_owners: dict[str, Contributed[Any]] = field(default_factory=dict)
    events: dict[str, Contributed[Any]] = field(default_factory=dict)

    def merge(self, other: _Collector) -> None:
        for name in ("routes", "pages", "tables", "case_types", "attachment_owners", "events"):
            getattr(self, name).update(getattr(other, name))
        for name in ("permissions", "roles", "jobs", "schedules", "cli_commands"):
            getattr(self, name).extend(getattr(other, name))

    def freeze(self) -> Contributions:
        return Contributions(
            routes=MappingProxyType(dict(self.routes)),
            pages=MappingProxyType(dict(self.pages)),
            tables=MappingProxyType(dict(self.tables)),
            permissions=tuple(self.permissions),
            roles=tuple(self.roles),
            jobs=tuple(self.jobs),
            schedules=tuple(self.schedules),
            cli_commands=tuple(self.cli_commands),
            case_types=MappingProxyType(dict(self.case_types)),
            attachment_owners=MappingProxyType(dict(self.attachment_owners)),
            events=MappingProxyType(dict(self.events)),
        )


def _collect_one(pid: str, hooks: Mapping[str, Callable[[], Any]], so_far: _Collector) -> _Collector:
    """Call each of one plugin's registration hooks and check what it returned."""
    import click
    from piccolo.conf.apps import AppConfig

    from core.jobs.spec import Job
    from core.plugins.labels import localize
    from core.plugins.types import AttachmentOwner, CaseType, EventType, Pages, Permission, Role, Schedule

    mine = _Collector()

    def call(hook: str) -> Any:
        fn = hooks.get(hook)
        if fn is None:
            return None
        try:
            return fn()
        except Exception as exc:
            raise ContributionError(f"{hook} raised {type(exc).__name__}: {exc}") from exc

    routes = call("register_routes")
    if routes:
        mine.routes[pid] = tuple(routes)
    pages = call("register_pages")
    if pages is not None:
        if not isinstance(pages, Pages):
            raise ContributionError("register_pages must return core.api.Pages or None")
        mine.pages[pid] = pages
    app = call("register_tables")
    if app is not None:
        if not isinstance(app, AppConfig):
            raise ContributionError("register_tables must return a core.api.PiccoloApp")
        mine.tables[pid] = app
    known_permissions = {c.item.name for c in so_far.permissions}
    for perm in _items(pid, "register_permissions", call("register_permissions"), Permission):
        # A plugin may name new permissions of its own, or grant an existing one to its roles.
        if not _owns(pid, perm.name) and perm.name not in known_permissions:
            raise ContributionError(f"permission {perm.name!r} must start with '{pid}.'")
        mine.permissions.append(Contributed(pid, perm))
    known_roles = {c.item.name for c in so_far.roles}
    for role in (localize(r, pid) for r in _items(pid, "register_roles", call("register_roles"), Role)):
        if role.name in known_roles:
            raise ContributionError(f"role {role.name!r} is already declared")
        mine.roles.append(Contributed(pid, role))
    for job in _items(pid, "register_actors", call("register_actors"), Job):
        if not job.name.startswith(f"{pid}."):
            raise ContributionError(f"job {job.name!r} must start with '{pid}.'")
        mine.jobs.append(Contributed(pid, job))
    job_names = {c.item.name for c in (*so_far.jobs, *mine.jobs)}
    for schedule in _items(pid, "register_schedules", call("register_schedules"), Schedule):
        if not _owns(pid, schedule.name):
            raise ContributionError(f"schedule {schedule.name!r} must start with '{pid}.'")
        if schedule.actor_name not in job_names:
            raise ContributionError(
                f"schedule {schedule.name}: no job named {schedule.actor_name!r}"
                " is declared (register_actors)"
            )
        mine.schedules.append(Contributed(pid, schedule))
    for command in _items(pid, "register_cli_commands", call("register_cli_commands"), click.Command):
        mine.cli_commands.append(Contributed(pid, command))
    for case_type in (
        localize(c, pid) for c in _items(pid, "register_case_types", call("register_case_types"), CaseType)
    ):
        # Case type names are stored on every case, so they are not renamed to carry a prefix
        # (repairs' is "repair"); they must only be unique, the core's taken first.
        if not _KIND.match(case_type.name):
            raise ContributionError(f"case type {case_type.name!r}: lower-case letters, digits, _ and .")
        if case_type.name in so_far.case_types or case_type.name in mine.case_types:
            raise ContributionError(f"case type {case_type.name!r} is already declared")
        mine.case_types[case_type.name] = Contributed(pid, case_type)
    for owner in _items(
        pid, "register_attachment_owners", call("register_attachment_owners"), AttachmentOwner
    ):
        if not _KIND.match(owner.kind) or (pid != CORE_ID and not owner.kind.startswith(f"{pid}.")):
            raise ContributionError(f"attachment owner {owner.kind!r} must be named '{pid}.<kind>'")
        if owner.kind in so_far.attachment_owners or owner.kind in mine.attachment_owners:
            raise ContributionError(f"attachment owner {owner.kind!r} is already declared")
        mine.attachment_owners[owner.kind] = Contributed(pid, owner)
    for event in _items(pid, "register_events", call("register_events"), EventType):
        if not _KIND.match(event.name) or not _owns(pid, event.name) or "." not in event.name:
            raise ContributionError(f"event {event.name!r} must be named '{pid}.<what happened>'")
        if not (isinstance(event.payload, type) and issubclass(event.payload, msgspec.Struct)):
            raise ContributionError(f"event {event.name!r}: payload must be a msgspec.Struct class")
        if event.name in so_far.events or event.name in mine.events:
            raise ContributionError(f"event {event.name!r} is already declared")
        mine.events[event.name] = Contributed(pid, event)
    return mine


REGISTRATION_HOOKS = (
    "register_routes",
    "register_pages",
    "register_tables",
    "register_permissions",
    "register_roles",
    "register_actors",
    "register_schedules",
    "register_cli_commands",
    "register_case_types",
    "register_attachment_owners",
    "register_events",
)


def collect(
    impls_by_plugin: Iterator[tuple[str, Mapping[str, Callable[[], Any]]]],
) -> tuple[Contributions, list[tuple[str, str]]]:
    """Collect every plugin's contributions in order; returns them and the (plugin, reason)
    pairs of plugins refused. A refused core contribution is a bug and raises."""
    total = _Collector()
    refused: list[tuple[str, str]] = []
    for pid, hooks in impls_by_plugin:
        try:
            mine = _collect_one(pid, hooks, total)
        except ContributionError as exc:
            if pid == CORE_ID:
                raise
            refused.append((pid, str(exc)[:300]))
            continue
        total.merge(mine)
    return total.freeze(), refused
