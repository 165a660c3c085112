"""Login, logout, who-am-I; community members and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody

from core.audit import audit
from core.auth.credentials import (
    SESSION_COOKIE,
    close_session,
    hash_secret,
    new_token_secret,
    now,
)
from core.auth.guards import authenticated, principal_of, requires
from core.auth.login import log_in, set_session_cookie
from core.auth.tables import ApiToken, Membership
from core.auth.users import grant_role, revoke_membership
from core.errors import InvalidInput, NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.tenancy.tables import Community, StreetOffice
from core.web.bodies import Body, Int32


class LoginIn(Body):
    username: str  # a username or an 11-digit phone number
    password: str


class MemberIn(Body):
    username: str
    role: str


class TokenIn(Body):
    name: str
    role: str
    expires_in_days: Int32 | None = 90


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", opt={"public": True, "csrf_exempt": True, "transaction": False}, status_code=200)
    async def login(self, request: Request, data: JSONBody[LoginIn]) -> Response:
        runtime = state_of(request.app)
        client = request.client.host if request.client else "?"
        done = await log_in(runtime, data.username, data.password, client)
        response = Response(
            {
                "username": done.user["username"],
                "display_name": done.user["display_name"],
                "csrf_token": done.csrf_token,
            }
        )
        set_session_cookie(response, runtime, done.session_id)
        return response

    @post("/logout", guards=[authenticated], status_code=200)
    async def logout(self, request: Request) -> Response:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            await close_session(session_id)
        response = Response({"logged_out": True})
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @get("/me", guards=[authenticated])
    async def me(self, request: Request) -> dict[str, Any]:
        principal = principal_of(request)
        communities = {
            r["id"]: r["slug"]
            for r in await Community.select(Community.id, Community.slug)
            .where(Community.id.is_in(list(principal.community_roles) or [0]))
            .run()
        }
        offices = {
            r["id"]: r["slug"]
            for r in await StreetOffice.select(StreetOffice.id, StreetOffice.slug)
            .where(StreetOffice.id.is_in(list(principal.office_roles) or [0]))
            .run()
        }
        return {
            "username": principal.username,
            "display_name": principal.display_name,
            "platform_admin": principal.is_platform_admin,
            "via": principal.via,
            "csrf_token": principal.csrf_token,
            "communities": [
                {"slug": communities.get(cid), "roles": sorted(roles)}
                for cid, roles in principal.community_roles.items()
            ],
            "offices": [
                {"slug": offices.get(oid), "roles": sorted(roles)}
                for oid, roles in principal.office_roles.items()
            ],
        }


class MembersController(Controller):
    path = "/api/v1/c/{community:str}/members"
    tags = ["members"]

    @get("/", guards=[requires("members.view")])
    async def list_members(self) -> list[dict[str, Any]]:
        tenant = current_tenant()
        rows = (
            await Membership.select(
                Membership.id,
                Membership.role,
                Membership.user.username,
                Membership.user.display_name,
            )
            .where(Membership.community == tenant.community_id)
            .order_by(Membership.id)
            .run()
        )
        return [
            {
                "id": r["id"],
                "role": r["role"],
                "username": r["user.username"],
                "display_name": r["user.display_name"],
            }
            for r in rows
        ]

    @post("/", guards=[requires("members.manage")])
    async def add_member(self, request: Request, data: JSONBody[MemberIn]) -> dict[str, Any]:
        runtime = state_of(request.app)
        tenant = current_tenant()
        if not runtime.roles.is_role(data.role, "community"):
            raise InvalidInput(f"not a community role: {data.role}", field="role")
        result = await grant_role(
            runtime.roles,
            data.username,
            data.role,
            community=tenant.slug,
            actor_id=principal_of(request).user_id,
        )
        return result

    @delete("/{membership_id:int}", guards=[requires("members.manage")], status_code=200)
    async def remove_member(self, request: Request, membership_id: FromPath[int]) -> dict[str, Any]:
        await revoke_membership(
            membership_id, current_tenant().community_id, actor_id=principal_of(request).user_id
        )
        return {"id": membership_id, "removed": True}


class TokensController(Controller):
    path = "/api/v1/c/{community:str}/tokens"
    tags = ["tokens"]

    @get("/", guards=[requires("tokens.manage")])
    async def list_tokens(self) -> list[dict[str, Any]]:
        rows = (
            await ApiToken.select(
                ApiToken.key_id,
                ApiToken.name,
                ApiToken.role,
                ApiToken.expires_at,
                ApiToken.revoked_at,
                ApiToken.created_at,
            )
            .where(ApiToken.community == current_tenant().community_id)
            .order_by(ApiToken.id)
            .run()
        )
        return rows

    @post("/", guards=[requires("tokens.manage")])
    async def create_token(self, request: Request, data: JSONBody[TokenIn]) -> dict[str, Any]:
        runtime = state_of(request.app)
        tenant = current_tenant()
        principal = principal_of(request)
        if not data.name.strip():
            raise InvalidInput("must not be empty", field="name")
        if not runtime.roles.is_role(data.role, "community"):
            raise InvalidInput(f"not a community role: {data.role}", field="role")
        # Nobody hands out more than they hold: the token's role must be one of the creator's.
        held = principal.roles_in(tenant)
        if data.role not in held and not held & {"community_admin", "platform_admin"}:
            raise InvalidInput("you can only issue tokens for roles you hold", field="role")
        if data.expires_in_days is not None and not 1 <= data.expires_in_days <= 730:
            raise InvalidInput("must be between 1 and 730 days", field="expires_in_days")
        expires = None if data.expires_in_days is None else now() + dt.timedelta(days=data.expires_in_days)
        if principal.via == "token":
            # A token minting a token: the new one never outlives the one that made it.
            own = (
                await ApiToken.select(ApiToken.expires_at)
                .where(ApiToken.key_id == (principal.token_key_id or ""))
                .first()
                .run()
            )
            limit = own["expires_at"] if own else None
            if limit is not None:
                limit = limit if limit.tzinfo else limit.replace(tzinfo=dt.UTC)
                if expires is None or expires > limit:
                    raise InvalidInput(
                        f"a token cannot issue one that outlives it (it expires {limit:%Y-%m-%d})",
                        field="expires_in_days",
                    )
        key_id, secret, token = new_token_secret()
        await ApiToken.insert(
            ApiToken(
                key_id=key_id,
                secret_hash=hash_secret(secret),
                name=data.name.strip(),
                user=principal.user_id,
                community=tenant.community_id,
                role=data.role,
                expires_at=expires,
                created_at=now(),
            )
        ).run()
        await audit(
            "token.created",
            actor_id=principal.user_id,
            subject=key_id,
            detail={"name": data.name, "role": data.role},
        )
        return {
            "key_id": key_id,
            "token": token,
            "role": data.role,
            "expires_at": expires,
            "note": "the token is shown once; store it now",
        }

    @delete("/{key_id:str}", guards=[requires("tokens.manage")], status_code=200)
    async def revoke_token(self, request: Request, key_id: FromPath[str]) -> dict[str, Any]:
        tenant = current_tenant()
        row = (
            await ApiToken.select(ApiToken.id, ApiToken.revoked_at)
            .where((ApiToken.key_id == key_id) & (ApiToken.community == tenant.community_id))
            .first()
            .run()
        )
        if row is None:
            raise NotFound("no such token")
        if row["revoked_at"] is None:
            await ApiToken.update({ApiToken.revoked_at: now()}).where(ApiToken.id == row["id"]).run()
            await audit("token.revoked", actor_id=principal_of(request).user_id, subject=key_id)
        state_of(request.app).credentials.forget_token(key_id)
        return {"key_id": key_id, "revoked": True}


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
