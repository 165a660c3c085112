"""Identity spans communities (one person may serve in two), so these are platform tables."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from core.db.base import LinliTable
from core.tenancy.tables import Community, StreetOffice


class User(LinliTable, tablename="app_user"):
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100, default="")
    phone = Varchar(length=20, null=True, default=None, unique=True)
    password_hash = Varchar(length=200, default="")
    is_platform_admin = Boolean(default=False)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Membership(LinliTable, tablename="membership"):
    """A user's role in one community or one street office (exactly one of the two is set)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    community = ForeignKey(Community, null=True, default=None, on_delete=OnDelete.cascade)
    office = ForeignKey(StreetOffice, null=True, default=None, on_delete=OnDelete.cascade)
    role = Varchar(length=64)
    created_at = Timestamptz()


class ApiToken(LinliTable, tablename="api_token"):
    """A bearer token for an API client or device: scoped to one community and one role."""

    key_id = Varchar(length=32, unique=True)
    secret_hash = Varchar(length=128)
    name = Varchar(length=100)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    community = ForeignKey(Community, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=64)
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)


class UserSession(LinliTable, tablename="user_session"):
    """A server-side login session; the cookie holds the id, the table only its hash."""

    id_hash = Varchar(length=128, unique=True)
    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    last_seen_at = Timestamptz()


class LoginFailure(LinliTable, tablename="login_failure"):
    """One failed attempt from a client address (``core.auth.ratelimit.DatabaseAttempts``)."""

    key = Varchar(length=64, index=True)
    at = Timestamptz(index=True)
