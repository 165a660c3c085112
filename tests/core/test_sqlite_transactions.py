"""piccolo's SQLite transaction skipped closing its connection and resetting its contextvar when
COMMIT raised, leaving a stale transaction in the task (the next "nested" transaction ran on a
dead connection: aiosqlite's "no active connection"). SafeSQLiteEngine must not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.db.engine import SafeSQLiteEngine, make_engine, write_transaction
from core.settings import load_settings

SCHEMA = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
    "INSERT INTO parent VALUES (1), (2), (3)",
    "CREATE TABLE probe (id INTEGER, parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
]


async def _engine(tmp_path: Path) -> SafeSQLiteEngine:
    engine = make_engine(load_settings(environ={}, var_dir=str(tmp_path), secret_key="s" * 40))
    assert isinstance(engine, SafeSQLiteEngine)
    for sql in SCHEMA:
        await engine.run_ddl(sql)
    return engine


async def _count(engine: SafeSQLiteEngine) -> int:
    return int((await engine.run_ddl("SELECT count(*) AS n FROM probe"))[0]["n"])


async def test_a_commit_that_fails_leaves_no_stale_transaction(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)
    for _ in range(3):  # more than once: each failure must clean up after itself
        with pytest.raises(Exception, match="FOREIGN KEY"):
            async with write_transaction(engine):
                await engine.run_ddl("INSERT INTO probe VALUES (1, 42)")  # checked only at COMMIT
        assert engine.current_transaction.get() is None
    # The next transaction is a real one: a rolled-back block leaves nothing behind...
    with pytest.raises(RuntimeError):
        async with write_transaction(engine):
            await engine.run_ddl("INSERT INTO probe VALUES (2, 1)")
            raise RuntimeError("roll back")
    assert await _count(engine) == 0
    # ...and a committed one lands.
    async with write_transaction(engine):
        await engine.run_ddl("INSERT INTO probe VALUES (3, 1)")
    assert await _count(engine) == 1


async def test_mixed_reads_and_writes_with_failing_commits_never_lose_a_connection(tmp_path: Path) -> None:
    engine = await _engine(tmp_path)

    async def writer(i: int) -> str:
        try:
            async with write_transaction(engine):
                # every third commit fails on its deferred reference
                await engine.run_ddl(f"INSERT INTO probe VALUES ({i}, {42 if i % 3 == 0 else 1})")
                await engine.run_ddl("SELECT count(*) FROM probe")
        except Exception as exc:
            return type(exc).__name__
        return "ok"

    async def reader() -> str:
        await _count(engine)
        return "read"

    results = await asyncio.gather(*(writer(i) if i % 2 else reader() for i in range(60)))
    writers = [r for i, r in enumerate(results) if i % 2]
    assert "ValueError" not in results  # aiosqlite's "no active connection"
    assert writers.count("ok") == sum(1 for i in range(60) if i % 2 and i % 3 != 0)
    assert await _count(engine) == writers.count("ok")
