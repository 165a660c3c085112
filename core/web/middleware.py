"""The per-route ASGI middleware: request id, authentication, and the tenant transaction.

Litestar runs app-level middleware after routing, so path parameters and the handler's ``opt``
are known here. The three steps run in one layer (one coroutine and one ``send`` wrapper per
request instead of three): the hot path of every tenant read goes through it.

1. request context: an id for the request (``X-Request-ID``), one log line when it ends;
2. authentication: ``scope["user"]`` becomes a Principal (bearer token or session cookie, with
   the CSRF check for cookie sessions on unsafe methods) or None;
3. tenant: ``{office}`` / ``{community}`` resolved (404 when unknown), plugin routes gated, and
   the request run in a transaction whose response is held back until the commit — any status
   >= 400 rolls back, so a failed request leaves nothing half-written, and a failed COMMIT is
   reported instead of a success. Handlers that must persist on failure (login counting bad
   passwords) opt out with ``opt={"transaction": False}``.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import uuid
from http.cookies import SimpleCookie
from typing import Any

from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from core.auth.credentials import SESSION_COOKIE, from_session
from core.auth.principal import Principal
from core.db import after_commit
from core.db.engine import is_postgres, write_transaction
from core.runtime import Runtime, state_of
from core.tenancy.context import Tenant, tenant_scope
from core.web.json_guard import checked_receive, expects_json

log = logging.getLogger("linli.http")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def linli_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        request_id = _header(scope, b"x-request-id") or uuid.uuid4().hex[:16]
        state["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            runtime = state_of(scope["litestar_app"])
            scope["user"] = await _authenticate(scope, runtime)
            tenant = await _resolve_tenant(scope, runtime, state)
            method = scope.get("method", "GET")
            if method not in SAFE_METHODS and expects_json(scope["route_handler"]):
                receive = await checked_receive(scope, receive)
            wants_tx = scope["route_handler"].opt.get("transaction", True) and (
                method not in SAFE_METHODS or (tenant is not None and is_postgres(runtime.engine))
            )
            with tenant_scope(tenant):
                if wants_tx:
                    await _run_in_transaction(runtime.engine, app, scope, receive, send_with_id)
                else:
                    await app(scope, receive, send_with_id)
        except Exception as exc:
            # A refusal raised here (401, the 403 of a missing CSRF token, 404 of an unknown
            # community) is answered by the exception handlers outside: log its real status.
            status = int(getattr(exc, "status_code", 0) or (404 if type(exc).__name__ == "NotFound" else 500))
            raise
        finally:
            if log.isEnabledFor(logging.INFO):
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


async def _authenticate(scope: Scope, runtime: Runtime) -> Principal | None:
    authorization = _header(scope, b"authorization")
    if authorization:
        scheme, _, raw = authorization.partition(" ")
        if scheme.lower() != "bearer" or not raw:
            raise NotAuthorizedException("Authorization header must be 'Bearer <token>'")
        principal = await runtime.credentials.from_token(raw.strip())
        if principal is None:
            raise NotAuthorizedException("invalid, expired or revoked token")
        return principal
    session_id = _cookie(scope, SESSION_COOKIE)
    if not session_id:
        return None
    principal = await from_session(session_id)
    if (
        principal is not None
        and scope.get("method") not in SAFE_METHODS
        and not scope["route_handler"].opt.get("csrf_exempt")
    ):
        sent = _header(scope, b"x-csrf-token")
        expected = (principal.csrf_token or "").encode()
        if not sent or not expected or not hmac.compare_digest(sent.encode(), expected):
            raise PermissionDeniedException("missing or wrong CSRF token (X-CSRF-Token)")
    return principal


# Row ids are 32-bit on PostgreSQL and SQLite cannot bind past 64 bits: a larger id in a path
# names nothing, so it is answered like a missing row instead of failing in the driver.
MAX_ID = 2**31 - 1


async def _resolve_tenant(scope: Scope, runtime: Runtime, state: dict[str, Any]) -> Tenant | None:
    params = scope.get("path_params", {})
    if any(isinstance(v, int) and not -MAX_ID <= v <= MAX_ID for v in params.values()):
        raise NotFoundException("not found")
    if "office" in params:
        office_id = await runtime.tenants.office_id(params["office"])
        if office_id is None:
            raise NotFoundException("no such street office")
        state["office_id"] = office_id
    slug = params.get("community")
    if slug is None:
        return None
    tenant = await runtime.tenants.by_slug(slug)
    if tenant is None:
        raise NotFoundException("no such community")
    plugin_id = scope["route_handler"].opt.get("plugin_id")
    if plugin_id and plugin_id not in runtime.registry.active_ids(tenant.enabled_plugins):
        raise NotFoundException("not found")
    state["tenant"] = tenant
    return tenant


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


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


async def _run_in_transaction(engine: Any, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    held: list[Message] = []

    async def hold(message: Message) -> None:
        held.append(message)

    try:
        with after_commit.collecting() as later:
            async with write_transaction(engine) as tx:
                await app(scope, receive, hold)
                if _status(held) >= 400:
                    later.clear()
                    await tx.rollback()
    except Exception:
        if held and _status(held) < 400:
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
    await after_commit.run(later)  # e.g. wake the event dispatcher; never fails the request


def _status(messages: list[Message]) -> int:
    for m in messages:
        if m["type"] == "http.response.start":
            return int(m["status"])
    return 500


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    start: Any = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
    }
    end: Any = {"type": "http.response.body", "body": payload}
    await send(start)
    await send(end)
