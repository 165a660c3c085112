"""Events through the outbox, the dispatcher and real workers, with the broker's faults injected."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from pathlib import Path
from typing import Any

import lp_ledger
import pytest

from core.events.tables import EventDelivery, OutboxEvent
from core.jobs.embedded_redis import EmbeddedRedis
from core.jobs.queue import current_queue
from core.jobs.scheduler import tick
from core.jobs.tables import ScheduleSlot
from core.plugins.types import Schedule
from core.testing.jobs import WorkerProcess, broker_kinds, fresh_broker, settings_env, wait_until

PLUGINS = ["ledger", "flaky"]
MODULES = ["lp_ledger", "lp_flaky"]
CASE = {"type": "public_facility", "title": "楼道灯坏了", "description": "8栋2单元"}


async def setup(make_linli: Any, broker_url: str) -> Any:
    h = await make_linli(plugins=PLUGINS, extra_modules=MODULES, broker_url=broker_url)
    await h.office()
    for slug in ("east", "west"):
        await h.community(slug)
        for plugin in PLUGINS:
            await h.enable(slug, plugin)
    return h


def start_worker(h: Any, tmp_path: Path, started: list[WorkerProcess]) -> WorkerProcess:
    env = settings_env(h.runtime.settings, PLUGINS, MODULES)
    w = WorkerProcess(env, tmp_path / f"worker{len(started)}.log").start()
    started.append(w)
    return w


@pytest.fixture
def workers() -> Any:
    started: list[WorkerProcess] = []
    yield started
    for w in started:
        w.stop()


async def ledger_events(h: Any, community: str) -> list[str]:
    async with h.tenant(community):
        rows = await lp_ledger.LedgerEntry.select().where(lp_ledger.LedgerEntry.source == "event").run()
    return [r["detail"] for r in rows]


async def deliveries(h: Any, community: str, plugin: str) -> list[dict[str, Any]]:
    async with h.tenant(community):
        return await EventDelivery.select().where(EventDelivery.plugin_id == plugin).run()


@pytest.mark.parametrize("kind", broker_kinds())
async def test_a_raising_plugin_never_stops_the_others_and_ends_dead(
    make_linli: Any, kind: str, tmp_path: Path, workers: Any
) -> None:
    h = await setup(make_linli, fresh_broker(kind))
    start_worker(h, tmp_path, workers)
    staff = await h.as_role("community_admin", "east")
    r = await staff.post("/api/v1/c/east/cases", json=CASE)
    assert r.status_code == 201, r.text
    # delivered by the dispatcher the commit woke: no sweep, no test hook
    assert await wait_until(lambda: ledger_events(h, "east"), what="ledger's event") == ["case.reported"]
    assert await ledger_events(h, "west") == []

    async def flaky_dead() -> Any:
        rows = await deliveries(h, "east", "flaky")
        return rows if rows and rows[0]["status"] == "dead" else None

    dead = await wait_until(flaky_dead, timeout=60, what="flaky's delivery to die")
    assert dead[0]["attempts"] == 5 and "failed on purpose" in dead[0]["last_error"]
    assert [d["status"] for d in await deliveries(h, "east", "ledger")] == ["delivered"]

    # An operator retries the dead delivery: it is tried again (and dies again), ledger untouched.
    r = await staff.post(f"/api/v1/c/east/events/deliveries/{dead[0]['id']}/retry")
    assert r.status_code == 200, r.text
    retried_at = dt.datetime.now(dt.UTC)

    async def attempted_again() -> bool:
        row = (await deliveries(h, "east", "flaky"))[0]
        at = row["updated_at"] if row["updated_at"].tzinfo else row["updated_at"].replace(tzinfo=dt.UTC)
        return row["attempts"] >= 1 and row["last_error"] != "" and at > retried_at

    await wait_until(attempted_again, timeout=30, what="the retried delivery's next attempt")
    assert await ledger_events(h, "east") == ["case.reported"]  # ledger got it once, no more


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_with_the_broker_down_writes_succeed_and_events_wait(
    make_linli: Any, tmp_path: Path, workers: Any
) -> None:
    redis = EmbeddedRedis(port=free_port())
    url = redis.start(tmp_path / "broker")
    try:
        h = await setup(make_linli, url)
        redis.stop()  # the broker goes away
        staff = await h.as_role("community_admin", "east")
        for n in range(3):
            r = await staff.post("/api/v1/c/east/cases", json={**CASE, "title": f"灯{n}"})
            assert r.status_code == 201, r.text  # the request does not care
        async with h.tenant("east"):
            waiting = await OutboxEvent.count().where(OutboxEvent.dispatched_at.is_null()).run()
        assert waiting == 3

        redis.start(tmp_path / "broker")  # back, same place
        start_worker(h, tmp_path, workers)
        await current_queue().send("core.events.sweep", {}, tenant=None)
        got = await wait_until(lambda: _has(h, 3), timeout=40, what="the three events")
        assert got == ["case.reported"] * 3
        async with h.tenant("east"):
            assert await OutboxEvent.count().where(OutboxEvent.dispatched_at.is_null()).run() == 0
    finally:
        for w in workers:  # before their broker goes
            w.stop()
        redis.stop()


async def _has(h: Any, n: int) -> list[str] | None:
    got = await ledger_events(h, "east")
    return got if len(got) >= n else None


async def test_two_schedulers_fire_each_slot_once(make_linli: Any) -> None:
    h = await make_linli(plugins=[], broker_url=fresh_broker("redis"))
    schedules = [
        Schedule(name="t.sweep", cron="* * * * *", actor_name="core.events.sweep", per_tenant=False),
        Schedule(name="t.prune", cron="*/5 * * * *", actor_name="core.jobs.prune_receipts", per_tenant=False),
    ]
    now = dt.datetime(2026, 11, 30, 1, 7, 30, tzinfo=dt.UTC)
    fired = await asyncio.gather(*[tick(h.runtime, current_queue(), schedules, now) for _ in range(4)])
    assert sorted(name for names in fired for name in names) == ["t.prune", "t.sweep"]
    # the next minute: only the every-minute schedule has a new slot
    fired = await tick(h.runtime, current_queue(), schedules, now + dt.timedelta(minutes=1))
    assert fired == ["t.sweep"]
    async with h.transaction():
        slots = {r["name"]: r["last_fired_at"] for r in await ScheduleSlot.select().run()}
    assert slots["t.prune"].replace(tzinfo=dt.UTC) == dt.datetime(2026, 11, 30, 1, 5, tzinfo=dt.UTC)


async def test_a_batch_delivers_its_mates_and_leaves_a_failing_one_to_its_own_message(
    make_linli: Any,
) -> None:
    from core.events import delivery
    from core.events.outbox import emit
    from core.tenancy.context import tenant_scope

    h = await make_linli(plugins=["ledger"], extra_modules=["lp_ledger"])
    await h.community("east", plugins=["ledger"])
    tenant = await h.runtime.tenants.by_slug("east")
    async with h.tenant("east"):
        for i in range(4):
            await emit("ledger.batch", {"i": i, "fail": i == 1})
    with tenant_scope(tenant):
        pairs = await delivery.prepare(h.runtime.engine, h.runtime.registry, tenant)
        ids = [event_id for event_id, _ in pairs]
        run = lambda event_id: delivery.deliver(  # noqa: E731
            h.runtime.engine, h.runtime.registry, tenant, event_id, "ledger"
        )

        assert await run(ids[0]) == "delivered"  # and, in the same transaction, ids[2] and ids[3]
        rows = {r["event_id"]: r for r in await deliveries(h, "east", "ledger")}
        assert [rows[i]["status"] for i in ids] == ["delivered", "pending", "delivered", "delivered"]
        assert rows[ids[1]]["attempts"] == 0 and rows[ids[1]]["last_error"] == ""
        assert len(await ledger_events(h, "east")) == 3  # the failing mate's write was rolled back

        assert await run(ids[2]) == "skipped"  # its own message: already delivered in the batch
        assert await run(ids[1]) == "failed"  # its own message takes the normal retry path
        rows = {r["event_id"]: r for r in await deliveries(h, "east", "ledger")}
        assert rows[ids[1]]["attempts"] == 1 and "on purpose" in rows[ids[1]]["last_error"]
        assert len(await ledger_events(h, "east")) == 3


async def test_a_bulk_emit_larger_than_one_statement_is_recorded_whole(make_linli: Any) -> None:
    # 5,000 events x 7 columns is over PostgreSQL's 32,767 bind parameters for one INSERT.
    from core.events import delivery
    from core.events.outbox import emit_many
    from core.plugins.types import Event
    from core.tenancy.context import tenant_scope

    h = await make_linli(plugins=["ledger"], extra_modules=["lp_ledger"])
    await h.community("east", plugins=["ledger"])
    tenant = await h.runtime.tenants.by_slug("east")
    async with h.tenant("east"):
        await emit_many(
            [
                Event(type="ledger.bulk", community_id=tenant.community_id, payload={"i": i})
                for i in range(5000)
            ]
        )
    async with h.tenant("east"):
        assert await OutboxEvent.count().run() == 5000
    with tenant_scope(tenant):
        pairs = await delivery.prepare(h.runtime.engine, h.runtime.registry, tenant, limit=5000)
    assert len(pairs) == 5000
