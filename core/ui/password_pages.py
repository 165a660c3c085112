"""Changing one's own password (a resident's first password was chosen by staff): the current
one, the new one twice. Other sessions of the account end; this one stays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from core.auth.guards import principal_of, requires
from core.errors import InvalidInput
from core.runtime import state_of
from core.ui.chrome import chrome
from core.ui.render import page


@dataclass
class PasswordForm:
    current: str = ""
    new: str = ""
    repeat: str = ""


@get("/c/{community:str}/password", guards=[requires("community.view")])
async def password_form(request: Request) -> Response:
    return page(request, "password.html", **await chrome(request), errors={}, done=False)


@post("/c/{community:str}/password", guards=[requires("community.view")])
async def password_submit(
    request: Request, data: Annotated[PasswordForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response:
    from core.auth.credentials import SESSION_COOKIE, end_sessions
    from core.auth.passwords import verify_password
    from core.auth.tables import User
    from core.auth.users import set_password

    runtime, principal = state_of(request.app), principal_of(request)
    ui = await chrome(request)
    client = request.client.host if request.client else "?"
    try:
        if await runtime.login_limiter.blocked(client):
            raise InvalidInput("Too many attempts from this device. Wait a few minutes.", field="current")
        row = await User.select(User.password_hash).where(User.id == principal.user_id).first().run()
        if row is None or not verify_password(row["password_hash"], data.current):
            await runtime.login_limiter.failed(client)
            raise InvalidInput("this is not your current password", field="current")
        if data.new != data.repeat:
            raise InvalidInput("the two new passwords differ", field="repeat")
        try:
            await set_password(principal.username, data.new, actor_id=principal.user_id)
        except InvalidInput as exc:
            raise InvalidInput(str(exc), field="new") from None
    except InvalidInput as exc:
        return page(
            request, "password.html", status=400, **ui, errors={exc.field or "": str(exc)}, done=False
        )
    # Every other login of the account ends; this one stays.
    await end_sessions(principal.user_id, keep=request.cookies.get(SESSION_COOKIE) or None)
    return page(request, "password.html", **ui, errors={}, done=True)


PASSWORD_PAGES = [password_form, password_submit]
