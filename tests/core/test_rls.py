"""PostgreSQL's second wall and the transaction pitfalls, against the real server.

These run in the PostgreSQL pass (LINLI_TEST_DB=postgres), each on a fresh database.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from core.db.engine import SafePostgresEngine
from core.events.tables import OutboxEvent
from core.tenancy.context import tenant_scope
from core.testing.pytest_plugin import database_kind

pytestmark = pytest.mark.skipif(
    database_kind() != "postgres", reason="PostgreSQL pass only (LINLI_TEST_DB=postgres)"
)


@pytest.fixture
async def two(make_linli):
    h = await make_linli(db_pool_min=1, db_pool_max=1)
    await h.community("comm-a")
    await h.community("comm-b")
    a = await h.runtime.tenants.by_slug("comm-a")
    b = await h.runtime.tenants.by_slug("comm-b")
    for tenant, label in ((a, "a"), (b, "b")):
        with tenant_scope(tenant):
            async with h.runtime.engine.transaction():
                await OutboxEvent.insert(
                    OutboxEvent(
                        event_id=f"e-{label}",
                        type="t",
                        payload={},
                        occurred_at=__import__("datetime").datetime.now(),
                    )
                ).run()
    return h, a, b


async def _setting(engine) -> str:
    rows = await engine.run_ddl("SELECT current_setting('app.tenant_id', true) AS t")
    return rows[0]["t"]


async def test_a_tenant_sees_only_its_rows_and_no_tenant_sees_none(two):
    h, a, _b = two
    engine = h.runtime.engine
    with tenant_scope(a):
        async with engine.transaction():
            assert [r["event_id"] for r in await OutboxEvent.select().run()] == ["e-a"]
            # Even a query that drops the first wall's filter sees only this tenant.
            rows = await engine.run_ddl("SELECT event_id FROM outbox_event")
            assert [r["event_id"] for r in rows] == ["e-a"]
    rows = await engine.run_ddl("SELECT count(*) AS n FROM outbox_event")  # no transaction, no tenant
    assert rows[0]["n"] == 0


async def test_a_pooled_connection_never_carries_a_tenant_on(two):
    h, a, b = two
    engine = h.runtime.engine  # pool of one connection: every step reuses it
    with tenant_scope(a):
        async with engine.transaction():
            assert await _setting(engine) == str(a.community_id)
    with tenant_scope(b):
        async with engine.transaction():
            assert await _setting(engine) == str(b.community_id)
            rows = await engine.run_ddl("SELECT event_id FROM outbox_event")
            assert [r["event_id"] for r in rows] == ["e-b"]
    async with engine.transaction():
        assert await _setting(engine) == ""
    assert await _setting(engine) == ""


async def test_with_check_refuses_writing_into_another_community(two):
    h, a, b = two
    engine = h.runtime.engine
    with tenant_scope(a), pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with engine.transaction():
            await engine.run_ddl(
                "INSERT INTO outbox_event (community_id, event_id, type, payload, occurred_at) "
                f"VALUES ({b.community_id}, 'forged', 't', '{{}}', now())"
            )


async def test_audit_log_is_append_only_for_the_app_role(two):
    h, _a, _ = two
    engine = h.runtime.engine
    await engine.run_ddl(
        "INSERT INTO audit_entry (at, action, subject, purpose, detail) VALUES (now(), 'x', '', '', '{}')"
    )
    for sql in ("UPDATE audit_entry SET action = 'y'", "DELETE FROM audit_entry"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await engine.run_ddl(sql)


async def test_the_app_refuses_a_superuser_connection(two):
    from core.db.migrate import check_app_role
    from core.errors import ConfigError

    h, _, _ = two
    owner = SafePostgresEngine(config={"dsn": h.runtime.settings.owner_url}, extensions=())
    with pytest.raises(ConfigError, match="superuser"):
        await check_app_role(owner)


async def test_failed_commits_neither_leak_connections_nor_break_atomicity(two):
    """piccolo 1.38 leaked a pooled connection when COMMIT raised; ours must not (pool of 1)."""
    h, _a, _ = two
    engine = h.runtime.engine
    owner = await asyncpg.connect(h.runtime.settings.owner_url)
    await owner.execute(
        "CREATE TABLE deferred_probe (id int, CONSTRAINT one UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    await owner.execute("GRANT SELECT, INSERT ON deferred_probe TO linli_app")
    await owner.execute("INSERT INTO deferred_probe VALUES (1)")
    await owner.close()
    for _ in range(3):  # pool size + 2
        with pytest.raises(asyncpg.UniqueViolationError):
            async with engine.transaction():
                await engine.run_ddl("INSERT INTO deferred_probe VALUES (1)")  # fails only at COMMIT
    # Liveness: the single pooled connection came back.
    rows = await asyncio.wait_for(engine.run_ddl("SELECT count(*) AS n FROM deferred_probe"), 5)
    assert rows[0]["n"] == 1  # and nothing of the failed transactions persisted
    # Atomicity: the next transaction in this task is a real one, not a stale nested no-op.
    with pytest.raises(RuntimeError):
        async with engine.transaction():
            await engine.run_ddl("INSERT INTO deferred_probe VALUES (2)")
            raise RuntimeError("roll back")
    rows = await engine.run_ddl("SELECT count(*) AS n FROM deferred_probe")
    assert rows[0]["n"] == 1
