"""The piccolo pitfall, against the real server: a COMMIT that raises must neither leak the pooled
connection nor leave a stale transaction behind (piccolo 1.38's own PostgresTransaction does both;
core.db.engine.SafePostgresTransaction must not)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from piccolo.columns import Integer
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from core.db.engine import SafePostgresEngine
from core.tenancy.context import Tenant, tenant_scope

pytestmark = pytest.mark.postgres

POOL_SIZE = 2

# A COMMIT fails when a deferred constraint is violated: a duplicate of an existing id, or a
# child row naming a missing parent. Both are only checked at COMMIT.
CONSTRAINTS = {
    "unique": (
        [
            "CREATE TABLE probe (id int, CONSTRAINT probe_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)",
            "INSERT INTO probe VALUES (1)",
        ],
        1,  # the id whose insert fails at COMMIT
    ),
    "foreign key": (
        [
            "CREATE TABLE parent (id int PRIMARY KEY)",
            "INSERT INTO parent VALUES (1), (2), (3)",
            "CREATE TABLE probe (id int, CONSTRAINT probe_parent FOREIGN KEY (id) REFERENCES parent (id) "
            "DEFERRABLE INITIALLY DEFERRED)",
            "INSERT INTO probe VALUES (1)",
            "GRANT SELECT, REFERENCES ON parent TO linli_app",
        ],
        42,
    ),
}


class Probe(Table, tablename="probe"):
    id = Integer(primary_key=True)  # type: ignore[assignment]


@pytest.fixture(params=list(CONSTRAINTS))
async def setup(
    request: pytest.FixtureRequest, pg_database: tuple[str, str]
) -> AsyncIterator[dict[str, Any]]:
    owner_url, app_url = pg_database
    statements, bad_id = CONSTRAINTS[request.param]
    owner = await asyncpg.connect(owner_url)
    try:
        for sql in statements:
            await owner.execute(sql)
        await owner.execute("GRANT SELECT, INSERT ON probe TO linli_app")
    finally:
        await owner.close()
    # The app role, as in production; a small pool so a leaked connection would show at once.
    engine = SafePostgresEngine(config={"dsn": app_url}, extensions=())
    await engine.start_connection_pool(min_size=1, max_size=POOL_SIZE)
    Probe._meta.db = engine
    try:
        yield {"engine": engine, "bad_id": bad_id, "owner_url": owner_url}
    finally:
        try:  # a leaked connection would make a graceful close wait forever
            await asyncio.wait_for(engine.close_connection_pool(), 5)
        except TimeoutError:
            assert engine.pool is not None
            engine.pool.terminate()


async def persisted_ids(owner_url: str) -> list[int]:
    conn = await asyncpg.connect(owner_url)
    try:
        return [r["id"] for r in await conn.fetch("SELECT id FROM probe ORDER BY id")]
    finally:
        await conn.close()


async def test_failed_commits_neither_leak_connections_nor_break_atomicity(setup):
    engine: SafePostgresEngine = setup["engine"]
    tenant = Tenant(community_id=7, slug="c", name="c", office_id=1, office_slug="o")
    for attempt in range(POOL_SIZE + 1):
        # With and without a tenant: the tenant's BEGIN; set_config must not change a thing.
        with (
            pytest.raises(asyncpg.IntegrityConstraintViolationError),
            tenant_scope(tenant if attempt % 2 else None),
        ):
            async with engine.transaction():
                await Probe.insert(Probe(id=setup["bad_id"])).run()  # accepted now, refused at COMMIT
        assert engine.current_transaction.get() is None  # no stale transaction in this task
    # Liveness: every pooled connection came back, and a query returns.
    assert engine.pool is not None and engine.pool.get_idle_size() == engine.pool.get_size()
    rows = await asyncio.wait_for(Probe.select(Probe.id).run(), 5)
    assert [r["id"] for r in rows] == [1]
    assert await persisted_ids(setup["owner_url"]) == [1]  # nothing of the failed transactions

    # Atomicity: the next transaction in this same task is a real one, not a nested no-op.
    with pytest.raises(RuntimeError):
        async with engine.transaction() as tx:
            assert tx._parent is None
            await Probe.insert(Probe(id=2)).run()
            raise RuntimeError("roll back")
    assert await persisted_ids(setup["owner_url"]) == [1]
    async with engine.transaction():
        await Probe.insert(Probe(id=3)).run()
        # In a transaction: another connection does not see it yet.
        assert await persisted_ids(setup["owner_url"]) == [1]
    assert await persisted_ids(setup["owner_url"]) == [1, 3]
    # And the tenant setting never outlived its transaction on any pooled connection.
    for _ in range(POOL_SIZE):
        rows = await engine.run_ddl("SELECT current_setting('app.tenant_id', true) AS t")
        assert rows[0]["t"] == ""


async def test_stock_piccolo_still_needs_the_fix(pg_database):
    """A canary: piccolo's own engine leaks the connection when COMMIT fails. When this test
    fails after a piccolo upgrade, the fix in core.db.engine may no longer be needed."""
    owner_url, app_url = pg_database
    owner = await asyncpg.connect(owner_url)
    try:
        await owner.execute(
            "CREATE TABLE probe (id int, CONSTRAINT probe_once UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        await owner.execute("INSERT INTO probe VALUES (1)")
        await owner.execute("GRANT SELECT, INSERT ON probe TO linli_app")
    finally:
        await owner.close()
    engine = PostgresEngine(config={"dsn": app_url}, extensions=())
    await engine.start_connection_pool(min_size=1, max_size=1)
    try:

        async def fail_once() -> None:
            with pytest.raises(asyncpg.UniqueViolationError):
                async with engine.transaction():
                    await engine.run_ddl("INSERT INTO probe VALUES (1)")

        await asyncio.create_task(fail_once())  # its own task, so its stale contextvar stays there
        assert engine.pool is not None and engine.pool.get_idle_size() == 0  # leaked
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(engine.run_ddl("SELECT 1"), 1)  # the pool of one is exhausted
    finally:
        assert engine.pool is not None
        engine.pool.terminate()
