"""Staff give a resident the portal: an account made on the spot (phone + first password), or a
single-use invitation code shown once on the person's page, to print or read out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.person_pages import _view
from core.ui.render import page

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


@dataclass
class AccountForm:
    phone: str = ""
    password: str = ""


@post("/c/{community:str}/residents/{person_id:int}/account", guards=[requires("residents.accounts")])
async def create_account(
    request: Request, person_id: FromPath[int], data: Annotated[AccountForm, FORM]
) -> Response:
    from core.residents.accounts import create_account as create

    view = await _view(request, person_id)  # 404 outside the caller's scope
    try:
        await create(
            state_of(request.app).roles,
            person_id,
            phone=data.phone.strip(),
            password=data.password,
            actor_id=principal_of(request).user_id,
        )
    except (InvalidInput, Conflict) as exc:
        return page(
            request,
            "person.html",
            status=400,
            **view,
            error=None,
            account_error=str(exc),
            account_field=exc.field,
            account_phone=data.phone,
        )
    return Redirect(f"/c/{current_tenant().slug}/residents/{person_id}#account", status_code=303)


@post("/c/{community:str}/residents/{person_id:int}/invitations", guards=[requires("residents.accounts")])
async def invite(request: Request, person_id: FromPath[int]) -> Response:
    from core.residents.accounts import create_invitation

    view = await _view(request, person_id)
    try:
        invitation = await create_invitation(person_id, actor_id=principal_of(request).user_id)
    except Conflict as exc:
        return page(request, "person.html", status=409, **view, error=None, account_error=str(exc))
    view = await _view(request, person_id)  # with the new open invitation listed
    join = f"{request.base_url}c/{current_tenant().slug}/join".replace("//c/", "/c/")
    return page(request, "invitation.html", **view, invitation=invitation, join_url=join)


@get("/c/{community:str}/residents/{person_id:int}/invitations", guards=[requires("residents.accounts")])
async def back_to_person(person_id: FromPath[int]) -> Response:
    """A reload of the shown code lands on the person's page: a code is shown once."""
    return Redirect(f"/c/{current_tenant().slug}/residents/{person_id}#account", status_code=303)


@dataclass
class PasswordForm:
    password: str = ""


@post(
    "/c/{community:str}/residents/{person_id:int}/account/password", guards=[requires("residents.accounts")]
)
async def reset_password(
    request: Request, person_id: FromPath[int], data: Annotated[PasswordForm, FORM]
) -> Response:
    from core.residents.accounts import reset_password as reset

    view = await _view(request, person_id)
    try:
        await reset(person_id, data.password, actor_id=principal_of(request).user_id)
    except InvalidInput as exc:
        return page(
            request,
            "person.html",
            status=400,
            **view,
            error=None,
            account_error=str(exc),
            account_field="new_password",
        )
    return Redirect(f"/c/{current_tenant().slug}/residents/{person_id}?reset=1#account", status_code=303)


@post(
    "/c/{community:str}/residents/{person_id:int}/invitations/{invitation_id:int}/cancel",
    guards=[requires("residents.accounts")],
)
async def cancel_invitation(
    request: Request, person_id: FromPath[int], invitation_id: FromPath[int]
) -> Response:
    from core.residents.accounts import cancel_invitation as cancel

    await _view(request, person_id)
    await cancel(person_id, invitation_id, actor_id=principal_of(request).user_id)
    return Redirect(f"/c/{current_tenant().slug}/residents/{person_id}#account", status_code=303)


ACCOUNT_PAGES = [create_account, invite, back_to_person, reset_password, cancel_invitation]
