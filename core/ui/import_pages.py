"""The import wizard: upload the register spreadsheet, see row by row what is wrong, or what
was imported; all-or-nothing unless "import the good rows" is ticked. Template and export too."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody

from core.audit import audit
from core.auth.guards import principal_of, requires
from core.residents.transfer_routes import MAX_IMPORT_BYTES
from core.runtime import state_of
from core.ui.chrome import chrome
from core.ui.render import page


@get("/c/{community:str}/register/import", guards=[requires("residents.import")])
async def import_form(request: Request) -> Response:
    return page(request, "import.html", **await chrome(request), report=None, refused=False, error=None)


@post(
    "/c/{community:str}/register/import",
    guards=[requires("residents.import")],
    request_max_body_size=MAX_IMPORT_BYTES,
)
async def import_submit(request: Request, data: MultipartBody[dict[str, Any]]) -> Response:
    from core.residents.importer import ImportRefused, import_register

    ui = await chrome(request)
    upload = data.get("file") if isinstance(data, dict) else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, "import.html", status=400, **ui, report=None, refused=False, error="file")
    partial = str(data.get("partial", "")) in ("1", "on", "true")
    runtime, principal = state_of(request.app), principal_of(request)
    try:
        report = await import_register(
            runtime.field_keys,
            upload.filename,
            await upload.read(),
            partial=partial,
            actor_id=principal.user_id,
        )
    except ImportRefused as refused:  # 422: the request's transaction rolls back, nothing saved
        return page(request, "import.html", status=422, **ui, report=refused.report, refused=True, error=None)
    await audit(
        "register.imported",
        actor_id=principal.user_id,
        subject=upload.filename,
        detail={k: v for k, v in report.as_dict().items() if k != "errors"},
    )
    return page(request, "import.html", **ui, report=report, refused=False, error=None)


IMPORT_PAGES = [import_form, import_submit]
