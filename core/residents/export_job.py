"""The register export as a background job: progress readable through the API, result a file.

``POST /api/v1/c/{community}/residents/export-jobs`` records a ``job_run`` and sends
``core.residents.export`` once the request commits; the worker builds the .xlsx (masked — an
unmasked export needs the audited, synchronous route with a purpose), stores it as the run's
attachment and marks the run done. ``GET …/jobs/runs/{id}`` shows status and progress,
``GET …/jobs/runs/{id}/download`` gives a presigned link (the requester, or staff with
``events.view``). A run already done is not redone when its message comes twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from core.db.engine import write_transaction
from core.jobs.spec import job
from core.jobs.tables import JobRun
from core.residents.scope import VisiblePlaces
from core.runtime import current
from core.tenancy.context import current_tenant

log = logging.getLogger("linli.residents")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _set(run_id: int, **values: object) -> None:
    runtime = current()
    async with write_transaction(runtime.engine):
        await (
            JobRun.update({getattr(JobRun, k): v for k, v in values.items()}).where(JobRun.id == run_id).run()
        )


@job(
    "core.residents.export",
    queue="default",
    atomic=False,
    max_retries=3,
    min_backoff_ms=2_000,
    time_limit_ms=1_800_000,
)
async def export_register_job(run_id: int) -> None:
    from core.files.service import store_generated
    from core.residents.exporter import export_register

    runtime, tenant = current(), current_tenant()
    async with write_transaction(runtime.engine):
        run = await JobRun.select().where(JobRun.id == run_id).first().run()
    if run is None or run["status"] == "done":
        return  # gone, or a duplicate message of a finished run
    await _set(run_id, status="running", progress=5, started_at=dt.datetime.now(dt.UTC), detail="")
    try:
        async with write_transaction(runtime.engine):
            visible = await _requester_scope(run["requested_by"])
            data, count = await export_register(
                runtime.field_keys,
                reveal=False,
                allowed_building_ids=None if visible is None else visible.building_ids,
                allowed_unit_ids=None if visible is None else visible.unit_ids,
            )
        await _set(run_id, progress=70, detail=f"{count} rows")
        name = f"{tenant.slug}-register-{dt.date.today():%Y%m%d}.xlsx"
        stored = await store_generated(
            runtime,
            tenant,
            owner_kind="job_run",
            owner_id=run_id,
            purpose="result",
            data=data,
            content_type=XLSX,
            file_name=name,
            made_for=run["requested_by"],
        )
        await _set(
            run_id,
            status="done",
            progress=100,
            result_attachment_id=stored["id"],
            result_name=name,
            finished_at=dt.datetime.now(dt.UTC),
            detail=f"{count} rows",
        )
    except Exception as exc:
        await _set(
            run_id,
            status="failed",
            detail=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=dt.datetime.now(dt.UTC),
        )
        raise  # retried by the job system; the run shows the last failure meanwhile


async def _requester_scope(user_id: int | None) -> VisiblePlaces | None:
    """The places the requester may see now (a grid worker's export holds only their grids)."""
    from core.auth.credentials import principal_for_user
    from core.auth.tables import User
    from core.residents.scope import visible_places

    user = (
        await User.select(User.id, User.username, User.display_name, User.is_platform_admin)
        .where(User.id == (user_id or 0))
        .first()
        .run()
    )
    if user is None:
        return VisiblePlaces(frozenset(), frozenset())  # nobody: nothing
    return await visible_places(await principal_for_user(user), current_tenant())


RESIDENT_JOBS = [export_register_job]
