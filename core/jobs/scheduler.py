"""The scheduler: fires each schedule's latest cron slot once, whatever number of schedulers run.

Firing a slot is a compare-and-set on ``job_schedule_slot`` (``last_fired_at < slot``) in the
same transaction as the send: two schedulers racing for one slot both try, one UPDATE matches,
the other sees zero rows. If the broker refuses the message the claim rolls back and the next
tick tries again. A scheduler that was down fires only the latest missed slot, not each one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket

from core.db.engine import write_transaction
from core.jobs.catalog import all_schedules
from core.jobs.cron import latest_slot
from core.jobs.queue import JobQueue
from core.jobs.tables import ScheduleSlot
from core.plugins.types import Schedule
from core.runtime import Runtime

log = logging.getLogger("linli.scheduler")
INSTANCE = f"{socket.gethostname()}:{os.getpid()}"


async def claim(runtime: Runtime, name: str, slot: dt.datetime, by: str = INSTANCE) -> bool:
    await (
        ScheduleSlot.insert(ScheduleSlot(name=name, last_fired_at=None, fired_by=""))
        .on_conflict(action="DO NOTHING")
        .run()
    )
    won = (
        await ScheduleSlot.update({ScheduleSlot.last_fired_at: slot, ScheduleSlot.fired_by: by})
        .where(
            (ScheduleSlot.name == name)
            & (ScheduleSlot.last_fired_at.is_null() | (ScheduleSlot.last_fired_at < slot))
        )
        .returning(ScheduleSlot.id)
        .run()
    )
    return bool(won)


async def fire(runtime: Runtime, queue: JobQueue, schedule: Schedule, slot: dt.datetime) -> bool:
    """Claim ``slot`` of ``schedule`` and send its job; False when another scheduler has it."""
    async with write_transaction(runtime.engine):
        if not await claim(runtime, schedule.name, slot):
            return False
        if schedule.per_tenant:
            await queue.send("core.jobs.fan_out", {"job_name": schedule.actor_name}, tenant=None)
        else:
            await queue.send(schedule.actor_name, {}, tenant=None)
    log.info("fired %s for %s", schedule.name, slot.isoformat())
    return True


async def tick(
    runtime: Runtime, queue: JobQueue, schedules: list[Schedule], now: dt.datetime | None = None
) -> list[str]:
    now = now or dt.datetime.now(dt.UTC)
    fired = []
    for schedule in schedules:
        try:
            if await fire(runtime, queue, schedule, latest_slot(schedule.cron, now)):
                fired.append(schedule.name)
        except Exception as exc:  # one schedule (or a broker hiccup) never stops the others
            log.warning("schedule %s not fired: %s", schedule.name, exc)
    return fired


async def run_scheduler(
    runtime: Runtime, queue: JobQueue, stop: asyncio.Event, every_seconds: float = 5.0
) -> None:
    schedules = all_schedules(runtime.registry, set(queue.jobs))
    log.info("scheduler %s running %d schedules", INSTANCE, len(schedules))
    while not stop.is_set():
        await tick(runtime, queue, schedules)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)
