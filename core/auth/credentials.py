"""Turning a bearer token or a session cookie into a :class:`Principal`.

Tokens look like ``lnl_<key id>_<secret>``; only SHA-256 of the secret is stored (the secret is
256 random bits, so a slow hash adds nothing). Sessions are random ids whose hash is stored.
Verified tokens are cached briefly per process; revoking one clears it here at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections import defaultdict
from typing import Any

from core.auth.principal import Principal
from core.auth.tables import ApiToken, Membership, User, UserSession

TOKEN_PREFIX = "lnl"
SESSION_COOKIE = "linli_session"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_token_secret() -> tuple[str, str, str]:
    """(key id, secret, full token). The full token is shown once and never stored."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return key_id, secret, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def hash_secret(secret: str) -> str:
    return _sha256(secret)


class CredentialCache:
    def __init__(self, ttl_seconds: float):
        self.ttl = ttl_seconds
        self._tokens: dict[str, tuple[float, Principal | None, str]] = {}

    def forget_token(self, key_id: str) -> None:
        self._tokens.pop(key_id, None)

    def clear(self) -> None:
        self._tokens.clear()

    async def from_token(self, raw: str) -> Principal | None:
        parts = raw.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        _, key_id, secret = parts
        hit = self._tokens.get(key_id)
        mono = time.monotonic()
        if hit is None or hit[0] <= mono:
            principal, secret_hash = await _load_token(key_id)
            hit = (mono + self.ttl, principal, secret_hash)
            self._tokens[key_id] = hit
        _, principal, secret_hash = hit
        if principal is None or not hmac.compare_digest(secret_hash, hash_secret(secret)):
            return None
        return principal


async def _load_token(key_id: str) -> tuple[Principal | None, str]:
    row = (
        await ApiToken.select(
            ApiToken.secret_hash,
            ApiToken.community.id,
            ApiToken.role,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.user.id,
            ApiToken.user.username,
            ApiToken.user.display_name,
            ApiToken.user.active,
        )
        .where(ApiToken.key_id == key_id)
        .first()
        .run()
    )
    if row is None or row["revoked_at"] is not None or not row["user.active"]:
        return None, ""
    if row["expires_at"] is not None and _aware(row["expires_at"]) <= now():
        return None, ""
    principal = Principal(
        user_id=row["user.id"],
        username=row["user.username"],
        display_name=row["user.display_name"],
        via="token",
        community_roles={row["community.id"]: frozenset({row["role"]})},
        token_key_id=key_id,
    )
    return principal, row["secret_hash"]


async def principal_for_user(
    user: dict[str, Any], *, via: str = "session", csrf_token: str | None = None
) -> Principal:
    memberships = (
        await Membership.select(
            Membership.community,
            Membership.office,
            Membership.role,
        )
        .where(Membership.user == user["id"])
        .run()
    )
    community_roles: dict[int, set[str]] = defaultdict(set)
    office_roles: dict[int, set[str]] = defaultdict(set)
    for m in memberships:
        if m["community"] is not None:
            community_roles[m["community"]].add(m["role"])
        elif m["office"] is not None:
            office_roles[m["office"]].add(m["role"])
    return Principal(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        via=via,  # type: ignore[arg-type]
        is_platform_admin=bool(user["is_platform_admin"]),
        community_roles={k: frozenset(v) for k, v in community_roles.items()},
        office_roles={k: frozenset(v) for k, v in office_roles.items()},
        csrf_token=csrf_token,
    )


async def from_session(session_id: str) -> Principal | None:
    row = (
        await UserSession.select(
            UserSession.id,
            UserSession.csrf_token,
            UserSession.expires_at,
            UserSession.user.id,
            UserSession.user.username,
            UserSession.user.display_name,
            UserSession.user.is_platform_admin,
            UserSession.user.active,
        )
        .where(UserSession.id_hash == _sha256(session_id))
        .first()
        .run()
    )
    if row is None or not row["user.active"] or _aware(row["expires_at"]) <= now():
        return None
    user = {
        "id": row["user.id"],
        "username": row["user.username"],
        "display_name": row["user.display_name"],
        "is_platform_admin": row["user.is_platform_admin"],
    }
    return await principal_for_user(user, csrf_token=row["csrf_token"])


async def open_session(user_id: int, ttl_hours: int) -> tuple[str, str]:
    """Create a session; returns (cookie value, CSRF token)."""
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    stamp = now()
    await UserSession.insert(
        UserSession(
            id_hash=_sha256(session_id),
            user=user_id,
            csrf_token=csrf,
            created_at=stamp,
            expires_at=stamp + dt.timedelta(hours=ttl_hours),
            last_seen_at=stamp,
        )
    ).run()
    return session_id, csrf


async def close_session(session_id: str) -> None:
    await UserSession.delete().where(UserSession.id_hash == _sha256(session_id)).run()


async def end_sessions(user_id: int, *, keep: str | None = None) -> None:
    """End every login of ``user_id`` (a new password), except the session ``keep`` if given."""
    query = UserSession.delete().where(UserSession.user == user_id)
    if keep:
        query = query.where(UserSession.id_hash != _sha256(keep))
    await query.run()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


__all__ = [
    "SESSION_COOKIE",
    "CredentialCache",
    "User",
    "close_session",
    "from_session",
    "open_session",
    "principal_for_user",
]
