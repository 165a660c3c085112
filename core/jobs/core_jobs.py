"""The core's own periodic jobs and the platform job that fans a schedule out to communities."""

from __future__ import annotations

import datetime as dt
import logging

from core.jobs.spec import job
from core.jobs.tables import JobReceipt
from core.runtime import current

log = logging.getLogger("linli.jobs")
RECEIPT_DAYS = 30


@job("core.cases.escalate_overdue", queue="default")
async def escalate_overdue_cases() -> int:
    from core.cases.engine import escalate_overdue
    from core.cases.routes import case_types

    return await escalate_overdue(case_types(current()), dt.datetime.now(dt.UTC))


@job("core.grids.generate_visit_plans", queue="default")
async def generate_visit_plans() -> int:
    from core.grids.visits import generate_visit_plans as generate

    return await generate()


@job("core.jobs.prune_receipts", queue="default", tenant=False)
async def prune_receipts() -> int:
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=RECEIPT_DAYS)
    gone = await JobReceipt.delete().where(JobReceipt.finished_at < cutoff).returning(JobReceipt.id).run()
    return len(gone)


@job("core.jobs.fan_out", queue="default", tenant=False, atomic=False)
async def fan_out(job_name: str) -> int:
    """Send ``job_name`` once for every active community where its plugin is on (a
    per-community schedule firing); the core's own jobs go to every active community."""
    from core.jobs.catalog import job_owners
    from core.jobs.queue import current_queue
    from core.plugins.dispatch import active_for

    runtime = current()
    queue, sent = current_queue(), 0
    owner = job_owners(runtime.registry).get(job_name, "core")
    for tenant in await runtime.tenants.all_active():
        if owner not in active_for(runtime.registry, tenant):
            continue
        await queue.send(job_name, {}, tenant=tenant)
        sent += 1
    return sent


CORE_JOBS = [escalate_overdue_cases, generate_visit_plans, prune_receipts, fan_out]
