"""Jobs on real brokers (this machine's Redis and RabbitMQ) with real worker processes.

Every guarantee of docs/jobs.md is shown by injecting its fault: a worker SIGKILLed mid-job,
a message delivered twice, a job that always fails, a tenant job sent with no tenant.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import lp_ledger
import pytest

from core.errors import NoTenantError
from core.jobs.queue import current_queue
from core.jobs.tables import DeadJob, JobReceipt
from core.testing.jobs import WorkerProcess, broker_kinds, fresh_broker, settings_env, wait_until


@pytest.fixture(params=broker_kinds())
def broker_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def linli(make_linli: Any, broker_kind: str) -> Any:
    h = await make_linli(
        plugins=["ledger"],
        extra_modules=["lp_ledger"],
        broker_url=fresh_broker(broker_kind),
        job_heartbeat_seconds=3,
    )
    await h.office()
    for slug in ("east", "west"):
        await h.community(slug)
        await h.enable(slug, "ledger")
    return h


@pytest.fixture
def worker(linli: Any, tmp_path: Path) -> Any:
    workers: list[WorkerProcess] = []

    def start(**kwargs: Any) -> WorkerProcess:
        env = settings_env(linli.runtime.settings, ["ledger"], ["lp_ledger"])
        w = WorkerProcess(env, tmp_path / f"worker{len(workers)}.log", **kwargs).start()
        workers.append(w)
        return w

    yield start
    for w in workers:
        w.stop()


async def entries(linli: Any, community: str, key: str | None = None, source: str | None = None) -> list[Any]:
    async with linli.tenant(community):
        query = lp_ledger.LedgerEntry.select()
        if key is not None:
            query = query.where(lp_ledger.LedgerEntry.key == key)
        if source is not None:
            query = query.where(lp_ledger.LedgerEntry.source == source)
        return await query.run()


async def send_as(linli: Any, community: str, job: Any, **kwargs: Any) -> str:
    tenant = await linli.runtime.tenants.by_slug(community)
    return await current_queue().send(job, kwargs, tenant=tenant)


async def test_a_job_runs_in_a_worker_for_the_community_that_sent_it(linli: Any, worker: Any) -> None:
    w = worker()
    await send_as(linli, "east", lp_ledger.record, key="hello")
    # A cold start imports every plugin; on a loaded machine that alone can take tens of seconds.
    await wait_until(lambda: "ready for action" in w.output(), timeout=120, what="the worker to start")
    rows = await wait_until(lambda: entries(linli, "east", "hello"), what="the job's row")
    assert len(rows) == 1 and rows[0]["source"] == "job"
    assert await entries(linli, "west") == []  # the other community saw nothing
    assert "Traceback" not in w.output()


async def test_a_tenant_job_without_a_community_is_refused_when_sent(linli: Any) -> None:
    with pytest.raises(NoTenantError):
        await current_queue().send(lp_ledger.record, {"key": "nobody"}, tenant=None)


async def test_a_worker_killed_mid_job_gets_it_redone_exactly_once(
    linli: Any, worker: Any, tmp_path: Path
) -> None:
    first = worker()
    await send_as(linli, "east", lp_ledger.record, key="ready")
    await wait_until(lambda: entries(linli, "east", "ready"), what="the first worker to be ready")
    marker = tmp_path / "slow-started"
    # The first run holds until a file the test never creates: only the kill ends it.
    await send_as(
        linli,
        "east",
        lp_ledger.record,
        key="slow",
        sleep_once_file=str(marker),
        hold_until_file=str(tmp_path / "never"),
    )
    await wait_until(marker.exists, what="the slow job to start on the first worker")
    # A second worker is up before the first dies, as in production: what is measured is the
    # redelivery, not a worker's start-up.
    second = worker()
    await wait_until(lambda: "ready for action" in second.output(), what="the second worker")
    first.kill()  # mid-job: it holds before its write until killed
    rows = await wait_until(lambda: entries(linli, "east", "slow"), timeout=60, what="redelivery")
    # The redelivery may land before this line runs; what matters is who wrote: never the
    # killed first run (nothing half-done survives a kill), once, by the second worker.
    assert [r["detail"] for r in rows] == [""]
    time.sleep(1)  # room for a wrong second effect to show
    assert len(await entries(linli, "east", "slow")) == 1 == len(rows)


async def test_the_same_message_delivered_twice_has_one_effect(linli: Any, worker: Any) -> None:
    tenant = await linli.runtime.tenants.by_slug("east")
    queue = current_queue()
    message = queue.actors["ledger.record"].message_with_options(
        kwargs={"key": "twice"}, linli_community=tenant.community_id
    )
    data = message.asdict()
    await queue.requeue(data)
    await queue.requeue(data)  # the broker's at-least-once, made certain
    worker(threads=2)
    await wait_until(lambda: entries(linli, "east", "twice"), what="the job")
    await asyncio.sleep(3)  # time for the second copy to be taken and ignored
    async with linli.transaction():
        receipts = await JobReceipt.count().where(JobReceipt.message_id == message.message_id).run()
    assert len(await entries(linli, "east", "twice")) == 1
    assert receipts == 1


async def test_a_failing_job_is_retried_then_dead_and_can_be_retried(linli: Any, worker: Any) -> None:
    worker()
    await send_as(linli, "east", lp_ledger.explode, key="boom")

    async def dead() -> list[Any]:
        async with linli.transaction():
            return await DeadJob.select().where(DeadJob.actor == "ledger.explode").run()

    rows = await wait_until(dead, timeout=40, what="the dead letter")
    assert len(rows) == 1
    # 1 run + 2 retries, each rolled back (atomic job): no row survived, three attempts made
    assert await entries(linli, "east", "boom") == []
    assert "failed on purpose" in rows[0]["error"] and rows[0]["community_id"] is not None

    admin = await linli.as_platform_admin()
    r = await admin.get("/api/v1/jobs/dead")
    assert r.status_code == 200, r.text
    listed = r.json()
    assert [d["actor"] for d in listed] == ["ledger.explode"]
    east = await linli.as_role("community_admin", "east")
    assert [d["id"] for d in (await east.get("/api/v1/c/east/jobs/dead")).json()] == [rows[0]["id"]]
    west = await linli.as_role("community_admin", "west")
    assert (await west.get("/api/v1/c/west/jobs/dead")).json() == []
    assert (await west.post(f"/api/v1/c/west/jobs/dead/{rows[0]['id']}/retry")).status_code == 404

    r = await admin.post(f"/api/v1/jobs/dead/{rows[0]['id']}/retry")
    assert r.status_code == 200, r.text
    assert (await admin.post(f"/api/v1/jobs/dead/{rows[0]['id']}/retry")).status_code == 409
    await wait_until(lambda: _dead_count(linli, 2), timeout=40, what="the retried job to die again")


async def _dead_count(linli: Any, n: int) -> bool:
    async with linli.transaction():
        return await DeadJob.count().where(DeadJob.actor == "ledger.explode").run() >= n
