"""HTTP API of attachments and storage quotas, under /api/v1/c/{community}/.

The upload streams (no request-size cap from the app setting: each purpose has its own limit,
enforced while the bytes arrive) and runs outside the request transaction: a slow upload must
not hold a database transaction (on SQLite: the write lock) for its whole duration. Its own
short transactions check access and quota and insert the row once the object is verified.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from core.auth.guards import principal_of, requires
from core.files import service
from core.files.multipart import MultipartReader
from core.files.service import FileProblem
from core.files.storage import StorageUnavailable, storage_for
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.web.bodies import Body, Bytes

NO_SNIFF = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def _problem(_: Request, exc: FileProblem) -> Response:
    body = {"status_code": exc.status, "detail": exc.detail, **exc.extra}
    return Response(body, status_code=exc.status, media_type="application/json")


def _unavailable(_: Request, exc: StorageUnavailable) -> Response:
    return Response(
        {"status_code": 503, "detail": str(exc)},
        status_code=503,
        media_type="application/json",
        headers={"Retry-After": "30"},
    )


HANDLERS: dict[Any, Any] = {FileProblem: _problem, StorageUnavailable: _unavailable}


class AttachmentsController(Controller):
    path = "/api/v1/c/{community:str}/attachments"
    tags = ["attachments"]
    exception_handlers = HANDLERS

    @post(
        "/",
        guards=[requires("attachments.upload")],
        status_code=201,
        request_max_body_size=None,
        opt={"transaction": False},
    )
    async def upload(self, request: Request) -> Response:
        """Multipart: owner_kind, owner_id, purpose, then the file part ``file``."""
        runtime = state_of(request.app)
        row = await service.receive_upload(
            runtime, current_tenant(), principal_of(request), MultipartReader(request), request.content_length
        )
        return Response(row, status_code=201, headers=NO_SNIFF)

    @get("/", guards=[requires("attachments.view")])
    async def list_attachments(
        self,
        request: Request,
        owner_kind: Annotated[str, QueryParameter(min_length=1, max_length=64)],
        owner_id: Annotated[int, QueryParameter(ge=1, le=2_147_483_647)],
    ) -> Response:
        rows = await service.list_attachments(
            state_of(request.app), current_tenant(), principal_of(request), owner_kind, owner_id
        )
        return Response(rows, headers=NO_SNIFF)

    @get("/{attachment_id:int}", guards=[requires("attachments.view")])
    async def show(self, request: Request, attachment_id: FromPath[int]) -> Response:
        """The attachment and a download link valid for at most 15 minutes."""
        runtime = state_of(request.app)
        row, _owner = await service.visible_attachment(
            runtime, current_tenant(), principal_of(request), attachment_id
        )
        link = service.download_link(storage_for(runtime.settings), row)
        return Response({**service.public(row), "download": link}, headers=NO_SNIFF)

    @delete("/{attachment_id:int}", guards=[requires("attachments.upload")], status_code=200)
    async def remove(self, request: Request, attachment_id: FromPath[int]) -> dict[str, Any]:
        return await service.remove_attachment(
            state_of(request.app), current_tenant(), principal_of(request), attachment_id
        )


class QuotaIn(Body):
    quota_bytes: Bytes | None


class StorageController(Controller):
    path = "/api/v1/c/{community:str}/storage"
    tags = ["attachments"]

    @get("/", guards=[requires("storage.view")])
    async def show(self, request: Request) -> dict[str, Any]:
        return await service.usage(state_of(request.app))

    @put("/", guards=[requires("storage.manage")])
    async def set_quota(self, request: Request, data: JSONBody[QuotaIn]) -> dict[str, Any]:
        """Set the community's quota in bytes; ``null`` returns it to the default."""
        return await service.set_quota(state_of(request.app), data.quota_bytes, principal_of(request).user_id)


FILE_HANDLERS: list[Any] = [AttachmentsController, StorageController]
