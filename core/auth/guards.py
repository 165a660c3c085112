"""Route guards: every route declares who may call it; handlers never check ad hoc.

Outcomes are uniform so the isolation matrix can predict them:

* no credentials -> 401
* a caller with no role in this community (or office) -> 404, exactly like a missing one
* a caller with a role that lacks the permission -> 403
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from core.auth.principal import Principal
from core.runtime import state_of
from core.tenancy.context import current_tenant_or_none


def principal_of(connection: ASGIConnection) -> Principal:
    principal = connection.scope.get("user")
    if principal is None:
        raise NotAuthorizedException("login required")
    return principal


def holds(connection: ASGIConnection, permission: str) -> bool:
    """Whether the caller's roles in the current community grant ``permission`` (no raising:
    for handlers that show more to some callers, not for access itself — that is ``requires``)."""
    tenant = current_tenant_or_none()
    principal = connection.scope.get("user")
    if tenant is None or principal is None:
        return False
    return _grants(connection, principal.roles_in(tenant), permission)


def holds_in_office(connection: ASGIConnection, permission: str) -> bool:
    """``holds`` for the street office of the route (``/o/{office}``): whether the caller's
    office roles grant ``permission``; access itself is ``requires_office``."""
    office_id = connection.scope.get("state", {}).get("office_id")
    principal = connection.scope.get("user")
    if office_id is None or principal is None:
        return False
    return _grants(connection, principal.roles_in_office(office_id), permission)


def _grants(connection: ASGIConnection, roles: Iterable[str], permission: str) -> bool:
    table = state_of(connection.app).roles
    return any(table.has(role, permission) for role in roles)


def requires(permission: str) -> Guard:
    """Community route guard: the caller's roles in the current community must grant ``permission``."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        tenant = current_tenant_or_none()
        if tenant is None:
            raise NotFoundException("not found")
        roles = principal.roles_in(tenant)
        if not roles:
            raise NotFoundException("no such community")
        table = state_of(connection.app).roles
        if not any(table.has(role, permission) for role in roles):
            raise PermissionDeniedException(f"this needs the permission '{permission}'")

    guard.__name__ = f"requires[{permission}]"
    guard.permission = permission  # type: ignore[attr-defined]
    return guard


def requires_office(permission: str) -> Guard:
    """Street-office route guard, for routes under ``/api/v1/o/{office}``."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        principal = principal_of(connection)
        office_id = connection.scope.get("state", {}).get("office_id")
        if office_id is None:
            raise NotFoundException("no such street office")
        roles = principal.roles_in_office(office_id)
        if not roles:
            raise NotFoundException("no such street office")
        if not _grants(connection, roles, permission):
            raise PermissionDeniedException(f"this needs the permission '{permission}'")

    guard.__name__ = f"requires_office[{permission}]"
    guard.permission = permission  # type: ignore[attr-defined]
    return guard


async def platform_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Only platform administrators; anyone else is told the route is not there."""
    principal = principal_of(connection)
    if not principal.is_platform_admin:
        raise NotFoundException("not found")


async def authenticated(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Any logged-in caller (their own account routes)."""
    principal_of(connection)
