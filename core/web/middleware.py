"""Per-route ASGI middleware: request id, authentication, and the tenant transaction.

Litestar runs app-level middleware after routing, so path parameters and the handler's ``opt``
are known here. Order (outermost first): request context -> authentication -> tenant.
"""

from __future__ import annotations

import logging
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any

from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.credentials import SESSION_COOKIE, from_session
from core.db.engine import is_postgres, write_transaction
from core.runtime import state_of
from core.tenancy.context import tenant_scope

log = logging.getLogger("linli.http")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )

    return middleware


def authentication_middleware(app: ASGIApp) -> ASGIApp:
    """Sets ``scope["user"]`` to a Principal or None; checks CSRF for cookie sessions."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        runtime = state_of(scope["litestar_app"])
        principal = None
        authorization = _header(scope, b"authorization")
        if authorization:
            scheme, _, raw = authorization.partition(" ")
            if scheme.lower() != "bearer" or not raw:
                raise NotAuthorizedException("Authorization header must be 'Bearer <token>'")
            principal = await runtime.credentials.from_token(raw.strip())
            if principal is None:
                raise NotAuthorizedException("invalid, expired or revoked token")
        else:
            session_id = _cookie(scope, SESSION_COOKIE)
            if session_id:
                principal = await from_session(session_id)
                if (
                    principal is not None
                    and scope.get("method") not in SAFE_METHODS
                    and not scope["route_handler"].opt.get("csrf_exempt")
                ):
                    sent = _header(scope, b"x-csrf-token")
                    if not sent or sent != principal.csrf_token:
                        raise PermissionDeniedException("missing or wrong CSRF token (X-CSRF-Token)")
        scope["user"] = principal
        await app(scope, receive, send)

    return middleware


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def tenant_middleware(app: ASGIApp) -> ASGIApp:
    """Resolve ``{community}`` / ``{office}``, gate plugin routes, and wrap the request in a transaction.

    Tenant requests always run in a transaction on PostgreSQL (RLS needs the tenant set in one);
    every unsafe request runs in a write transaction on either engine. The response is held
    back until the transaction has committed, so a client never sees success for a write that
    did not persist; any response with status >= 400 rolls back, so a failed request leaves
    nothing half-written. Handlers that must persist something on failure (login counting bad
    passwords) opt out with ``opt={"transaction": False}``.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        params = scope.get("path_params", {})
        runtime = state_of(scope["litestar_app"])
        state = scope.setdefault("state", {})
        if "office" in params:
            office_id = await runtime.tenants.office_id(params["office"])
            if office_id is None:
                raise NotFoundException("no such street office")
            state["office_id"] = office_id
        slug = params.get("community")
        tenant = None
        if slug is not None:
            tenant = await runtime.tenants.by_slug(slug)
            if tenant is None:
                raise NotFoundException("no such community")
            plugin_id = scope["route_handler"].opt.get("plugin_id")
            if plugin_id and plugin_id not in runtime.registry.active_ids(tenant.enabled_plugins):
                raise NotFoundException("not found")
            state["tenant"] = tenant
        method = scope.get("method", "GET")
        wants_tx = scope["route_handler"].opt.get("transaction", True) and (
            method not in SAFE_METHODS or (tenant is not None and is_postgres(runtime.engine))
        )
        with tenant_scope(tenant):
            if wants_tx:
                await _run_in_transaction(runtime.engine, app, scope, receive, send)
            else:
                await app(scope, receive, send)

    return middleware


async def _run_in_transaction(engine: Any, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    held: list[Message] = []

    async def hold(message: Message) -> None:
        held.append(message)

    try:
        async with write_transaction(engine) as tx:
            await app(scope, receive, hold)
            if _status(held) >= 400:
                await tx.rollback()
    except Exception:
        if held and _status(held) < 400:
            # The handler succeeded but COMMIT failed: say so instead of reporting success.
            log.exception("commit failed")
            await _send_json(
                send,
                409,
                {
                    "status_code": 409,
                    "detail": "the change could not be saved (conflict); nothing was written",
                },
            )
            return
        raise
    for message in held:
        await send(message)


def _status(messages: list[Message]) -> int:
    for m in messages:
        if m["type"] == "http.response.start":
            return int(m["status"])
    return 500


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    import json

    payload = json.dumps(body, ensure_ascii=False).encode()
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ],
    }
    await send(start)
    end: Any = {"type": "http.response.body", "body": payload}
    await send(end)
