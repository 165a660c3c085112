"""The orphan collector as a platform job, fired hourly by the scheduler (see docs/files.md)."""

from __future__ import annotations

from typing import Any

from core.jobs.spec import job
from core.runtime import current


@job(
    "core.files.collect_orphans",
    queue="default",
    tenant=False,
    atomic=False,
    max_retries=3,
    min_backoff_ms=60_000,
)
async def collect_orphans() -> dict[str, Any]:
    from core.files.orphans import collect_orphans as collect

    # Storage down raises StorageUnavailable: retried with backoff, then a dead job to look at.
    return await collect(current())


FILE_JOBS = [collect_orphans]
