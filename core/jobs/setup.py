"""Connecting a process to the job broker: once per process, from its runtime."""

from __future__ import annotations

import dramatiq

from core.jobs.catalog import all_jobs
from core.jobs.queue import JobQueue, current_queue_or_none, make_broker, set_current_queue
from core.runtime import Runtime


def start_queue(runtime: Runtime) -> JobQueue | None:
    """Bind every job to the configured broker; None when no broker is configured (tests, tools)."""
    if not runtime.settings.broker_url:
        return None
    existing = current_queue_or_none()
    if existing is not None:
        return existing
    broker = make_broker(runtime.settings)
    dramatiq.set_broker(broker)
    queue = JobQueue(broker, all_jobs(runtime.registry))
    set_current_queue(queue)
    return queue


def stop_queue() -> None:
    queue = current_queue_or_none()
    if queue is not None:
        queue.close()
    set_current_queue(None)
