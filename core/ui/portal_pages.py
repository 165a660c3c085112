"""The resident portal: joining with an invitation code, and "my home" (household, dwelling,
my requests with their state and the reason when one waits, the modules switched on here).

A resident's account is linked to their person of the register (``core.residents.accounts``);
an account that is not (yet) linked still sees its own requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.auth.login import log_in, set_session_cookie
from core.db.engine import write_transaction
from core.errors import Conflict, InvalidInput
from core.residents.categories import RESIDENCY_ROLES
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome, dashboard_cards
from core.ui.render import page
from core.web.headers import cross_site

PUBLIC_FORM = {"public": True, "csrf_exempt": True, "transaction": False}


@dataclass
class JoinForm:
    code: str = ""
    phone: str = ""
    password: str = ""


@get("/c/{community:str}/join", opt={"public": True})
async def join_form(request: Request) -> Response:
    return page(request, "join.html", form=JoinForm(), error=None, field=None)


@post("/c/{community:str}/join", opt=PUBLIC_FORM)
async def join_submit(
    request: Request, data: Annotated[JoinForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response:
    """Redeem the code, then log straight in (the phone number is the login name)."""
    from core.residents.accounts import redeem_invitation

    runtime = state_of(request.app)
    client = request.client.host if request.client else "?"
    kept = JoinForm(code=data.code, phone=data.phone)  # never the password
    if cross_site(request.scope):
        return page(request, "join.html", status=403, form=kept, error="cross_site", field=None)
    if await runtime.login_limiter.blocked(client):
        return page(request, "join.html", status=429, form=kept, error="throttled", field=None)
    try:
        async with write_transaction(runtime.engine):
            await redeem_invitation(
                runtime.roles, data.code, phone=data.phone.strip(), password=data.password
            )
    except (InvalidInput, Conflict) as exc:
        await runtime.login_limiter.failed(client)
        return page(request, "join.html", status=400, form=kept, error=str(exc), field=exc.field)
    done = await log_in(runtime, data.phone.strip(), data.password, client)
    response: Response = Redirect(f"/c/{current_tenant().slug}/home", status_code=303)
    set_session_cookie(response, runtime, done.session_id)
    return response


@get("/c/{community:str}/home", guards=[requires("household.view_own")])
async def my_home(request: Request) -> Response:
    from core.cases.tables import Case
    from core.residents.accounts import household_of, person_of_user

    runtime, tenant = state_of(request.app), current_tenant()
    ui = await chrome(request)
    user_id = principal_of(request).user_id
    person_id = await person_of_user(user_id)
    home = await household_of(person_id) if person_id is not None else None
    requests = (
        await Case.select(
            Case.id,
            Case.number,
            Case.title,
            Case.state,
            Case.hold_reason,
            Case.reject_reason,
            Case.created_at,
        )
        .where(Case.requester_user_id == user_id)
        .order_by(Case.id, ascending=False)
        .limit(10)
        .run()
    )
    cards = await dashboard_cards(runtime, tenant, ui["user_ref"])
    modules = [n for n in ui["nav"] if n.get("plugin")]
    return page(
        request,
        "home.html",
        **ui,
        person_id=person_id,
        home=home,
        requests=requests,
        cards=cards,
        modules=modules,
        roles=RESIDENCY_ROLES,
    )


PORTAL_PAGES = [join_form, join_submit, my_home]
