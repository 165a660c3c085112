"""The one way tenant-time hooks are called: each plugin on its own.

UI slots, report sections, privacy and tenant lifecycle hooks run while a page, a report or a
request is being made. A plugin's exception there must cost that plugin its part, never the
page: :func:`call_each` calls every implementation separately, logs a failure with the plugin's
id, counts it in :class:`PluginHealth`, and leaves that plugin out of the result. Results are
type-checked too: a plugin returning the wrong kind of item has failed in the same way.

Only where a half-done result is worse than none (erasing a person) does the caller ask for
``isolate=False``: the first failure then raises :class:`PluginFailure` naming the plugin.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.plugins.contributions import CORE_ID
from core.plugins.labels import localize

if TYPE_CHECKING:
    from core.plugins.registry import PluginRegistry

log = logging.getLogger("linli.plugins")


class PluginFailure(RuntimeError):
    """A plugin's hook failed where the caller cannot go on without it."""

    def __init__(self, plugin_id: str, hook: str, exc: BaseException):
        super().__init__(f"{hook} failed in plugin {plugin_id}: {type(exc).__name__}: {exc}")
        self.plugin_id = plugin_id
        self.hook = hook


class PluginHealth:
    """Failures of each plugin's tenant-time hooks in this process (shown on /health/ready)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, dict[str, Any]] = {}

    def failed(self, plugin_id: str, hook: str, error: str) -> None:
        with self._lock:
            entry = self._failures.setdefault(plugin_id, {"failures": 0})
            entry["failures"] += 1
            entry["last"] = {
                "hook": hook,
                "error": error[:300],
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }

    def failures(self, plugin_id: str) -> int:
        with self._lock:
            return int(self._failures.get(plugin_id, {}).get("failures", 0))

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {pid: dict(entry) for pid, entry in self._failures.items()}


@dataclass(frozen=True)
class Part:
    """One plugin's answer to a hook."""

    plugin_id: str
    value: Any


async def call_each(
    registry: PluginRegistry,
    hook: str,
    plugin_ids: Iterable[str],
    *,
    check: Callable[[Any], str | None] | None = None,
    isolate: bool = True,
    **kwargs: Any,
) -> list[Part]:
    """Call ``hook`` in each of ``plugin_ids`` (and the core's own implementation), in load
    order, awaiting async ones. ``check(value)`` returns a reason to refuse a plugin's value."""
    parts: list[Part] = []
    for plugin_id, fn in registry.impls(hook, plugin_ids):
        try:
            value = fn(**kwargs)
            if inspect.isawaitable(value):
                value = await value
            problem = check(value) if check is not None else None
            if problem:
                raise TypeError(problem)
            if isinstance(value, list):
                value = [localize(v, plugin_id) for v in value]
        except Exception as exc:
            if not isolate:
                log.exception("%s failed in plugin %s", hook, plugin_id)
                raise PluginFailure(plugin_id, hook, exc) from exc
            log.exception(
                "%s failed in plugin %s; its part is left out",
                hook,
                plugin_id,
                extra={"plugin": plugin_id, "hook": hook},
            )
            registry.health.failed(plugin_id, hook, f"{type(exc).__name__}: {exc}")
            continue
        parts.append(Part(plugin_id, value))
    return parts


def items_of(
    kind: type | tuple[type, ...], extra: Callable[[Any], str | None] | None = None
) -> Callable[[Any], str | None]:
    """A check for hooks that return a list of ``kind``: anything else refuses the plugin's part."""

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            return f"expected a list, got {type(value).__name__}"
        for item in value:
            if not isinstance(item, kind):
                return f"expected {getattr(kind, '__name__', kind)}, got {type(item).__name__}"
            problem = extra(item) if extra is not None else None
            if problem:
                return problem
        return None

    return check


async def gather(
    registry: PluginRegistry,
    hook: str,
    plugin_ids: Iterable[str],
    kind: type | tuple[type, ...],
    *,
    extra: Callable[[Any], str | None] | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Flatten the lists that each plugin's ``hook`` returns, leaving out any plugin that fails."""
    out: list[Any] = []
    for part in await call_each(registry, hook, plugin_ids, check=items_of(kind, extra), **kwargs):
        out.extend(part.value or ())
    return out


def active_for(registry: PluginRegistry, tenant: Any) -> frozenset[str]:
    """The core plus the plugins that run in ``tenant``."""
    return registry.active_ids(tenant.enabled_plugins) | {CORE_ID}
