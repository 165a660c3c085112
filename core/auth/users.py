"""Creating users and granting roles, shared by API, CLI and the demo loader."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from core.audit import audit
from core.auth.passwords import check_password_strength, hash_password
from core.auth.roles import RoleTable
from core.auth.tables import Membership, User
from core.errors import Conflict, InvalidInput, NotFound
from core.tenancy.tables import Community, StreetOffice

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")  # mainland mobile numbers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def create_user(
    username: str,
    password: str,
    *,
    display_name: str = "",
    phone: str | None = None,
    is_platform_admin: bool = False,
    actor_id: int | None = None,
) -> dict[str, Any]:
    if not USERNAME.match(username or ""):
        raise InvalidInput("3-64 characters of letters, digits, _ . @ -", field="username")
    weak = check_password_strength(password or "")
    if weak:
        raise InvalidInput(f"password {weak}", field="password")
    if phone is not None and not PHONE.match(phone):
        raise InvalidInput("must be an 11-digit mainland mobile number", field="phone")
    if await User.exists().where(User.username == username).run():
        raise Conflict("this username is taken", field="username")
    if phone is not None and await User.exists().where(User.phone == phone).run():
        raise Conflict("that phone number already has an account", field="phone")
    user = User(
        username=username,
        display_name=display_name or username,
        phone=phone,
        password_hash=hash_password(password),
        is_platform_admin=is_platform_admin,
        created_at=_now(),
    )
    await user.save().run()
    await audit("user.created", actor_id=actor_id, subject=username)
    return {"id": user.id, "username": username, "display_name": user.display_name}


async def user_by_username(username: str) -> dict[str, Any]:
    row = await User.select().where(User.username == username).first().run()
    if row is None:
        raise NotFound(f"no such user: {username}")
    return row


async def set_password(username: str, password: str, *, actor_id: int | None = None) -> None:
    weak = check_password_strength(password or "")
    if weak:
        raise InvalidInput(f"password {weak}", field="password")
    user = await user_by_username(username)
    await (
        User.update(
            {User.password_hash: hash_password(password), User.failed_logins: 0, User.locked_until: None}
        )
        .where(User.id == user["id"])
        .run()
    )
    await audit("user.password_set", actor_id=actor_id, subject=username)


async def grant_role(
    roles: RoleTable,
    username: str,
    role: str,
    *,
    community: str | None = None,
    office: str | None = None,
    actor_id: int | None = None,
) -> dict[str, Any]:
    """Give ``username`` the ``role`` in one community or one street office (idempotent)."""
    if (community is None) == (office is None):
        raise InvalidInput("name exactly one of community or office", field="community")
    scope = "community" if community else "office"
    if not roles.is_role(role, scope):
        raise InvalidInput(f"not a {scope} role: {role}", field="role")
    user = await user_by_username(username)
    if community:
        target = await Community.select(Community.id).where(Community.slug == community).first().run()
        if target is None:
            raise NotFound(f"no such community: {community}")
        where = (
            (Membership.user == user["id"])
            & (Membership.community == target["id"])
            & (Membership.role == role)
        )
        membership = Membership(user=user["id"], community=target["id"], role=role, created_at=_now())
    else:
        target = await StreetOffice.select(StreetOffice.id).where(StreetOffice.slug == office).first().run()
        if target is None:
            raise NotFound(f"no such street office: {office}")
        where = (
            (Membership.user == user["id"]) & (Membership.office == target["id"]) & (Membership.role == role)
        )
        membership = Membership(user=user["id"], office=target["id"], role=role, created_at=_now())
    existing = await Membership.select(Membership.id).where(where).first().run()
    if existing:
        return {"id": existing["id"], "username": username, "role": role, "created": False}
    await membership.save().run()
    await audit(
        "role.granted",
        actor_id=actor_id,
        subject=username,
        community_id=target["id"] if community else None,
        office_id=target["id"] if office else None,
        detail={"role": role},
    )
    return {"id": membership.id, "username": username, "role": role, "created": True}


async def revoke_membership(membership_id: int, community_id: int, *, actor_id: int | None) -> None:
    row = (
        await Membership.select(Membership.id, Membership.role, Membership.user.username)
        .where((Membership.id == membership_id) & (Membership.community == community_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such membership")
    await Membership.delete().where(Membership.id == membership_id).run()
    await audit(
        "role.revoked",
        actor_id=actor_id,
        community_id=community_id,
        subject=row["user.username"],
        detail={"role": row["role"]},
    )
