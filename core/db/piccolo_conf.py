"""piccolo's configuration module (``PICCOLO_CONF=core.db.piccolo_conf``), filled at run time.

piccolo finds its engine and apps through a conf module. Linli decides both at run time (the
settings pick the database, the entry points pick the plugins), so this module starts from the
current settings and :func:`configure` points it at a given engine and set of apps — which
``linli migrate`` does with the owner connection before it runs any migration.

Developers generate a migration with (see docs/operations/migrations.md)::

    PICCOLO_CONF=core.db.piccolo_conf .venv/bin/piccolo migrations new residents --auto --desc=…
"""

from __future__ import annotations

import sys
import types
from contextvars import ContextVar
from typing import Any

from piccolo.conf.apps import AppConfig, AppRegistry
from piccolo.engine.base import Engine

_configured: dict[str, Any] = {}
# Per task: two migrations running concurrently in one process must not share an engine.
_in_task: ContextVar[dict[str, Any] | None] = ContextVar("linli_piccolo_conf", default=None)


def configure(engine: Engine, apps: list[AppConfig]) -> None:
    """Point piccolo at ``engine`` and ``apps`` for the current task (and, by default, elsewhere)."""
    values = {"DB": engine, "APP_REGISTRY": AppRegistry(apps=[_module_path(app) for app in apps])}
    _in_task.set(values)
    _configured.update(values)


def __getattr__(name: str) -> Any:
    """piccolo reads ``DB`` and ``APP_REGISTRY``; unconfigured (piccolo's CLI), use the settings."""
    if name not in ("DB", "APP_REGISTRY"):
        raise AttributeError(name)
    values = _in_task.get()
    if values is not None:
        return values[name]
    if not _configured:
        _from_settings()
    return _configured[name]


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
    """Default for piccolo's own CLI: the settings' database and every installed app."""
    # No runtime here: building one would re-bind every table to this default engine.
    from core.db.engine import make_engine
    from core.plugins.registry import load_plugins
    from core.runtime import CORE_APPS, plugin_apps
    from core.settings import load_settings

    settings = load_settings()
    registry = load_plugins(settings.extra_plugins)
    configure(make_engine(settings, owner=True), [*CORE_APPS, *plugin_apps(registry)])

