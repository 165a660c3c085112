"""Checking a password and opening a session: one path for the API and the web pages.

Failures count per account (lockout after ``login_max_failures``) and per client address (a
sliding window); each is audited. The session cookie is HttpOnly, SameSite=Lax, Secure in
production.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Response
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException

from core.audit import audit
from core.auth.credentials import SESSION_COOKIE, now, open_session
from core.auth.passwords import verify_password
from core.auth.tables import User
from core.db.engine import write_transaction
from core.runtime import Runtime

WRONG_LOGIN = "wrong username or password"


@dataclass(frozen=True)
class LoggedIn:
    user: dict[str, Any]
    session_id: str
    csrf_token: str


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def log_in(runtime: Runtime, username: str, password: str, client: str) -> LoggedIn:
    """Raise NotAuthorized / TooManyRequests with a message fit to show, or open a session."""
    settings = runtime.settings
    if await runtime.login_limiter.blocked(client):
        raise TooManyRequestsException("too many failed attempts from this address; wait a few minutes")
    field = User.phone if username.isdigit() else User.username
    user = await User.select().where(field == username).first().run()
    stamp = now()
    locked_until = user["locked_until"] if user else None
    # A locked account answers like a wrong password, so the answer never confirms that a
    # username exists; the lockout itself is in the audit log.
    if locked_until is not None and _aware(locked_until) > stamp:
        await runtime.login_limiter.failed(client)
        raise NotAuthorizedException(WRONG_LOGIN)
    if user is None or not user["active"] or not verify_password(user["password_hash"], password):
        await runtime.login_limiter.failed(client)
        if user is not None:
            async with write_transaction(runtime.engine):
                failures = user["failed_logins"] + 1
                values: dict[Any, Any] = {User.failed_logins: failures}
                if failures >= settings.login_max_failures:
                    values[User.locked_until] = stamp + dt.timedelta(minutes=settings.lockout_minutes)
                    values[User.failed_logins] = 0
                await User.update(values).where(User.id == user["id"]).run()
                await audit(
                    "auth.login_failed",
                    actor_id=user["id"],
                    subject=user["username"],
                    detail={"client": client, "locked": failures >= settings.login_max_failures},
                )
        raise NotAuthorizedException(WRONG_LOGIN)
    async with write_transaction(runtime.engine):
        await User.update({User.failed_logins: 0, User.locked_until: None}).where(User.id == user["id"]).run()
        session_id, csrf = await open_session(user["id"], settings.session_ttl_hours)
        await audit("auth.login", actor_id=user["id"], subject=user["username"], detail={"client": client})
    return LoggedIn(user, session_id, csrf)


def set_session_cookie(response: Response, runtime: Runtime, session_id: str) -> None:
    settings = runtime.settings
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        secure=settings.profile == "production",
        path="/",
        max_age=settings.session_ttl_hours * 3600,
    )
