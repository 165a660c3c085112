"""Spreadsheet import and export of the register, and the import template."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery, MultipartBody, QueryParameter

from core.audit import audit
from core.auth.guards import principal_of, requires
from core.errors import InvalidInput
from core.residents.exporter import export_register
from core.residents.importer import ImportRefused, import_register
from core.residents.routes import _reveal
from core.residents.scope import visible_places
from core.residents.spreadsheet import template
from core.runtime import state_of
from core.tenancy.context import current_tenant

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class RegisterTransferController(Controller):
    path = "/api/v1/c/{community:str}/register"
    tags = ["register"]

    @get("/import-template", guards=[requires("residents.import")])
    async def import_template(
        self, lang: Annotated[str, QueryParameter(pattern="^(zh|en)$")] = "zh"
    ) -> Response:
        return Response(
            template(lang),
            media_type=XLSX,
            headers={"Content-Disposition": "attachment; filename=register-template.xlsx"},
        )

    @post(
        "/import",
        guards=[requires("residents.import")],
        request_max_body_size=MAX_IMPORT_BYTES,
        status_code=200,
    )
    async def import_file(
        self, request: Request, data: MultipartBody[dict[str, UploadFile]], partial: FromQuery[bool] = False
    ) -> Response:
        upload = data.get("file") if isinstance(data, dict) else None
        if not isinstance(upload, UploadFile):
            raise InvalidInput("upload the spreadsheet as the multipart field 'file'", field="file")
        content = await upload.read()
        runtime = state_of(request.app)
        principal = principal_of(request)
        try:
            report = await import_register(
                runtime.field_keys,
                upload.filename or "",
                content,
                partial=partial,
                actor_id=principal.user_id,
            )
        except ImportRefused as refused:
            body = refused.report.as_dict() | {"detail": "no rows were imported: fix the rows listed"}
            return Response(body, status_code=422)
        await audit(
            "register.imported",
            actor_id=principal.user_id,
            subject=upload.filename or "",
            detail={k: v for k, v in report.as_dict().items() if k != "errors"},
        )
        body = report.as_dict()
        if report.rejects_xlsx:
            body["rejects_xlsx_base64"] = base64.b64encode(report.rejects_xlsx).decode()
        return Response(body)

    @post("/export-jobs", guards=[requires("residents.export")], status_code=202)
    async def start_export(self, request: Request) -> dict[str, Any]:
        """Export as a background job (large registers): poll the run, then download the file."""
        import datetime as dt

        from core.jobs.queue import current_queue
        from core.jobs.tables import JobRun
        from core.residents.export_job import export_register_job

        current_queue()  # 503 now, not a run that never starts, when no broker is configured
        user_id = principal_of(request).user_id
        rows = (
            await JobRun.insert(
                JobRun(
                    kind="core.residents.export",
                    status="queued",
                    progress=0,
                    requested_by=user_id,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            .returning(JobRun.id)
            .run()
        )
        run_id = rows[0]["id"]
        await export_register_job.send_after_commit(run_id=run_id)
        await audit("register.export_started", actor_id=user_id, subject=f"job_run:{run_id}")
        slug = current_tenant().slug
        return {
            "id": run_id,
            "status": "queued",
            "progress": 0,
            "poll": f"/api/v1/c/{slug}/jobs/runs/{run_id}",
        }

    @get("/export.xlsx", guards=[requires("residents.export")])
    async def export(
        self, request: Request, reveal: FromQuery[bool] = False, purpose: FromQuery[str | None] = None
    ) -> Response:
        runtime = state_of(request.app)
        shown = await _reveal(request, reveal, purpose, "register export")
        visible = await visible_places(principal_of(request), current_tenant())
        content, count = await export_register(
            runtime.field_keys,
            reveal=shown,
            allowed_building_ids=None if visible is None else visible.building_ids,
            allowed_unit_ids=None if visible is None else visible.unit_ids,
        )
        await audit(
            "register.exported",
            actor_id=principal_of(request).user_id,
            subject=f"{count} rows",
            detail={"unmasked": shown},
        )
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f"attachment; filename={current_tenant().slug}-register.xlsx"},
        )
