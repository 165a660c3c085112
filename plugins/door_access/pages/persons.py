"""Staff: one person's access — grants (with validity) and cards, given and taken back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, Refusal, form_post, person_in_scope, render_page, requires
from plugins.door_access import credentials, doors, grants
from plugins.door_access.callers import MANAGE, VIEW, access_of, actor
from plugins.door_access.pages.common import home


async def draw(request: Request, person_id: int, refusal: Refusal | None = None) -> Response:
    return await render_page(
        request,
        "door_access/person.html",
        status=refusal.status if refusal else 200,
        access=await access_of(person_id),
        groups=await grants.list_groups(),
        points=await doors.list_points(),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: Any, refusal: Refusal, person_id: int) -> Response:
    return await draw(request, person_id, refusal)


@get("/persons/{person_id:int}", guards=[requires(VIEW)])
async def person_page(request: Request, person_id: FromPath[int]) -> Response:
    await person_in_scope(request, person_id)  # a grid worker: only their grid's residents
    return await draw(request, person_id)


@dataclass
class GrantForm(Form):
    group_id: str = ""
    valid_until: str = ""
    note: str = ""


@form_post("/persons/{person_id:int}/grants", GrantForm, redraw=redraw, guards=[requires(MANAGE)])
async def person_grant(request: Request, form: GrantForm, person_id: int) -> Done:
    await grants.create_manual_grant(
        person_id=person_id,
        group_id=form.integer("group_id"),
        valid_from=dt.date.today(),
        valid_until=form.optional_date("valid_until"),
        note=form.text("note", max_length=300),
        actor_id=actor(request),
    )
    return Done(f"{home()}/persons/{person_id}", flash=("已授予通行权限。", "Access granted."))


async def _person_of_grant(grant_id: int) -> int | None:
    from plugins.door_access.tables import Grant

    row = await Grant.select(Grant.person_id).where(Grant.id == grant_id).first().run()
    return row["person_id"] if row else None


async def redraw_grant(request: Request, form: Any, refusal: Refusal, grant_id: int) -> Response:
    person_id = await _person_of_grant(grant_id)
    return await draw(request, person_id or 0, refusal)


@form_post("/grants/{grant_id:int}/revoke", None, redraw=redraw_grant, guards=[requires(MANAGE)])
async def grant_revoke(request: Request, form: None, grant_id: int) -> Done:
    person_id = await _person_of_grant(grant_id)
    await grants.revoke_grant(grant_id, "revoked on the person page")
    return Done(f"{home()}/persons/{person_id or ''}", flash=("已收回通行权限。", "Access revoked."))


@dataclass
class CardForm(Form):
    card_number: str = ""


@form_post("/persons/{person_id:int}/cards", CardForm, redraw=redraw, guards=[requires(MANAGE)])
async def person_card(request: Request, form: CardForm, person_id: int) -> Done:
    await credentials.issue(
        person_id, kind="card", card_number=form.raw("card_number"), actor_id=actor(request)
    )
    return Done(f"{home()}/persons/{person_id}", flash=("已发门卡。", "Card issued."))


async def redraw_credential(request: Request, form: Any, refusal: Refusal, credential_id: int) -> Response:
    row = await credentials.get(credential_id)
    return await draw(request, row["person_id"], refusal)


@form_post(
    "/credentials/{credential_id:int}/revoke", None, redraw=redraw_credential, guards=[requires(MANAGE)]
)
async def credential_revoke(request: Request, form: None, credential_id: int) -> Done:
    row = await credentials.get(credential_id)
    await credentials.revoke(credential_id)
    return Done(f"{home()}/persons/{row['person_id']}", flash=("已停用该凭证。", "Credential revoked."))


HANDLERS = [person_page, person_grant, grant_revoke, person_card, credential_revoke]
