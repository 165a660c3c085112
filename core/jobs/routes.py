"""Jobs over HTTP: dead letters (platform operators and each community) and job run progress."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, Parameter

from core.audit import audit
from core.auth.guards import holds, platform_admin, principal_of, requires
from core.errors import Conflict, NotFound
from core.jobs.dead import list_dead, retry_dead
from core.jobs.tables import JobRun
from core.runtime import state_of
from core.tenancy.context import current_tenant

RUN_COLUMNS = (
    JobRun.id,
    JobRun.kind,
    JobRun.status,
    JobRun.progress,
    JobRun.detail,
    JobRun.result_attachment_id,
    JobRun.result_name,
    JobRun.requested_by,
    JobRun.created_at,
    JobRun.started_at,
    JobRun.finished_at,
)


class PlatformJobsController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]

    @get("/dead", guards=[platform_admin])
    async def dead(
        self,
        include_retried: bool = Parameter(default=False),
        limit: int = Parameter(default=100, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        return await list_dead(include_retried=include_retried, limit=limit)

    @post("/dead/{dead_id:int}/retry", guards=[platform_admin], status_code=200)
    async def retry(self, request: Request, dead_id: FromPath[int]) -> dict[str, Any]:
        result = await retry_dead(dead_id)
        await audit(
            "job.retry",
            actor_id=principal_of(request).user_id,
            subject=str(dead_id),
            detail={"actor": result["actor"]},
        )
        return result


class CommunityJobsController(Controller):
    path = "/api/v1/c/{community:str}/jobs"
    tags = ["jobs"]

    @get("/dead", guards=[requires("events.view")])
    async def dead(
        self,
        include_retried: bool = Parameter(default=False),
        limit: int = Parameter(default=100, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        return await list_dead(
            community_id=current_tenant().community_id, include_retried=include_retried, limit=limit
        )

    @post("/dead/{dead_id:int}/retry", guards=[requires("events.view")], status_code=200)
    async def retry(self, request: Request, dead_id: FromPath[int]) -> dict[str, Any]:
        result = await retry_dead(dead_id, community_id=current_tenant().community_id)
        await audit(
            "job.retry",
            actor_id=principal_of(request).user_id,
            subject=str(dead_id),
            detail={"actor": result["actor"]},
        )
        return result

    @get("/runs/{run_id:int}", guards=[requires("residents.view")])
    async def run(self, request: Request, run_id: FromPath[int]) -> dict[str, Any]:
        return await _visible_run(request, run_id)

    @get("/runs/{run_id:int}/download", guards=[requires("residents.view")])
    async def download(self, request: Request, run_id: FromPath[int]) -> dict[str, Any]:
        """A presigned link (<= 15 minutes) to the run's result file."""
        from core.files.service import download_link, visible_attachment
        from core.files.storage import storage_for

        run = await _visible_run(request, run_id)
        if run["status"] != "done" or run["result_attachment_id"] is None:
            raise Conflict(f"the job run is {run['status']} ({run['progress']}%); no file yet")
        runtime = state_of(request.app)
        row, _owner = await visible_attachment(
            runtime, current_tenant(), principal_of(request), run["result_attachment_id"]
        )
        return {
            "run_id": run_id,
            "file_name": row["file_name"],
            "size": row["size"],
            **download_link(storage_for(runtime.settings), row),
        }


async def _visible_run(request: Request, run_id: int) -> dict[str, Any]:
    row = await JobRun.select(*RUN_COLUMNS).where(JobRun.id == run_id).first().run()
    # A run is its requester's (exports carry personal data); admins see every run.
    if row is None or (
        row["requested_by"] != principal_of(request).user_id and not holds(request, "events.view")
    ):
        raise NotFound("no such job run")
    return row


JOB_HANDLERS = [PlatformJobsController, CommunityJobsController]
