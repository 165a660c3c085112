"""Loading plugins from the ``linli.plugins`` entry points, with quarantine instead of crashes.

A plugin that fails to import, has an invalid manifest, an incompatible ``requires_core``
range, a hook that matches no spec, or a missing required plugin is *quarantined*: reported by
``linli plugins list`` and on ``/health/ready``, and left out. The app still starts, unless
strict mode (CI) is on, where any quarantine is an error.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from core import __version__ as CORE_VERSION
from core.plugins import defaults, hookspecs
from core.plugins.contributions import CORE_ID, REGISTRATION_HOOKS, Contributions, collect
from core.plugins.dispatch import PluginHealth
from core.plugins.manifest import Manifest, ManifestError, validate_manifest

log = logging.getLogger("linli.plugins")
ENTRY_POINT_GROUP = "linli.plugins"


class PluginLoadError(RuntimeError):
    """Strict mode found quarantined plugins."""


@dataclass(frozen=True)
class LoadedPlugin:
    id: str
    manifest: Manifest
    module: ModuleType
    source: str  # "entry point <dist>" or "extra"


@dataclass(frozen=True)
class Quarantined:
    name: str
    reason: str


@dataclass
class PluginRegistry:
    pm: pluggy.PluginManager
    plugins: dict[str, LoadedPlugin] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    contributions: Contributions = field(default_factory=Contributions)
    health: PluginHealth = field(default_factory=PluginHealth, repr=False)
    _impls: dict[tuple[str, frozenset[str] | None], list[tuple[str, Any]]] = field(
        default_factory=dict, repr=False
    )

    # -- lookups ---------------------------------------------------------------------------

    def get(self, plugin_id: str) -> LoadedPlugin | None:
        return self.plugins.get(plugin_id)

    def community_plugins(self) -> list[LoadedPlugin]:
        return [p for p in self.plugins.values() if p.manifest.scope == "community"]

    def active_ids(self, enabled: Iterable[str]) -> frozenset[str]:
        """Ids that run for a tenant: its enabled plugins plus every platform-scope plugin."""
        platform = {p.id for p in self.plugins.values() if p.manifest.scope == "platform"}
        return frozenset(pid for pid in enabled if pid in self.plugins) | platform

    # -- calling ---------------------------------------------------------------------------

    def impls(self, hook_name: str, plugin_ids: Iterable[str] | None = None) -> list[tuple[str, Any]]:
        """(plugin id, function) pairs for one hook in load order, the core's first, so each can
        be called and fail on its own (``core.plugins.dispatch``). With ``plugin_ids``, only
        those plugins (and the core). Cached per hook and set of ids."""
        wanted = None if plugin_ids is None else frozenset(plugin_ids) | {CORE_ID}
        key = (hook_name, wanted)
        pairs = self._impls.get(key)
        if pairs is None:
            caller = getattr(self.pm.hook, hook_name)
            found = [(impl.plugin_name, impl.function) for impl in caller.get_hookimpls()]
            found.reverse()  # pluggy lists last-registered first; we want load order
            pairs = [(pid, fn) for pid, fn in found if wanted is None or pid in wanted]
            if len(self._impls) < 4096:  # enabled sets are few; never grow without bound
                self._impls[key] = pairs
        return pairs


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


# -- loading -------------------------------------------------------------------------------


def new_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def load_plugins(
    extra_modules: Iterable[str] = (),
    *,
    strict: bool = False,
    include_entry_points: bool = True,
    only: Iterable[str] | None = None,
) -> PluginRegistry:
    """Load every plugin; ``only`` keeps just those ids (tests choose their plugins)."""
    registry = PluginRegistry(pm=new_plugin_manager())
    registry.pm.register(defaults, name=CORE_ID)  # the core's own contributions come first
    candidates: list[tuple[str, str, Any]] = []  # (name, source, loader)
    if include_entry_points:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else "?"
            candidates.append((ep.name, f"entry point {dist}", ep.load))
    for module_name in extra_modules:
        candidates.append((module_name, "extra", _importer(module_name)))
    wanted = None if only is None else set(only)

    for name, source, loader in candidates:
        try:
            module = loader()
        except Exception as exc:  # any import-time error quarantines, it never crashes boot
            registry.quarantined.append(Quarantined(name, f"import failed: {_short(exc)}"))
            continue
        try:
            manifest = validate_manifest(getattr(module, "manifest", None), CORE_VERSION)
        except ManifestError as exc:
            registry.quarantined.append(Quarantined(name, f"invalid manifest: {exc}"))
            continue
        if wanted is not None and manifest.id not in wanted:
            continue
        if manifest.id in registry.plugins:
            registry.quarantined.append(
                Quarantined(
                    name,
                    f"duplicate id {manifest.id!r} (already from {registry.plugins[manifest.id].source})",
                )
            )
            continue
        problem = _check_hooks(registry.pm, module)
        if problem:
            registry.quarantined.append(Quarantined(name, problem))
            continue
        try:
            registry.pm.register(module, name=manifest.id)
        except (pluggy.PluginValidationError, ValueError) as exc:
            registry.quarantined.append(Quarantined(name, f"hook validation: {_short(exc)}"))
            continue
        registry.plugins[manifest.id] = LoadedPlugin(manifest.id, manifest, module, source)
        _register_locale(manifest.id, module)

    _quarantine_missing_requirements(registry)
    _collect_contributions(registry)
    for q in registry.quarantined:
        log.warning("plugin quarantined: %s: %s", q.name, q.reason)
    if strict and registry.quarantined:
        raise PluginLoadError("; ".join(f"{q.name}: {q.reason}" for q in registry.quarantined))
    return registry


def _register_locale(plugin_id: str, module: ModuleType) -> None:
    """The plugin's catalogue: ``locale/`` beside its package (one i18n system, core.ui.i18n)."""
    from pathlib import Path

    from core.ui.i18n import add_plugin_locale

    if getattr(module, "__file__", None):
        add_plugin_locale(plugin_id, Path(module.__file__).parent / "locale")  # type: ignore[arg-type]


def _importer(module_name: str) -> Any:
    return lambda: importlib.import_module(module_name)


def _check_hooks(pm: pluggy.PluginManager, module: ModuleType) -> str | None:
    """Every hookimpl must name a spec and take only the spec's arguments."""
    for attr_name, value in vars(module).items():
        if not callable(value) or not hasattr(value, f"{hookspecs.PROJECT}_impl"):
            continue
        spec = getattr(pm.hook, attr_name, None)
        if spec is None or spec.spec is None:
            return f"hook {attr_name!r} matches no hookspec"
        spec_args = set(spec.spec.argnames)
        impl_args = set(inspect.signature(value).parameters)
        extra = impl_args - spec_args
        if extra:
            return f"hook {attr_name!r} takes unknown argument(s): {', '.join(sorted(extra))}"
    return None


def _collect_contributions(registry: PluginRegistry) -> None:
    """Call every registration hook once; a plugin whose contributions are refused is
    quarantined (and so is any plugin requiring it)."""

    def hooks_of(pid: str) -> dict[str, Any]:
        hooks = {name: fn for name in REGISTRATION_HOOKS for p, fn in registry.impls(name, [pid]) if p == pid}
        plugin = registry.plugins.get(pid)
        if plugin is not None and plugin.manifest.permissions:
            declared, hook = list(plugin.manifest.permissions), hooks.get("register_permissions")
            hooks["register_permissions"] = lambda: [*declared, *((hook() or []) if hook else [])]
        return hooks

    contributions, refused = collect((pid, hooks_of(pid)) for pid in [CORE_ID, *registry.plugins])
    before = set(registry.plugins)
    for pid, reason in refused:
        registry.pm.unregister(registry.plugins[pid].module)
        del registry.plugins[pid]
        registry.quarantined.append(Quarantined(pid, f"registration refused: {reason}"))
    registry._impls.clear()
    _quarantine_missing_requirements(registry)
    registry.contributions = contributions.without(before - set(registry.plugins))


def _quarantine_missing_requirements(registry: PluginRegistry) -> None:
    changed = True
    while changed:
        changed = False
        for pid, plugin in list(registry.plugins.items()):
            missing = [r for r in plugin.manifest.requires_plugins if r not in registry.plugins]
            if missing:
                registry.pm.unregister(plugin.module)
                del registry.plugins[pid]
                registry._impls.clear()
                registry.quarantined.append(
                    Quarantined(pid, f"requires missing plugin(s): {', '.join(missing)}")
                )
                changed = True


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300]
