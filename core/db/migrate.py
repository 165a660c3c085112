"""``linli migrate``: every app's piccolo migrations, all or nothing, one process at a time.

piccolo runs each migration in its own transaction, and a single app's run does not run its
dependencies first. Here the whole run — what piccolo's ``run_forwards("all")`` would do, every
app in dependency order — is ONE outer transaction, holding ``pg_advisory_xact_lock`` on
PostgreSQL or IMMEDIATE on SQLite: two starting processes never race (the second waits, then
finds nothing to do), and a failing migration leaves none of the run applied (piccolo's own
transactions nest inside it as no-ops).

* It connects with the owner URL (``runtime.settings.owner_url``), on an engine of its own that
  piccolo sees (``DB`` of :mod:`core.db.piccolo_conf`) for the current task only; piccolo's
  migration log is a subclass bound to that engine, so no shared table class is re-bound and
  nothing needs restoring afterwards but the conf binding, which :func:`piccolo_conf.bound` does.
* Migration files are loaded by path under a per-app module name, so they never clash in
  ``sys.modules``; piccolo's own CLI imports them by bare name, so keep its ``<app>_<id>.py``
  names (unique across apps).
* On PostgreSQL the same transaction then creates the app role, grants, and row-level security
  (:mod:`core.db.rls`), doing only what is missing.

Usage::

    runtime = build_runtime(load_settings())
    for line in await migrate(runtime):
        print(line)
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import msgspec
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.db import piccolo_conf, rls
from core.db.engine import make_engine, stop_engine, write_transaction
from core.db.tenant import tenant_tables
from core.errors import ConfigError, LinliError
from core.settings import Settings, redact_url

if TYPE_CHECKING:
    from core.runtime import Runtime

MIGRATION_LOCK = 727_101  # pg_advisory_xact_lock key for "linli migrate"


class MigrationFailed(LinliError):
    """A migration (or the grants/RLS after them) failed; nothing of this run was applied."""


# -- discovering migrations --------------------------------------------------------------------


def ordered_apps(apps: list[AppConfig]) -> list[AppConfig]:
    """``apps`` with every app after the apps it depends on (``migration_dependencies``), else
    in the given order (the core's first, then plugins')."""
    by_name = {app.app_name: app for app in apps}
    result: list[AppConfig] = []
    state: dict[str, str] = {}

    def visit(app: AppConfig, chain: tuple[str, ...]) -> None:
        if state.get(app.app_name) == "done":
            return
        if state.get(app.app_name) == "visiting":
            raise MigrationFailed(f"migration dependency cycle: {' -> '.join((*chain, app.app_name))}")
        state[app.app_name] = "visiting"
        try:
            deps = app.migration_dependency_app_configs
        except Exception as exc:
            raise MigrationFailed(
                f"app {app.app_name}: cannot import its migration dependencies "
                f"{app.migration_dependencies}: {exc}"
            ) from exc
        for dep in deps:
            if dep.app_name not in by_name:
                raise MigrationFailed(
                    f"app {app.app_name} depends on app {dep.app_name}, which is not installed"
                )
            visit(by_name[dep.app_name], (*chain, app.app_name))
        state[app.app_name] = "done"
        result.append(app)

    for app in apps:
        visit(app, ())
    return result


def migration_modules(app: AppConfig) -> list[tuple[str, ModuleType]]:
    """(migration id, module) of an app, in id order."""
    folder = Path(app.resolved_migrations_folder_path)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        try:
            spec = importlib.util.spec_from_file_location(
                f"linli_migrations.{app.app_name}.{path.stem}", path
            )
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            found.append((str(module.ID), module))
        except Exception as exc:
            raise MigrationFailed(f"app {app.app_name}: cannot load migration {path.name}: {exc}") from exc
    return sorted(found, key=lambda item: item[0])


# -- the owner session --------------------------------------------------------------------------


def _owner_settings(settings: Settings) -> Settings:
    # The owner engine is used by one transaction at a time: a tiny pool is plenty.
    return msgspec.structs.replace(settings, database_url=settings.owner_url, db_pool_min=1, db_pool_max=2)


async def _start_owner_engine(settings: Settings) -> Engine:
    owner = _owner_settings(settings)
    which = "LINLI_DATABASE_OWNER_URL" if settings.database_owner_url else "LINLI_DATABASE_URL"
    engine = make_engine(owner)
    try:
        if isinstance(engine, PostgresEngine):
            await engine.start_connection_pool(min_size=1, max_size=2, timeout=10)
        await engine.run_ddl("SELECT 1")
    except Exception as exc:  # asyncpg and sqlite raise many types; all mean "cannot connect"
        await stop_engine(engine)
        raise ConfigError(
            f"{which}: cannot connect to {redact_url(owner.database_url)} for migrations: {_reason(exc)}"
        ) from None
    return engine


def _check_piccolo_conf() -> None:
    """Migration files (and piccolo's managers) find the engine through ``PICCOLO_CONF``."""
    current = os.environ.setdefault("PICCOLO_CONF", piccolo_conf.MODULE)
    if current != piccolo_conf.MODULE:
        raise ConfigError(
            f"PICCOLO_CONF is {current!r}; linli migrate needs {piccolo_conf.MODULE!r} (or leave it unset)"
        )


@contextlib.asynccontextmanager
async def _owner_session(runtime: Runtime) -> AsyncIterator[tuple[Engine, Any]]:
    """The owner engine, bound for piccolo in this task, inside the one locked transaction."""
    _check_piccolo_conf()
    engine = await _start_owner_engine(runtime.settings)
    try:
        with piccolo_conf.bound(engine, runtime.apps):
            async with write_transaction(engine):
                if isinstance(engine, PostgresEngine):
                    await engine.run_ddl(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                yield engine, _migration_log(engine)
    finally:
        await stop_engine(engine)


def _migration_log(engine: Engine) -> Any:
    """piccolo's migration table bound to this run's engine only (never re-binding the shared class)."""
    return type("MigrationLog", (Migration,), {}, tablename="migration", db=engine)


# -- running ------------------------------------------------------------------------------------


async def migrate(runtime: Runtime) -> list[str]:
    """Apply every pending migration of ``runtime.apps`` (then, on PostgreSQL, the app role,
    grants and RLS) in one locked transaction; returns a log of what was done (empty: nothing)."""
    log: list[str] = []
    apps = ordered_apps(runtime.apps)
    async with _owner_session(runtime) as (engine, Log):
        await Log.create_table(if_not_exists=True).run()
        for app in apps:
            done = {r["name"] for r in await Log.select(Log.name).where(Log.app_name == app.app_name).run()}
            for migration_id, module in migration_modules(app):
                if migration_id in done:
                    continue
                await _run_one(module, migration_id, app.app_name, backwards=False)
                await Log.insert(Log(name=migration_id, app_name=app.app_name)).run()
                log.append(f"applied {app.app_name} {migration_id}")
        if isinstance(engine, PostgresEngine):
            log += await _secure(engine, runtime)
    return log


async def _secure(engine: Engine, runtime: Runtime) -> list[str]:
    role = runtime.settings.database_app_role
    try:
        lines = await rls.ensure_app_role(engine, role)
        lines += await rls.apply_policies(engine, tenant_tables(runtime.tables), runtime.tables, role)
    except LinliError:
        raise
    except Exception as exc:
        raise MigrationFailed(
            f"granting {role!r} and applying row-level security failed: {_reason(exc)}; nothing was applied"
        ) from exc
    return lines


async def rollback_app(runtime: Runtime, app_name: str) -> list[str]:
    """Run one app's applied migrations backwards, newest first, in one locked transaction
    (``linli plugins check``); returns what was reversed."""
    app = next((a for a in runtime.apps if a.app_name == app_name), None)
    if app is None:
        raise LinliError(f"no app named {app_name}")
    log: list[str] = []
    async with _owner_session(runtime) as (_engine, Log):
        await Log.create_table(if_not_exists=True).run()
        done = {r["name"] for r in await Log.select(Log.name).where(Log.app_name == app_name).run()}
        for migration_id, module in reversed(migration_modules(app)):
            if migration_id not in done:
                continue
            await _run_one(module, migration_id, app_name, backwards=True)
            await Log.delete().where((Log.app_name == app_name) & (Log.name == migration_id)).run()
            log.append(f"reversed {app_name} {migration_id}")
    return log


async def _run_one(module: ModuleType, migration_id: str, app_name: str, *, backwards: bool) -> None:
    try:
        manager = await module.forwards()
        if isinstance(manager, MigrationManager):
            with contextlib.redirect_stdout(io.StringIO()):  # piccolo prints progress; we log
                await manager.run(backwards=backwards)
    except Exception as exc:
        direction = "backwards" if backwards else "forwards"
        raise MigrationFailed(
            f"migration {app_name} {migration_id} ({direction}) failed: {_reason(exc)}; "
            "nothing of this run was applied"
        ) from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


# -- the app's connection -----------------------------------------------------------------------


async def check_app_role(engine: Engine) -> None:
    """Refuse to serve as a role for which RLS would be moot: a superuser, a BYPASSRLS role, or
    one owning (or a member of the owner of) tables in its schemas. No-op on SQLite."""
    if not isinstance(engine, PostgresEngine):
        return
    rows = await engine.run_ddl(
        "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    if not rows:
        raise ConfigError("LINLI_DATABASE_URL: cannot read the connected role's attributes")
    me = rows[0]
    if me["rolsuper"] or me["rolbypassrls"]:
        kind = "a superuser" if me["rolsuper"] else "a BYPASSRLS role"
        raise ConfigError(
            f"LINLI_DATABASE_URL: the app connects as {me['name']!r}, {kind}; row-level security would "
            "not apply. Connect as the app role (LINLI_DATABASE_APP_ROLE) and give the owner to "
            "LINLI_DATABASE_OWNER_URL for migrations"
        )
    owned = await engine.run_ddl(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(current_schemas(false)) "
        "AND pg_has_role(current_user, c.relowner, 'MEMBER') ORDER BY c.relname"
    )
    if owned:
        names = ", ".join(r["name"] for r in owned[:5]) + (", …" if len(owned) > 5 else "")
        raise ConfigError(
            f"LINLI_DATABASE_URL: the app role {me['name']!r} owns tables ({names}); it could switch "
            "row-level security off. Connect as the app role (LINLI_DATABASE_APP_ROLE) and keep the "
            "owner for migrations (LINLI_DATABASE_OWNER_URL)"
        )
