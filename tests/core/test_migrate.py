"""`linli migrate`: all or nothing, idempotent, safe when two processes start at once."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from piccolo.conf.apps import AppConfig

from core.db.migrate import MigrationFailed, migrate
from core.plugins.registry import load_plugins
from core.runtime import build_runtime
from core.settings import load_settings
from core.testing.pytest_plugin import database_kind


@pytest.fixture
async def settings_factory(tmp_path, request):
    drops = []

    async def make(name: str = "db"):
        base = {"var_dir": str(tmp_path / name), "secret_key": "m" * 40}
        if database_kind() == "postgres":
            from core.testing.postgres import fresh_database

            owner, app, drop = await fresh_database(request.getfixturevalue("pg_server_url"))
            drops.append(drop)
            base.update(database_url=app, database_owner_url=owner)
        return load_settings(environ={}, **base)

    yield make
    for drop in drops:
        await drop()


def runtime_for(settings, extra_apps=()):
    runtime = build_runtime(settings, registry=load_plugins([], include_entry_points=False))
    runtime.apps.extend(extra_apps)
    return runtime


async def table_names(runtime) -> set[str]:
    from core.db.engine import make_engine, start_engine, stop_engine

    engine = make_engine(runtime.settings, owner=True)
    await start_engine(engine, runtime.settings)
    try:
        if runtime.settings.dialect == "postgres":
            rows = await engine.run_ddl("SELECT tablename AS name FROM pg_tables WHERE schemaname='public'")
        else:
            rows = await engine.run_ddl("SELECT name FROM sqlite_master WHERE type='table'")
        return {r["name"] for r in rows}
    finally:
        await stop_engine(engine)


async def test_migrate_creates_everything_and_is_idempotent(settings_factory):
    runtime = runtime_for(await settings_factory())
    log = await migrate(runtime)
    applied_apps = list(dict.fromkeys(line.split()[1] for line in log if line.startswith("applied")))
    assert applied_apps == [app.app_name for app in runtime.apps]  # core's apps first, in order
    names = await table_names(runtime)
    assert {"community", "person", "residency", "grid", "outbox_event"} <= names
    again = await migrate(runtime)
    assert not [line for line in again if line.startswith("applied")]


async def test_two_processes_migrating_at_once_both_succeed(settings_factory):
    settings = await settings_factory()
    first, second = runtime_for(settings), runtime_for(settings)
    logs = await asyncio.gather(migrate(first), migrate(second))
    applied = [line for log in logs for line in log if line.startswith("applied core")]
    assert len(applied) == 1  # one of them did the work, the other found it done


def broken_app(folder: Path) -> AppConfig:
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "brk_2026_01_01t00_00_00_000000.py").write_text(
        textwrap.dedent("""
        from piccolo.apps.migrations.auto.migration_manager import MigrationManager
        ID = "2026-01-01T00:00:00:000000"
        async def forwards():
            manager = MigrationManager(migration_id=ID, app_name="brk")
            async def run():
                from piccolo.engine import engine_finder
                await engine_finder().run_ddl("CREATE TABLE brk_first (id integer)")
            manager.add_raw(run)
            return manager
    """)
    )
    (folder / "brk_2026_01_02t00_00_00_000000.py").write_text(
        textwrap.dedent("""
        ID = "2026-01-02T00:00:00:000000"
        async def forwards():
            raise RuntimeError("this migration is broken on purpose")
    """)
    )
    return AppConfig(app_name="brk", migrations_folder_path=str(folder), table_classes=[])


async def test_a_failing_migration_leaves_nothing_of_the_run_applied(settings_factory, tmp_path):
    runtime = runtime_for(await settings_factory(), [broken_app(tmp_path / "brk_migrations")])
    with pytest.raises(MigrationFailed, match="broken on purpose"):
        await migrate(runtime)
    names = await table_names(runtime)
    assert "brk_first" not in names and "community" not in names
