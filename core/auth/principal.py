"""Who is calling: a user reached through a login session or an API token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from core.tenancy.context import Tenant


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request (``request.user``): user id and name, how they came
    in (a login session or an API token), whether they are a platform admin (who holds every
    permission everywhere), and their roles per community and per street office."""

    user_id: int
    username: str
    display_name: str
    via: Literal["session", "token"]
    is_platform_admin: bool = False
    community_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    office_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    csrf_token: str | None = None
    token_key_id: str | None = None

    def roles_in(self, tenant: Tenant) -> frozenset[str]:
        """Roles that apply in this community, office roles over it included."""
        roles = set(self.community_roles.get(tenant.community_id, ()))
        roles |= self.office_roles.get(tenant.office_id, frozenset())
        if self.is_platform_admin:
            roles.add("platform_admin")
        return frozenset(roles)

    def roles_in_office(self, office_id: int) -> frozenset[str]:
        roles = set(self.office_roles.get(office_id, ()))
        if self.is_platform_admin:
            roles.add("platform_admin")
        return frozenset(roles)
