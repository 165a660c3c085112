"""Running one job message in a worker: restore the community, claim the receipt, run, commit.

dramatiq calls the actor function on a worker thread; the job's coroutine runs on the worker's
one event loop (dramatiq's AsyncIO middleware), where this process's database engine lives.

Exactly-once effects: an ``atomic`` job first inserts its receipt (the message id, unique) and
then runs, all in one write transaction. A second delivery of the same message — the broker
redelivering after a crash, or a duplicate — either finds the receipt and does nothing, or (on
PostgreSQL, running at the same moment) waits on the unique index until the first commits.
A worker killed mid-job committed nothing, so the redelivered message runs it once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from dramatiq.asyncio import get_event_loop_thread
from dramatiq.middleware import CurrentMessage

from core.db import after_commit
from core.db.engine import start_engine, write_transaction
from core.jobs.spec import Job
from core.jobs.tables import JobReceipt
from core.runtime import Runtime, current
from core.tenancy.context import tenant_scope

log = logging.getLogger("linli.jobs")
_started: set[int] = set()
_lock: asyncio.Lock | None = None


async def worker_runtime() -> Runtime:
    """This process's runtime, its engine started on the running loop (once)."""
    global _lock
    runtime = current()
    if id(runtime) in _started:
        return runtime
    if _lock is None:
        _lock = asyncio.Lock()
    async with _lock:
        if id(runtime) not in _started:
            await start_engine(runtime.engine, runtime.settings)
            _started.add(id(runtime))
    return runtime


def actor_function(job: Job) -> Callable[..., Any]:
    def run(**kwargs: Any) -> Any:
        message = CurrentMessage.get_current_message()
        loop = get_event_loop_thread()
        if message is None or loop is None:
            raise RuntimeError("Linli jobs need the CurrentMessage and AsyncIO middleware")
        try:
            result = loop.run_coroutine(
                execute(job, message.message_id, message.options.get("linli_community"), kwargs)
            )
            log.debug("job %s %s returned %r", job.name, message.message_id, result)
            return None  # results are logged, not stored (no result backend)
        except Exception as exc:
            message.options["linli_error"] = f"{type(exc).__name__}: {exc}"[:2000]
            raise

    run.__name__ = run.__qualname__ = job.name.replace(".", "_")
    run.__module__ = job.fn.__module__
    return run


async def execute(job: Job, message_id: str, community_id: int | None, kwargs: dict[str, Any]) -> Any:
    from core.jobs.queue import RefusedJob

    runtime = await worker_runtime()
    tenant = None
    if job.tenant:
        if community_id is None:
            raise RefusedJob(f"job {job.name} arrived without a community; refused")
        tenant = await runtime.tenants.by_id(int(community_id))
        if tenant is None:
            log.info("job %s for community %s skipped: community not active", job.name, community_id)
            return None
    with tenant_scope(tenant), after_commit.collecting() as later:
        if not job.atomic:
            result = await job.fn(**kwargs)
        else:
            async with write_transaction(runtime.engine):
                claimed = (
                    await JobReceipt.insert(
                        JobReceipt(
                            message_id=message_id,
                            actor=job.name,
                            community_id=community_id,
                            finished_at=dt.datetime.now(dt.UTC),
                        )
                    )
                    .on_conflict(action="DO NOTHING")
                    .returning(JobReceipt.id)
                    .run()
                )
                if not claimed:
                    log.info("job %s message %s already done; duplicate ignored", job.name, message_id)
                    return None
                result = await job.fn(**kwargs)
        await after_commit.run(later)
    return result
