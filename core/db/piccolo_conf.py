"""piccolo's configuration module (``PICCOLO_CONF=core.db.piccolo_conf``), filled at run time.

piccolo finds its engine and apps through a conf module's ``DB`` and ``APP_REGISTRY``. Linli
decides both at run time (the settings pick the database, the entry points pick the plugins),
so here they are module-level ``__getattr__`` lookups:

* inside :func:`bound` (what ``linli migrate`` uses) they are the given engine and apps, for the
  current asyncio task only — two migrations running at once in one process never share one —
  and the previous values come back when the block ends;
* otherwise (piccolo's own CLI, e.g. ``piccolo migrations new core --auto``) they are built once
  from the current settings: the owner connection and every installed app.

Developers generate a migration with (see docs/operations/migrations.md)::

    PICCOLO_CONF=core.db.piccolo_conf .venv/bin/piccolo migrations new core --auto --desc=add_x
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from piccolo.conf.apps import AppConfig, AppRegistry
from piccolo.engine.base import Engine

MODULE = __name__  # the value PICCOLO_CONF must hold

# Values for piccolo's CLI, from the settings (built on first use).
_default: dict[str, Any] = {}
# Values for the current task, set by bound(); they win over the defaults.
_in_task: ContextVar[dict[str, Any] | None] = ContextVar("linli_piccolo_conf", default=None)


@contextmanager
def bound(engine: Engine, apps: list[AppConfig]) -> Iterator[None]:
    """Within the block (and the current task), piccolo's ``DB`` is ``engine`` and its apps ``apps``."""
    token = _in_task.set({"DB": engine, "APP_REGISTRY": registry_for(apps)})
    try:
        yield
    finally:
        _in_task.reset(token)


def configure(engine: Engine, apps: list[AppConfig]) -> None:
    """Set the defaults (what piccolo sees outside :func:`bound`), e.g. for a script or a shell."""
    _default.clear()
    _default.update(DB=engine, APP_REGISTRY=registry_for(apps))


def reset() -> None:
    """Forget the defaults; the next lookup builds them from the settings again."""
    _default.clear()


def registry_for(apps: list[AppConfig]) -> AppRegistry:
    return AppRegistry(apps=[_module_path(app) for app in apps])


def __getattr__(name: str) -> Any:
    """piccolo reads ``DB`` and ``APP_REGISTRY``; outside :func:`bound`, use the settings."""
    if name not in ("DB", "APP_REGISTRY"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    values = _in_task.get()
    if values is not None:
        return values[name]
    if not _default:
        _from_settings()
    return _default[name]


def _module_path(app: AppConfig) -> str:
    """piccolo finds apps by module path; a plugin's app may live anywhere, so give it one."""
    for name, module in list(sys.modules.items()):
        if getattr(module, "APP_CONFIG", None) is app:
            return name
    name = f"linli_piccolo_apps.{app.app_name}"
    module = types.ModuleType(name)
    module.APP_CONFIG = app  # type: ignore[attr-defined]
    sys.modules.setdefault("linli_piccolo_apps", types.ModuleType("linli_piccolo_apps"))
    sys.modules[name] = module
    return name


def _from_settings() -> None:
    """Default for piccolo's own CLI: the settings' owner database and every installed app."""
    # No runtime here: building one would re-bind every table to this default engine.
    from core.db.engine import make_engine
    from core.plugins.registry import load_plugins
    from core.runtime import CORE_APPS, plugin_apps
    from core.settings import load_settings

    settings = load_settings()
    registry = load_plugins(settings.extra_plugins)
    configure(make_engine(settings, owner=True), [*CORE_APPS, *plugin_apps(registry)])
