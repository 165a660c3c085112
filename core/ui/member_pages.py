"""Users and roles of a community: who holds which role, add a person's login with a role (a new
account, or an existing one by username or phone), remove a role. Residents added here are linked
to their register entry from the person's page (or join by invitation code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class MemberForm:
    login: str = ""  # a username or phone number; an existing account gets the role
    display_name: str = ""
    phone: str = ""
    password: str = ""
    role: str = "community_staff"


def _roles(request: Request) -> list[Any]:
    table = state_of(request.app).roles
    return [r for r in table.roles.values() if r.scope == "community"]


async def _render(
    request: Request,
    *,
    form: MemberForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
    residents: bool = False,
) -> Response:
    """Staff and volunteers; residents (thousands, in a large community) only when asked for."""
    from core.auth.tables import Membership

    ui = await chrome(request)
    mine = Membership.community == current_tenant().community_id
    resident_count = await Membership.count().where(mine & (Membership.role == "resident")).run()
    members = (
        await Membership.select(
            Membership.id,
            Membership.role,
            Membership.created_at,
            Membership.user.id.as_alias("user_id"),
            Membership.user.username.as_alias("username"),
            Membership.user.display_name.as_alias("display_name"),
        )
        .where(mine & ((Membership.role == "resident") if residents else (Membership.role != "resident")))
        .order_by(Membership.role)
        .order_by(Membership.id)
        .limit(500)
        .run()
    )
    labels = {r.name: r for r in _roles(request)}
    return page(
        request,
        "members.html",
        status=status,
        **ui,
        members=members,
        roles=_roles(request),
        labels=labels,
        form=form or MemberForm(),
        errors=errors or {},
        notice=notice,
        can_manage="members.manage" in ui["permissions"],
        me=principal_of(request).user_id,
        residents=residents,
        resident_count=resident_count,
    )


@get("/c/{community:str}/members", guards=[requires("members.view")])
async def members_page(request: Request, residents: FromQuery[bool] = False) -> Response:
    return await _render(request, residents=residents)


@post("/c/{community:str}/members", guards=[requires("members.manage")])
async def add_member(request: Request, data: Annotated[MemberForm, FORM]) -> Response:
    from core.auth.tables import User
    from core.auth.users import create_user, grant_role

    runtime, actor = state_of(request.app), principal_of(request).user_id
    kept = MemberForm(data.login, data.display_name, data.phone, "", data.role)
    login = data.login.strip()
    try:
        if data.role not in {r.name for r in _roles(request)}:
            raise InvalidInput("choose a role", field="role")
        if not login:
            raise InvalidInput("is required", field="login")
        field = User.phone if login.isdigit() else User.username
        existing = await User.select(User.username).where(field == login).first().run()
        if existing is None:
            if login.isdigit():
                raise InvalidInput(
                    "no account has this phone number; give a username for a new account", field="login"
                )
            await create_user(
                login,
                data.password,
                display_name=data.display_name.strip(),
                phone=data.phone.strip() or None,
                actor_id=actor,
            )
            username = login
        else:
            username = existing["username"]
        done = await grant_role(
            runtime.roles, username, data.role, community=current_tenant().slug, actor_id=actor
        )
    except (InvalidInput, Conflict) as exc:
        field_name = getattr(exc, "field", None) or ""
        if field_name == "username":
            field_name = "login"
        return await _render(request, form=kept, errors={field_name: str(exc)}, status=400)
    if not done["created"]:
        return await _render(request, notice="already", status=200)
    return Redirect(f"/c/{current_tenant().slug}/members", status_code=303)


@post("/c/{community:str}/members/{membership_id:int}/remove", guards=[requires("members.manage")])
async def remove_member(request: Request, membership_id: FromPath[int]) -> Response:
    from core.auth.tables import Membership
    from core.auth.users import revoke_membership
    from core.residents.accounts import unlink_user

    tenant, actor = current_tenant(), principal_of(request).user_id
    row = (
        await Membership.select(Membership.user, Membership.role)
        .where((Membership.id == membership_id) & (Membership.community == tenant.community_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such membership")
    if row["user"] == actor and row["role"] == "community_admin":
        return await _render(
            request, errors={"": "you cannot remove your own administrator role"}, status=409
        )
    await revoke_membership(membership_id, tenant.community_id, actor_id=actor)
    if row["role"] == "resident":
        await unlink_user(row["user"], actor_id=actor)
    return Redirect(f"/c/{tenant.slug}/members", status_code=303)


MEMBER_PAGES = [members_page, add_member, remove_member]
