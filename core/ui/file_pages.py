"""A file drawn on a page: ``/c/{community}/files/{id}`` answers the bytes of an attachment the
caller may see (404 exactly like a missing one otherwise), so a page shows a photo as a
thumbnail from the app's own origin — private objects never get a public link, and the pages'
Content-Security-Policy (``img-src 'self'``) holds. Images are shown inline; anything else is
a download."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.params import FromPath

from core.auth.guards import principal_of, requires
from core.runtime import state_of
from core.tenancy.context import current_tenant

INLINE = ("image/jpeg", "image/png", "image/webp")


@get("/c/{community:str}/files/{attachment_id:int}", guards=[requires("attachments.view")])
async def file_page(request: Request, attachment_id: FromPath[int]) -> Response[bytes]:
    from core.files import service
    from core.files.storage import storage_for

    runtime = state_of(request.app)
    row, _owner = await service.visible_attachment(
        runtime, current_tenant(), principal_of(request), attachment_id
    )
    data = await storage_for(runtime.settings).read(row["object_key"])
    kind = row["content_type"] if row["content_type"] in INLINE else "application/octet-stream"
    disposition = "inline" if kind in INLINE else "attachment"
    name = str(row["file_name"]).replace('"', "")
    return Response(
        content=data,
        media_type=kind,
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=300",
        },
    )


FILE_PAGES = [file_page]
