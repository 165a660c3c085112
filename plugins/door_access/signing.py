"""HMAC signatures on every request between Linli and a door controller, in both directions.

The signature covers a timestamp, a one-time nonce, the method, the path and the body::

    X-Linli-Timestamp: 1764470000          (unix seconds)
    X-Linli-Nonce:     3f9c0a...           (random, at most 64 characters, never reused)
    X-Linli-Signature: hex(HMAC-SHA256(device secret, "{ts}\\n{nonce}\\n{METHOD}\\n{path}\\n" + body))

The receiver refuses a signature that does not match, a timestamp further than the allowed skew
from its clock, and a nonce it has already seen (replay).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER_TS = "X-Linli-Timestamp"
HEADER_NONCE = "X-Linli-Nonce"
HEADER_SIG = "X-Linli-Signature"


def signature(secret: str, ts: str, nonce: str, method: str, path: str, body: bytes) -> str:
    message = f"{ts}\n{nonce}\n{method.upper()}\n{path}\n".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    at: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The three headers for a request."""
    ts = str(int(at if at is not None else time.time()))
    nonce = nonce or secrets.token_hex(16)
    return {HEADER_TS: ts, HEADER_NONCE: nonce, HEADER_SIG: signature(secret, ts, nonce, method, path, body)}


def check(
    secret: str,
    headers: dict[str, str],
    method: str,
    path: str,
    body: bytes,
    *,
    skew_seconds: int,
    now: float | None = None,
) -> str | None:
    """None when the signature and timestamp hold, else the reason (the nonce is the caller's)."""
    ts, nonce, sig = headers.get(HEADER_TS, ""), headers.get(HEADER_NONCE, ""), headers.get(HEADER_SIG, "")
    if not ts or not nonce or not sig or len(nonce) > 64:
        return "missing_signature"
    expected = signature(secret, ts, nonce, method, path, body)
    if not hmac.compare_digest(expected, sig.lower()):
        return "bad_signature"
    try:
        stamp = int(ts)
    except ValueError:
        return "bad_signature"
    if abs((now if now is not None else time.time()) - stamp) > skew_seconds:
        return "stale_timestamp"
    return None


def lower_headers(headers: object) -> dict[str, str]:
    """Header lookup by the canonical names, whatever case the client sent."""
    items = headers.items() if hasattr(headers, "items") else []
    by_lower = {str(k).lower(): str(v) for k, v in items}
    return {name: by_lower.get(name.lower(), "") for name in (HEADER_TS, HEADER_NONCE, HEADER_SIG)}
