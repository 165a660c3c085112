"""`linli migrate`: all or nothing, idempotent, safe when two processes start at once.

Every test runs on a real SQLite file and on a fresh PostgreSQL database (marked ``postgres``).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig

from core.db import piccolo_conf, rls
from core.db.engine import make_engine, start_engine, stop_engine
from core.db.migrate import MigrationFailed, migrate, migration_modules, ordered_apps, rollback_app
from core.db.tenant import tenant_tables
from core.errors import ConfigError
from core.plugins.registry import load_plugins
from core.runtime import CORE_APPS, Runtime, build_runtime
from core.settings import Settings, load_settings
from core.testing.postgres import drop_role, fresh_database, with_parts

REPO = Path(__file__).resolve().parents[2]
SettingsFactory = Callable[..., Awaitable[Settings]]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def settings_factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SettingsFactory]:
    """Makes settings for a new database of the parametrized kind; drops them all afterwards."""
    drops: list[Callable[[], Awaitable[None]]] = []
    counter = iter(range(100))

    async def make(**overrides: Any) -> Settings:
        base: dict[str, Any] = {"var_dir": str(tmp_path / f"var{next(counter)}"), "secret_key": "m" * 40}
        if request.param == "postgres":
            owner, app, drop = await fresh_database(request.getfixturevalue("pg_server_url"))
            drops.append(drop)
            base.update(database_url=app, database_owner_url=owner)
        base.update(overrides)
        return load_settings(environ={}, **base)

    try:
        yield make
    finally:
        for drop in drops:
            await drop()


def runtime_for(settings: Settings, extra_apps: tuple[AppConfig, ...] = ()) -> Runtime:
    runtime = build_runtime(settings, registry=load_plugins([], include_entry_points=False))
    runtime.apps.extend(extra_apps)
    return runtime


async def query(settings: Settings, sql: str) -> list[dict[str, Any]]:
    """Run ``sql`` on the owner connection, outside any migration."""
    engine = make_engine(settings, owner=True)
    await start_engine(engine, msgspec_replace(settings, database_url=settings.owner_url))
    try:
        return list(await engine.run_ddl(sql))
    finally:
        await stop_engine(engine)


def msgspec_replace(settings: Settings, **changes: Any) -> Settings:
    import msgspec

    return msgspec.structs.replace(settings, **changes)


async def table_names(settings: Settings) -> set[str]:
    if settings.dialect == "postgres":
        rows = await query(settings, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    else:
        rows = await query(settings, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {r["name"] for r in rows}


async def migration_rows(settings: Settings) -> list[tuple[str, str]]:
    if "migration" not in await table_names(settings):
        return []
    rows = await query(settings, "SELECT app_name, name FROM migration ORDER BY app_name, name")
    return [(r["app_name"], r["name"]) for r in rows]


def all_migrations(runtime: Runtime) -> list[tuple[str, str]]:
    return sorted((app.app_name, mid) for app in runtime.apps for mid, _ in migration_modules(app))


def applied(log: list[str]) -> list[str]:
    return [line for line in log if line.startswith("applied ")]


# -- creating, and doing nothing the second time ------------------------------------------------


async def test_migrate_creates_every_table_and_a_second_run_is_a_no_op(settings_factory):
    settings = await settings_factory()
    runtime = runtime_for(settings)
    log = await migrate(runtime)
    apps_in_log = list(dict.fromkeys(line.split()[1] for line in applied(log)))
    assert apps_in_log == ["core", "residents", "grids", "cases", "files", "jobs"]  # core's apps, in order
    names = await table_names(settings)
    assert {t._meta.tablename for t in runtime.tables} | {"migration"} <= names
    assert await migration_rows(settings) == all_migrations(runtime)
    if settings.dialect == "postgres":
        assert "RLS policy on outbox_event" in log
        assert "granted SELECT, INSERT on audit_entry to linli_app" in log

    again = await migrate(build_runtime(settings, registry=load_plugins([], include_entry_points=False)))
    assert again == []  # no migration, no grant, no ALTER TABLE: nothing at all
    assert await migration_rows(settings) == all_migrations(runtime)


async def test_migrate_leaves_piccolo_and_the_tables_bound_as_they_were(settings_factory):
    runtime = runtime_for(await settings_factory())
    migration_db = Migration._meta._db
    await migrate(runtime)
    assert all(t._meta.db is runtime.engine for t in runtime.tables)  # never the owner engine
    assert Migration._meta._db is migration_db
    assert piccolo_conf._in_task.get() is None  # piccolo's DB is no longer the (closed) owner engine


# -- two at once --------------------------------------------------------------------------------


async def test_two_migrations_at_once_in_one_process_both_succeed(settings_factory):
    settings = await settings_factory()
    first, second = runtime_for(settings), runtime_for(settings)
    logs = await asyncio.gather(migrate(first), migrate(second))
    assert sorted(len(applied(log)) for log in logs) == [0, len(all_migrations(first))]
    assert await migration_rows(settings) == all_migrations(first)  # each recorded once


MIGRATE_SCRIPT = """
import asyncio, json, sys
from core.db.migrate import migrate
from core.plugins.registry import load_plugins
from core.runtime import build_runtime
from core.settings import load_settings

runtime = build_runtime(load_settings(), registry=load_plugins([], include_entry_points=False))
print(json.dumps(asyncio.run(migrate(runtime))))
"""


async def test_two_processes_migrating_at_once_both_succeed(settings_factory, tmp_path):
    settings = await settings_factory()
    env = {
        **os.environ,
        "LINLI_DATABASE_URL": settings.database_url,
        "LINLI_DATABASE_OWNER_URL": settings.database_owner_url,
        "LINLI_SECRET_KEY": settings.secret_key,
        "PYTHONPATH": str(REPO),
    }
    env.pop("PICCOLO_CONF", None)

    async def run(n: int) -> list[str]:
        # One var/ each: core.settings.ensure_var_dir's write probe races between two processes
        # sharing one var/ (the database URL is absolute, so both still use the same file).
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            MIGRATE_SCRIPT,
            cwd=str(tmp_path),
            env={**env, "LINLI_VAR_DIR": str(tmp_path / f"proc{n}")},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, err.decode()[-2000:]
        return json.loads(out.decode().strip().splitlines()[-1])

    logs = await asyncio.gather(run(1), run(2))
    runtime = runtime_for(settings)
    assert sorted(len(applied(log)) for log in logs) == [0, len(all_migrations(runtime))]
    assert await migration_rows(settings) == all_migrations(runtime)


# -- all or nothing -----------------------------------------------------------------------------


def broken_app(folder: Path) -> AppConfig:
    """A throwaway app: its first migration creates a table, its second raises."""
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "brk_2026_01_01t00_00_00_000000.py").write_text(
        textwrap.dedent("""
        from piccolo.apps.migrations.auto.migration_manager import MigrationManager
        from piccolo.engine import engine_finder
        ID = "2026-01-01T00:00:00:000000"
        async def forwards():
            manager = MigrationManager(migration_id=ID, app_name="brk")
            async def run():
                await engine_finder().run_ddl("CREATE TABLE brk_first (id integer)")
            manager.add_raw(run)
            return manager
    """)
    )
    (folder / "brk_2026_01_02t00_00_00_000000.py").write_text(
        textwrap.dedent("""
        from piccolo.apps.migrations.auto.migration_manager import MigrationManager
        ID = "2026-01-02T00:00:00:000000"
        async def forwards():
            manager = MigrationManager(migration_id=ID, app_name="brk")
            def run():
                raise RuntimeError("this migration is broken on purpose")
            manager.add_raw(run)
            return manager
    """)
    )
    return AppConfig(app_name="brk", migrations_folder_path=str(folder), table_classes=[])


async def test_a_failing_migration_leaves_nothing_of_a_fresh_run_applied(settings_factory, tmp_path):
    settings = await settings_factory()
    runtime = runtime_for(settings, (broken_app(tmp_path / "brk_migrations"),))
    with pytest.raises(MigrationFailed, match=r"brk 2026-01-02.*broken on purpose.*nothing of this run"):
        await migrate(runtime)
    names = await table_names(settings)
    assert "brk_first" not in names and "community" not in names and "migration" not in names


async def test_a_failing_migration_leaves_its_first_sibling_unapplied(settings_factory, tmp_path):
    settings = await settings_factory()
    await migrate(runtime_for(settings))
    before = await migration_rows(settings)
    runtime = runtime_for(settings, (broken_app(tmp_path / "brk_migrations"),))
    with pytest.raises(MigrationFailed, match="broken on purpose"):
        await migrate(runtime)
    assert "brk_first" not in await table_names(settings)
    assert await migration_rows(settings) == before  # no brk row
    # The database is fine afterwards: without the broken app there is nothing to do.
    assert applied(await migrate(runtime_for(settings))) == []


# -- backwards ----------------------------------------------------------------------------------


async def test_rollback_app_reverses_one_app_and_migrate_restores_it(settings_factory):
    settings = await settings_factory()
    runtime = runtime_for(settings)
    await migrate(runtime)
    cases = next(app for app in runtime.apps if app.app_name == "cases")
    case_tables = {t._meta.tablename for t in cases.table_classes}

    log = await rollback_app(runtime, "cases")
    assert log and all(line.startswith("reversed cases ") for line in log)
    names = await table_names(settings)
    assert not case_tables & names and "grid" in names
    assert not [row for row in await migration_rows(settings) if row[0] == "cases"]

    again = await migrate(runtime)
    assert {line.split()[1] for line in applied(again)} == {"cases"}
    assert case_tables <= await table_names(settings)
    if settings.dialect == "postgres":
        engine = make_engine(settings, owner=True)
        try:
            assert await rls.check_policies(engine, tenant_tables(runtime.tables)) == []
        finally:
            await stop_engine(engine)


# -- order and configuration --------------------------------------------------------------------


def test_apps_run_after_the_apps_they_depend_on():
    names = [app.app_name for app in ordered_apps(list(reversed(CORE_APPS)))]
    assert names[:4] == ["core", "residents", "grids", "cases"]
    assert sorted(names[4:]) == ["files", "jobs"]  # both depend on cases only


def test_a_missing_dependency_is_reported():
    orphan = AppConfig(
        app_name="orphan",
        migrations_folder_path="/nonexistent",
        table_classes=[],
        migration_dependencies=["core.grids.piccolo_app"],
    )
    with pytest.raises(MigrationFailed, match="orphan depends on app grids, which is not installed"):
        ordered_apps([CORE_APPS[0], orphan])


async def test_another_piccolo_conf_is_refused(tmp_path, monkeypatch):
    settings = load_settings(environ={}, var_dir=str(tmp_path / "var"), secret_key="m" * 40)
    monkeypatch.setenv("PICCOLO_CONF", "somewhere.else")
    with pytest.raises(ConfigError, match="PICCOLO_CONF"):
        await migrate(runtime_for(settings))


@pytest.mark.postgres
async def test_an_unreachable_owner_is_a_config_error_without_the_password(pg_server_url, tmp_path):
    settings = load_settings(
        environ={},
        var_dir=str(tmp_path / "var"),
        secret_key="m" * 40,
        database_url="postgresql://linli_app@127.0.0.1:1/nowhere",
        database_owner_url="postgresql://owner:s3cret-pw@127.0.0.1:1/nowhere",
    )
    with pytest.raises(ConfigError) as caught:
        await migrate(runtime_for(settings))
    message = str(caught.value)
    assert message.startswith("LINLI_DATABASE_OWNER_URL: cannot connect to")
    assert "s3cret-pw" not in message and "owner:***@127.0.0.1:1" in message


@pytest.mark.postgres
async def test_migrate_creates_a_missing_app_role_even_when_two_databases_race_for_it(
    pg_server_url, tmp_path
):
    role = f"linli_app_{uuid.uuid4().hex[:8]}"
    made = [await fresh_database(pg_server_url, app_role=None) for _ in range(2)]
    try:
        runtimes = [
            runtime_for(
                load_settings(
                    environ={},
                    var_dir=str(tmp_path / f"v{i}"),
                    secret_key="m" * 40,
                    database_url=with_parts(owner, user=role),
                    database_owner_url=owner,
                    database_app_role=role,
                )
            )
            for i, (owner, _app, _drop) in enumerate(made)
        ]
        logs = await asyncio.gather(*(migrate(r) for r in runtimes))
        assert sum(f"created role {role}" in log for log in logs) == 1  # the other found it made
        conn = await asyncpg.connect(pg_server_url)
        try:
            attrs = await conn.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                "FROM pg_roles WHERE rolname = $1",
                role,
            )
        finally:
            await conn.close()
        assert dict(attrs) == {
            "rolcanlogin": True,
            "rolsuper": False,
            "rolbypassrls": False,
            "rolcreaterole": False,
            "rolcreatedb": False,
        }
        # The new role can work in both databases, inside a tenant transaction.
        for runtime in runtimes:
            app = await asyncpg.connect(runtime.settings.database_url)
            try:
                async with app.transaction():
                    await app.execute("SELECT set_config('app.tenant_id', '1', true)")
                    assert await app.fetchval("SELECT count(*) FROM person") == 0
            finally:
                await app.close()
    finally:
        for _owner, _app, drop in made:
            await drop()
        await drop_role(pg_server_url, role)
