"""HTTP API of resident accounts: staff create one or issue an invitation code; the resident
redeems the code; a linked resident reads their own household."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import TooManyRequestsException
from litestar.params import FromPath, JSONBody

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.residents import accounts
from core.runtime import state_of
from core.web.bodies import Body, Int32


class AccountIn(Body):
    phone: str
    password: str


class InvitationIn(Body):
    valid_days: Int32 = accounts.DEFAULT_VALID_DAYS


class JoinIn(Body):
    code: str
    phone: str
    password: str


class ResidentAccountsController(Controller):
    path = "/api/v1/c/{community:str}"
    tags = ["register"]

    @post("/persons/{person_id:int}/account", guards=[requires("residents.accounts")])
    async def create_account(
        self, request: Request, person_id: FromPath[int], data: JSONBody[AccountIn]
    ) -> dict[str, Any]:
        from core.residents.routes import _person_in_scope

        await _person_in_scope(request, person_id)
        return await accounts.create_account(
            state_of(request.app).roles,
            person_id,
            phone=data.phone,
            password=data.password,
            actor_id=principal_of(request).user_id,
        )

    @post("/persons/{person_id:int}/invitations", guards=[requires("residents.accounts")])
    async def invite(
        self, request: Request, person_id: FromPath[int], data: JSONBody[InvitationIn]
    ) -> dict[str, Any]:
        from core.residents.routes import _person_in_scope

        await _person_in_scope(request, person_id)
        return await accounts.create_invitation(
            person_id, actor_id=principal_of(request).user_id, valid_days=data.valid_days
        )

    @post("/join", opt={"public": True, "csrf_exempt": True})
    async def join(self, request: Request, data: JSONBody[JoinIn]) -> dict[str, Any]:
        """Redeem an invitation code; then log in with the phone number and password."""
        runtime = state_of(request.app)
        client = request.client.host if request.client else "?"
        if await runtime.login_limiter.blocked(client):
            raise TooManyRequestsException("too many failed attempts from this address; wait a few minutes")
        try:
            linked = await accounts.redeem_invitation(
                runtime.roles, data.code, phone=data.phone, password=data.password
            )
        except (InvalidInput, Conflict, NotFound):
            await runtime.login_limiter.failed(client)
            raise
        return {"username": linked["username"], "linked": True}

    @get("/me/household", guards=[requires("household.view_own")])
    async def my_household(self, request: Request) -> dict[str, Any]:
        person_id = await accounts.person_of_user(principal_of(request).user_id)
        if person_id is None:
            raise NotFound("this account is not linked to a person of the register")
        return {"person_id": person_id, "home": await accounts.household_of(person_id)}
