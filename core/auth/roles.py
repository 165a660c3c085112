"""Roles and permissions: the core's own, plus whatever plugins add through hooks.

Guards ask one question: does this role hold this permission? The table is built once at boot
from core defaults and every loaded plugin's ``register_permissions`` / ``register_roles``.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.plugins.types import Permission, Role

CORE_ROLES: tuple[Role, ...] = (
    Role("platform_admin", "平台管理员", "Platform administrator", "platform"),
    Role("office_admin", "街道管理员", "Street-office administrator", "office"),
    Role("office_official", "街道工作人员", "Street-office official", "office"),
    Role("community_admin", "社区管理员", "Community administrator"),
    Role("community_staff", "社区工作人员", "Community staff"),
    Role("grid_worker", "网格员", "Grid worker"),
    Role("volunteer", "志愿者", "Volunteer"),
    Role("resident", "居民", "Resident"),
)

_STAFF = ("community_admin", "community_staff")
_OFFICE = ("office_admin", "office_official")

CORE_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "community.view",
        "See the community's profile",
        (*_STAFF, "grid_worker", "volunteer", "resident", *_OFFICE),
    ),
    Permission("community.edit", "Edit the community's profile", ("community_admin", "office_admin")),
    Permission("community.archive", "Archive a community", ("office_admin",)),
    Permission("plugins.view", "See which modules are on", (*_STAFF, *_OFFICE)),
    Permission("plugins.manage", "Switch modules on or off and change their settings", ("community_admin",)),
    Permission("members.view", "See the community's staff and their roles", (*_STAFF, "office_admin")),
    Permission("members.manage", "Grant and revoke roles in the community", ("community_admin",)),
    Permission("tokens.manage", "Create and revoke API tokens", ("community_admin",)),
    Permission("audit.view", "Read the audit log", ("community_admin", "office_admin")),
    Permission("events.view", "See event deliveries and dead letters", ("community_admin",)),
    Permission("places.edit", "Create and change compounds, buildings, units and dwellings", _STAFF),
    Permission(
        "residents.view",
        "See the register (masked), within one's grid for grid workers",
        (*_STAFF, "grid_worker"),
    ),
    Permission(
        "residents.edit",
        "Register persons, move them in and out, record vulnerabilities",
        (*_STAFF, "grid_worker"),
    ),
    Permission(
        "residents.view_sensitive",
        "Reveal full phone and ID numbers (each reveal audited)",
        ("community_admin",),
    ),
    Permission("residents.accounts", "Create residents' portal accounts and invitation codes", _STAFF),
    Permission(
        "household.view_own", "See one's own household and home (residents linked to a person)", ("resident",)
    ),
    Permission("residents.import", "Import the register from a spreadsheet", _STAFF),
    Permission("residents.export", "Export the register to a spreadsheet", _STAFF),
    Permission(
        "residents.privacy", "Export or erase one person's data on their request", ("community_admin",)
    ),
    Permission("grids.view", "See grids (grid workers: their own)", (*_STAFF, "grid_worker", "volunteer")),
    Permission("grids.manage", "Create grids, assign places and people, generate visit plans", _STAFF),
    Permission(
        "visits.record",
        "See visits due and record visits (grid workers: in their grids)",
        (*_STAFF, "grid_worker", "volunteer"),
    ),
    Permission("cases.view", "See cases (residents: their own)", (*_STAFF, "grid_worker", "resident")),
    Permission(
        "cases.create",
        "Report a case (residents for themselves, staff on behalf)",
        (*_STAFF, "grid_worker", "resident"),
    ),
    Permission(
        "cases.manage", "Accept, assign, progress, escalate and annotate cases", (*_STAFF, "grid_worker")
    ),
    Permission("cases.configure", "Set the community's SLA hours per case type", ("community_admin",)),
    Permission("cases.feedback", "Give feedback on a resolved case", (*_STAFF, "resident")),
    Permission(
        "attachments.view",
        "See files attached to records one may see",
        (*_STAFF, "grid_worker", "volunteer", "resident"),
    ),
    Permission(
        "attachments.upload",
        "Attach files to records one may attach to (and remove one's own)",
        (*_STAFF, "grid_worker", "resident"),
    ),
    Permission("attachments.manage", "Remove files others attached", _STAFF),
    Permission("storage.view", "See the community's storage use and quota", (*_STAFF, *_OFFICE)),
    Permission("storage.manage", "Set the community's storage quota", ("office_admin",)),
    Permission("office.view", "See the street office and its communities' figures", _OFFICE),
    Permission("office.manage", "Create communities and set module policy", ("office_admin",)),
    Permission(
        "office.drill_down", "Open one community's records from the office (audited)", ("office_admin",)
    ),
)


class RoleTable:
    def __init__(self, roles: Iterable[Role], permissions: Iterable[Permission]):
        self.roles: dict[str, Role] = {}
        self.permissions: dict[str, Permission] = {}
        self._granted: dict[str, set[str]] = {}
        for role in roles:
            self.add_role(role)
        for perm in permissions:
            self.add_permission(perm)

    def add_role(self, role: Role) -> None:
        self.roles.setdefault(role.name, role)
        self._granted.setdefault(role.name, set())

    def add_permission(self, perm: Permission) -> None:
        self.permissions.setdefault(perm.name, perm)  # a plugin granting it keeps the first text
        for role in perm.roles:
            self._granted.setdefault(role, set()).add(perm.name)

    def has(self, role: str | None, permission: str) -> bool:
        if role is None:
            return False
        if role == "platform_admin":
            return True
        return permission in self._granted.get(role, ())

    def permissions_of(self, role: str | None) -> frozenset[str]:
        if role is None:
            return frozenset()
        if role == "platform_admin":
            return frozenset(self.permissions)
        return frozenset(self._granted.get(role, ()))

    def is_role(self, name: str, scope: str | None = None) -> bool:
        role = self.roles.get(name)
        return role is not None and (scope is None or role.scope == scope)
