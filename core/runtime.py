"""Everything a running Linli process holds: settings, engine, plugins, roles, caches.

Built once by :func:`build_runtime` (web, CLI and workers alike), so that all entry points see
the same plugins bound to the same database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig
from piccolo.engine.base import Engine
from piccolo.table import Table

from core.auth.credentials import CredentialCache
from core.auth.ratelimit import DatabaseAttempts, RedisAttempts, attempt_limiter
from core.auth.roles import RoleTable
from core.cases.piccolo_app import APP_CONFIG as CASES_APP
from core.db.engine import make_engine
from core.files.piccolo_app import APP_CONFIG as FILES_APP
from core.grids.piccolo_app import APP_CONFIG as GRIDS_APP
from core.jobs.piccolo_app import APP_CONFIG as JOBS_APP
from core.piccolo_app import APP_CONFIG as CORE_APP
from core.plugins.registry import PluginRegistry, load_plugins
from core.residents.identity import FieldKeys
from core.residents.piccolo_app import APP_CONFIG as RESIDENTS_APP
from core.settings import Settings, resolve_secret_key
from core.tenancy.directory import TenantDirectory

# The core's own apps, in migration order; plugin apps follow them.
CORE_APPS: list[AppConfig] = [CORE_APP, RESIDENTS_APP, GRIDS_APP, CASES_APP, FILES_APP, JOBS_APP]


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    registry: PluginRegistry
    roles: RoleTable
    tenants: TenantDirectory
    credentials: CredentialCache
    apps: list[AppConfig]
    login_limiter: RedisAttempts | DatabaseAttempts

    @cached_property
    def field_keys(self) -> FieldKeys:
        return FieldKeys.from_settings(self.settings.secret_key, self.settings.field_keys)

    @property
    def tables(self) -> list[type[Table]]:
        return [t for app in self.apps for t in app.table_classes]


def plugin_apps(registry: PluginRegistry) -> list[AppConfig]:
    return list(registry.contributions.tables.values())


def build_role_table(registry: PluginRegistry) -> RoleTable:
    """Roles, then permissions, as the core and plugins registered them (the core's first)."""
    contributed = registry.contributions
    roles = RoleTable((c.item for c in contributed.roles), ())
    for c in contributed.permissions:
        roles.add_permission(c.item)
    return roles


def build_runtime(
    settings: Settings, *, registry: PluginRegistry | None = None, engine: Engine | None = None
) -> Runtime:
    settings = resolve_secret_key(settings)
    if registry is None:
        registry = load_plugins(
            settings.extra_plugins, strict=settings.strict_plugins, only=settings.only_plugins
        )
    engine = engine or make_engine(settings)
    apps = [*CORE_APPS, *plugin_apps(registry)]
    runtime = Runtime(
        settings=settings,
        engine=engine,
        registry=registry,
        roles=build_role_table(registry),
        tenants=TenantDirectory(registry, settings.tenant_cache_seconds),
        credentials=CredentialCache(settings.tenant_cache_seconds),
        apps=apps,
        login_limiter=attempt_limiter(settings.broker_url, settings.login_attempts_per_address, 300),
    )
    bind_tables(runtime)
    return runtime


def bind_tables(runtime: Runtime) -> None:
    """Point every table (core, plugins, piccolo's migration log) at this runtime's engine."""
    tables: list[type[Table]] = [*runtime.tables, Migration]
    for table in tables:
        table._meta.db = runtime.engine


_current: Runtime | None = None


def set_current(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("no Linli runtime is running in this process")
    return _current


def state_of(app: Any) -> Runtime:
    return app.state.linli
