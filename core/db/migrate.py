"""``linli migrate``: every app's piccolo migrations, all or nothing, one process at a time.

piccolo runs each migration in its own transaction, and a single app's run does not run its
dependencies first. Here the whole run is ONE outer transaction — holding
``pg_advisory_xact_lock`` on PostgreSQL, or an IMMEDIATE transaction on SQLite — so two starting
processes never race, and a failing migration leaves none of the run applied (piccolo's own
transactions nest inside as no-ops). Apps run in the order of ``runtime.apps``: the core's,
then plugins'. Migration files are loaded by path, so their names only need to be unique
within an app folder.

On PostgreSQL the same transaction then creates the app role and applies grants and row-level
security (:mod:`core.db.rls`). Migrations always connect with the owner URL.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.db import rls
from core.db.engine import make_engine, start_engine, stop_engine, write_transaction
from core.db.tenant import tenant_tables
from core.errors import ConfigError, LinliError

os.environ.setdefault("PICCOLO_CONF", "core.db.piccolo_conf")

MIGRATION_LOCK = 727_101  # pg_advisory_xact_lock key for "linli migrate"


class MigrationFailed(LinliError):
    """A migration raised; nothing of this run was applied."""


def migration_modules(app: AppConfig) -> list[tuple[str, ModuleType]]:
    """(migration id, module) of an app, in id order."""
    folder = Path(app.resolved_migrations_folder_path)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        spec = importlib.util.spec_from_file_location(f"linli_migrations.{app.app_name}.{path.stem}", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.append((module.ID, module))
    return sorted(found, key=lambda item: item[0])


@contextlib.asynccontextmanager
async def _owner_engine(runtime: Any) -> Any:
    from core.db import piccolo_conf

    engine = make_engine(runtime.settings, owner=True)
    await start_engine(engine, _small_pool(runtime.settings))
    piccolo_conf.configure(engine, runtime.apps)
    try:
        yield engine, _migration_log(engine)
    finally:
        await stop_engine(engine)


def _migration_log(engine: Engine) -> Any:
    """piccolo's migration table bound to this run's engine only (never re-binding the shared class)."""
    return type("MigrationLog", (Migration,), {}, tablename="migration", db=engine)


def _small_pool(settings: Any) -> Any:
    import msgspec

    return msgspec.structs.replace(settings, db_pool_min=1, db_pool_max=2)


@contextlib.asynccontextmanager
async def _locked(engine: Engine) -> Any:
    async with write_transaction(engine) as tx:
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        yield tx


async def migrate(runtime: Any) -> list[str]:
    """Apply every pending migration of ``runtime.apps``; returns a log of what ran."""
    log: list[str] = []
    async with _owner_engine(runtime) as (engine, Log), _locked(engine):
        await Log.create_table(if_not_exists=True).run()
        for app in runtime.apps:
            done = {r["name"] for r in await Log.select(Log.name).where(Log.app_name == app.app_name).run()}
            for migration_id, module in migration_modules(app):
                if migration_id in done:
                    continue
                await _run_one(module, migration_id, app.app_name, backwards=False)
                await Log.insert(Log(name=migration_id, app_name=app.app_name)).run()
                log.append(f"applied {app.app_name} {migration_id}")
        if isinstance(engine, PostgresEngine):
            await rls.ensure_app_role(engine, runtime.settings.database_app_role)
            log += await rls.apply_policies(engine, tenant_tables(runtime.tables), runtime.tables,
                                            runtime.settings.database_app_role)
    return log


async def rollback_app(runtime: Any, app_name: str) -> list[str]:
    """Run one app's applied migrations backwards, newest first (``linli plugins check``)."""
    app = next((a for a in runtime.apps if a.app_name == app_name), None)
    if app is None:
        raise LinliError(f"no app named {app_name}")
    log: list[str] = []
    async with _owner_engine(runtime) as (engine, Log), _locked(engine):
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
        raise MigrationFailed(f"migration {app_name} {migration_id} failed: {exc}; nothing was applied") \
            from exc


async def check_app_role(engine: Engine) -> None:
    """Refuse to serve as a role for which RLS would be moot (superuser, BYPASSRLS, table owner)."""
    if not isinstance(engine, PostgresEngine):
        return
    rows = await engine.run_ddl(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    if rows and (rows[0]["rolsuper"] or rows[0]["rolbypassrls"]):
        raise ConfigError("LINLI_DATABASE_URL: the app must not connect as a superuser or a BYPASSRLS role "
                          "(row-level security would not apply); use LINLI_DATABASE_OWNER_URL for migrations")
    owned = await engine.run_ddl(
        "SELECT 1 FROM pg_tables WHERE tablename = 'community' AND tableowner = current_user")
    if owned:
        raise ConfigError("LINLI_DATABASE_URL: the app role owns the tables; connect as the app role "
                          "(LINLI_DATABASE_APP_ROLE) and keep the owner for migrations")
