"""Headers every answer carries, errors and unmatched paths included (a litestar ``before_send``
hook, so nothing can forget them).

Pages: a Content-Security-Policy that runs only the app's own scripts (no inline handlers are
used: ``linli.js`` wires ``data-`` attributes) and refuses framing, no referrer beyond the
site, no type sniffing. JSON: no sniffing and no caching (answers hold personal data). Every
answer: the request's id, so a person reporting a problem can quote it.
"""

from __future__ import annotations

import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

# htmx's indicator styles and server-drawn charts use inline style; scripts stay 'self' only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def add_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    kind = (headers.get("content-type") or "").split(";")[0].strip()
    headers.setdefault("x-content-type-options", "nosniff")
    headers.setdefault("referrer-policy", "same-origin")
    if kind == "text/html":
        headers.setdefault("content-security-policy", CSP)
        headers.setdefault("x-frame-options", "DENY")
    elif kind == "application/json":
        headers.setdefault("cache-control", "no-store")
    if "x-request-id" not in headers:
        # Unmatched paths never reach the middleware that names requests: name them here.
        state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        headers["x-request-id"] = state.setdefault("request_id", uuid.uuid4().hex[:16])


def cross_site(scope: Scope) -> bool:
    """Whether a browser says this request comes from another site: ``Sec-Fetch-Site:
    cross-site``, or an ``Origin`` whose host is not this one. Forms that work without a session
    (log in, redeem an invitation) refuse such posts: no login CSRF."""
    headers = dict(scope.get("headers", ()))
    if headers.get(b"sec-fetch-site", b"").decode("latin-1") == "cross-site":
        return True
    origin = headers.get(b"origin", b"").decode("latin-1")
    if not origin or origin == "null":
        return origin == "null"
    host = headers.get(b"host", b"").decode("latin-1")
    return origin.split("://", 1)[-1].rstrip("/") != host
