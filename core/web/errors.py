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


def _json(status: int, detail: str, **extra: Any) -> Response:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(body, status_code=status, media_type="application/json")


def validation_error(_: Request, exc: ValidationException) -> Response:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            errors.append({"field": item.get("key") or item.get("source"), "reason": item.get("message")})
    field = errors[0]["field"] if errors else None
    detail = exc.detail or "invalid input"
    if errors and errors[0]["reason"]:
        detail = f"{errors[0]['field']}: {errors[0]['reason']}" if field else errors[0]["reason"]
    return _json(400, detail, field=field, errors=errors or None)


def http_error(_: Request, exc: HTTPException) -> Response:
    return _json(exc.status_code, exc.detail, headers=None)


def invalid_input(_: Request, exc: InvalidInput) -> Response:
    return _json(400, str(exc), field=exc.field)


def not_found(_: Request, exc: NotFound) -> Response:
    return _json(404, str(exc) or "not found")


def conflict(_: Request, exc: Conflict) -> Response:
    return _json(409, str(exc))


def unavailable(_: Request, exc: Unavailable) -> Response:
    response = _json(503, str(exc))
    response.headers["Retry-After"] = "30"
    return response


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", extra={"path": request.url.path})
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "internal error; it has been logged")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: validation_error,
    HTTPException: http_error,
    InvalidInput: invalid_input,
    NotFound: not_found,
    Conflict: conflict,
    Unavailable: unavailable,
    Exception: server_error,
}
