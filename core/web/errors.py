"""One JSON error shape for every failure: ``{"status_code", "detail", "field"?, "errors"?}``.

Bad input is a 4xx naming the field; an unexpected error is a logged 500 that reveals nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core.errors import Conflict, InvalidInput, NotFound, Unavailable

log = logging.getLogger("linli.errors")


def _json(status: int, detail: str, request: Request | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type="application/json", headers=_headers(request))


def _headers(request: Request | None) -> dict[str, str]:
    """Error answers carry the request's id too (set by the middleware), so a person reporting
    a problem can quote it; a refusal raised before the middleware's own wrapper still has it."""
    request_id = request.scope.get("state", {}).get("request_id") if request is not None else None
    return {"X-Request-ID": request_id} if request_id else {}


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, the health checks or a static file)."""
    path = request.url.path
    return not path.startswith(("/api/", "/health", "/static/", "/schema"))


def _page(request: Request, status: int) -> Response:
    from core.ui.render import page

    response = page(request, "error.html", status=status, status_code=status)
    response.headers.update(_headers(request))
    return response


def validation_error(request: Request, exc: ValidationException) -> Response:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            errors.append({"field": item.get("key") or item.get("source"), "reason": item.get("message")})
    field = errors[0]["field"] if errors else None
    detail = exc.detail or "invalid input"
    if errors and errors[0]["reason"]:
        detail = f"{errors[0]['field']}: {errors[0]['reason']}" if field else errors[0]["reason"]
    return _json(400, detail, request, field=field, errors=errors or None)


def http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code in (404, 405) and wants_page(request):
        return _page(request, exc.status_code)
    return _json(exc.status_code, exc.detail, request)


def invalid_input(request: Request, exc: InvalidInput) -> Response:
    return _json(400, str(exc), request, field=exc.field)


def not_found(request: Request, exc: NotFound) -> Response:
    if wants_page(request):
        return _page(request, 404)
    return _json(404, str(exc) or "not found", request)


def conflict(request: Request, exc: Conflict) -> Response:
    return _json(409, str(exc), request)


def unavailable(request: Request, exc: Unavailable) -> Response:
    response = _json(503, str(exc), request)
    response.headers["Retry-After"] = "30"
    return response


def out_of_range(request: Request, exc: OverflowError) -> Response:
    """A number past what the database can bind that no declared range caught: a 400, not a 500."""
    log.warning("number out of range reached the database", extra={"path": request.url.path})
    return _json(400, "a number in the request is out of range", request)


def server_error(request: Request, exc: Exception) -> Response:
    log.exception(
        "unhandled error",
        extra={"path": request.url.path, "request_id": request.scope.get("state", {}).get("request_id")},
    )
    if wants_page(request):
        return _page(request, HTTP_500_INTERNAL_SERVER_ERROR)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "internal error; it has been logged", request)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: validation_error,
    HTTPException: http_error,
    InvalidInput: invalid_input,
    NotFound: not_found,
    Conflict: conflict,
    Unavailable: unavailable,
    OverflowError: out_of_range,
    Exception: server_error,
}
