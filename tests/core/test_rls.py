"""PostgreSQL's second wall, against the real server: each test on a fresh, migrated database,
the app connecting as the non-owner role through SafePostgresEngine with a pool of ONE
connection (so every step below reuses the same server session)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from piccolo.engine.base import Engine

from core.db import rls
from core.db.engine import SafePostgresEngine, start_engine, stop_engine
from core.db.migrate import check_app_role, migrate
from core.db.tenant import tenant_tables
from core.events.tables import OutboxEvent
from core.plugins.registry import load_plugins
from core.runtime import Runtime, build_runtime
from core.settings import load_settings
from core.tenancy.context import Tenant, tenant_scope
from core.testing.postgres import drop_role

pytestmark = pytest.mark.postgres


@dataclass
class World:
    runtime: Runtime
    engine: Engine  # the app role's engine, pool of one
    a: Tenant
    b: Tenant
    owner_url: str
    app_url: str


@pytest.fixture
async def world(pg_database: tuple[str, str], tmp_path: Path) -> AsyncIterator[World]:
    owner_url, app_url = pg_database
    settings = load_settings(
        environ={},
        var_dir=str(tmp_path / "var"),
        secret_key="r" * 40,
        database_url=app_url,
        database_owner_url=owner_url,
        db_pool_min=1,
        db_pool_max=1,
    )
    runtime = build_runtime(settings, registry=load_plugins([], include_entry_points=False))
    await migrate(runtime)
    owner = await asyncpg.connect(owner_url)
    try:
        office = await owner.fetchval(
            "INSERT INTO street_office (slug, name, name_en, archived, created_at) "
            "VALUES ('office', '街道', '', false, now()) RETURNING id"
        )
        ids = [
            await owner.fetchval(
                "INSERT INTO community (slug, office, name, name_en, address, residents_estimate, "
                "households_estimate, archived, created_at) "
                "VALUES ($1, $2, $1, '', '', 0, 0, false, now()) RETURNING id",
                slug,
                office,
            )
            for slug in ("comm-a", "comm-b")
        ]
    finally:
        await owner.close()
    a, b = (
        Tenant(community_id=i, slug=s, name=s, office_id=office, office_slug="office")
        for i, s in zip(ids, ("comm-a", "comm-b"), strict=True)
    )
    engine = runtime.engine
    await start_engine(engine, settings)
    try:
        await check_app_role(engine)  # the app role is fit to serve
        for tenant in (a, b):
            with tenant_scope(tenant):
                async with engine.transaction():
                    await OutboxEvent.insert(
                        OutboxEvent(
                            event_id=f"e-{tenant.slug}",
                            type="t",
                            payload={},
                            occurred_at=dt.datetime.now(dt.UTC),
                        )
                    ).run()
        yield World(runtime, engine, a, b, owner_url, app_url)
    finally:
        await stop_engine(engine)


async def setting(engine: Engine) -> str:
    rows = await engine.run_ddl("SELECT current_setting('app.tenant_id', true) AS t")
    return rows[0]["t"]


async def event_ids(engine: Engine) -> list[str]:
    """Every row the connection can see, with no first-wall filter at all."""
    return [r["event_id"] for r in await engine.run_ddl("SELECT event_id FROM outbox_event ORDER BY id")]


async def test_migrate_secures_every_tenant_table(world):
    owner = SafePostgresEngine(config={"dsn": world.owner_url}, extensions=())
    assert await rls.check_policies(owner, tenant_tables(world.runtime.tables)) == []
    roles = await owner.run_ddl(
        "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'linli_app'"
    )
    assert dict(roles[0]) == {"rolsuper": False, "rolbypassrls": False, "rolcanlogin": True}


async def test_check_policies_reports_a_table_left_open(world):
    owner = await asyncpg.connect(world.owner_url)
    try:
        await owner.execute("ALTER TABLE person NO FORCE ROW LEVEL SECURITY")
        await owner.execute(f"DROP POLICY {rls.POLICY} ON grid")
        await owner.execute("ALTER TABLE case_note DISABLE ROW LEVEL SECURITY")
    finally:
        await owner.close()
    engine = SafePostgresEngine(config={"dsn": world.owner_url}, extensions=())
    problems = await rls.check_policies(engine, tenant_tables(world.runtime.tables))
    assert sorted(problems) == [
        "case_note: row-level security not enabled",
        f"grid: no {rls.POLICY} policy",
        "person: row-level security not forced (the owner would bypass it)",
    ]
    # The next migrate repairs exactly that.
    log = await migrate(world.runtime)
    assert sorted(log) == ["RLS enabled on case_note", "RLS forced on person", "RLS policy on grid"]
    assert await rls.check_policies(engine, tenant_tables(world.runtime.tables)) == []


async def test_a_tenant_sees_only_its_rows_and_no_tenant_sees_none(world):
    engine = world.engine
    with tenant_scope(world.a):
        async with engine.transaction():
            assert [r["event_id"] for r in await OutboxEvent.select().run()] == ["e-comm-a"]
            assert await event_ids(engine) == ["e-comm-a"]  # even without the first wall's filter
    async with engine.transaction():  # a transaction with no tenant
        assert await event_ids(engine) == []
    assert await event_ids(engine) == []  # no transaction, no tenant
    assert (await engine.run_ddl("SELECT count(*) AS n FROM person"))[0]["n"] == 0


async def test_a_pooled_connection_never_carries_a_tenant_on(world):
    engine = world.engine  # pool of one: every step reuses the same connection
    backend = {(await engine.run_ddl("SELECT pg_backend_pid() AS p"))[0]["p"]}
    for tenant in (world.a, world.b):
        with tenant_scope(tenant):
            async with engine.transaction():
                assert await setting(engine) == str(tenant.community_id)
                assert await event_ids(engine) == [f"e-{tenant.slug}"]
                backend.add((await engine.run_ddl("SELECT pg_backend_pid() AS p"))[0]["p"])
        assert await setting(engine) == ""  # transaction-local: gone at COMMIT
    with pytest.raises(RuntimeError), tenant_scope(world.a):
        async with engine.transaction():
            raise RuntimeError("rolled back")
    assert await setting(engine) == ""  # ... and at ROLLBACK
    async with engine.transaction():
        assert await setting(engine) == ""
        assert await event_ids(engine) == []
    assert len(backend) == 1  # it really was one connection throughout


async def test_with_check_refuses_a_row_for_another_community(world):
    # Past the first wall: raw asyncpg, as the app role, on a connection set to tenant A.
    conn = await asyncpg.connect(world.app_url)
    try:
        async with conn.transaction():
            await conn.execute(f"SELECT set_config('app.tenant_id', '{world.a.community_id}', true)")
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                async with conn.transaction():  # savepoint
                    await conn.execute(
                        "INSERT INTO outbox_event (community_id, event_id, type, payload, occurred_at) "
                        "VALUES ($1, 'forged', 't', '{}', now())",
                        world.b.community_id,
                    )
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                async with conn.transaction():
                    await conn.execute("UPDATE outbox_event SET community_id = $1", world.b.community_id)
            # B's row is invisible, so it can be neither changed nor deleted.
            assert (
                await conn.execute("UPDATE outbox_event SET type = 'x' WHERE event_id = 'e-comm-b'")
                == "UPDATE 0"
            )
            assert await conn.execute("DELETE FROM outbox_event WHERE event_id = 'e-comm-b'") == "DELETE 0"
            # Its own community: fine.
            await conn.execute(
                "INSERT INTO outbox_event (community_id, event_id, type, payload, occurred_at) "
                "VALUES ($1, 'own', 't', '{}', now())",
                world.a.community_id,
            )
        # No tenant at all: nothing may be written.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(
                "INSERT INTO outbox_event (community_id, event_id, type, payload, occurred_at) "
                "VALUES ($1, 'none', 't', '{}', now())",
                world.a.community_id,
            )
    finally:
        await conn.close()
    owner = await asyncpg.connect(world.owner_url)
    try:
        rows = await owner.fetch("SELECT event_id, community_id FROM outbox_event ORDER BY id")
    finally:
        await owner.close()
    assert [(r["event_id"], r["community_id"]) for r in rows] == [
        ("e-comm-a", world.a.community_id),
        ("e-comm-b", world.b.community_id),
        ("own", world.a.community_id),
    ]


async def test_a_tenant_row_must_name_an_existing_community(world):
    conn = await asyncpg.connect(world.app_url)
    try:
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', '999999', true)")
            with pytest.raises(asyncpg.ForeignKeyViolationError):
                await conn.execute(
                    "INSERT INTO outbox_event (community_id, event_id, type, payload, occurred_at) "
                    "VALUES (999999, 'ghost', 't', '{}', now())"
                )
    finally:
        await conn.close()


async def test_the_audit_log_is_append_only_for_the_app_role(world):
    engine = world.engine
    await engine.run_ddl(
        "INSERT INTO audit_entry (at, action, subject, purpose, detail) VALUES (now(), 'x', '', '', '{}')"
    )
    assert (await engine.run_ddl("SELECT count(*) AS n FROM audit_entry"))[0]["n"] == 1
    for sql in ("UPDATE audit_entry SET action = 'y'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await engine.run_ddl(sql)
    assert (await engine.run_ddl("SELECT action FROM audit_entry"))[0]["action"] == "x"


async def test_the_app_refuses_a_superuser_connection(world):
    from core.errors import ConfigError

    owner = SafePostgresEngine(config={"dsn": world.owner_url}, extensions=())
    with pytest.raises(ConfigError, match="'postgres', a superuser"):
        await check_app_role(owner)


async def test_the_app_refuses_a_bypassrls_role(world, pg_server_url):
    from core.errors import ConfigError

    role = f"linli_bypass_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_server_url)
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN BYPASSRLS')
        engine = SafePostgresEngine(
            config={"dsn": world.app_url.replace("linli_app@", f"{role}@")}, extensions=()
        )
        with pytest.raises(ConfigError, match="a BYPASSRLS role"):
            await check_app_role(engine)
    finally:
        await admin.close()
        await drop_role(pg_server_url, role)


async def test_the_app_refuses_a_role_owning_the_tables(world):
    from core.errors import ConfigError

    owner = await asyncpg.connect(world.owner_url)
    try:
        await owner.execute("ALTER TABLE person OWNER TO linli_app")
    finally:
        await owner.close()
    with pytest.raises(ConfigError, match=r"owns tables \(person\)"):
        await check_app_role(world.engine)
