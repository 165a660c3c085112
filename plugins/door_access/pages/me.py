"""Residents on the phone: their own access, visitor passes, and face consent (given and withdrawn)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, MultipartBody

from core.api import Done, Form, InvalidInput, NotFound, Refusal, form_post, render_page, requires
from plugins.door_access import credentials, doors, passes
from plugins.door_access.callers import SELF, access_of, actor, my_person
from plugins.door_access.pages.common import home


@dataclass
class PassForm(Form):
    visitor_name: str = ""
    hours: str = "4"
    max_uses: str = "1"
    access_point_id: str = ""


async def draw(
    request: Request,
    *,
    refusal: Refusal | None = None,
    form: PassForm | None = None,
    issued: dict[str, Any] | None = None,
) -> Response:
    try:
        person_id = await my_person(request)
    except NotFound:
        return await render_page(request, "door_access/me.html", linked=False)
    return await render_page(
        request,
        "door_access/me.html",
        status=refusal.status if refusal else 200,
        linked=True,
        access=await access_of(person_id),
        passes=await passes.list_passes(person_id),
        points=await doors.list_points(),
        form=form or PassForm(),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
        issued=issued,
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **_: Any) -> Response:
    return await draw(request, refusal=refusal, form=form if isinstance(form, PassForm) else None)


@get("/me", guards=[requires(SELF)])
async def me_page(request: Request) -> Response:
    return await draw(request)


@post("/me/passes", guards=[requires(SELF)])
async def me_new_pass(request: Request, data: Annotated[PassForm, Form.body()]) -> Response:
    """The new pass is drawn at once with its QR code and PIN: they are shown only this once
    (the plugin keeps only their hashes), so this answer is a page, not a redirect."""
    person_id = await my_person(request)
    try:
        hours = data.integer("hours", minimum=1, maximum=24 * 7)
        issued = await passes.issue(
            host_person_id=person_id,
            visitor_name=data.visitor_name,
            valid_from=None,
            valid_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours),
            access_point_ids=[a] if (a := data.optional_integer("access_point_id")) else [],
            max_uses=data.integer("max_uses", minimum=1),
            actor_id=actor(request),
        )
    except InvalidInput as exc:
        return await draw(request, refusal=Refusal(400, exc.field, str(exc)), form=data)
    return await draw(request, issued=issued)


@form_post("/me/passes/{pass_id:int}/revoke", None, redraw=redraw, guards=[requires(SELF)])
async def me_revoke_pass(request: Request, form: None, pass_id: int) -> Done:
    await passes.revoke(pass_id, await my_person(request))
    return Done(f"{home()}/me", flash=("通行证已作废。", "Pass revoked."))


@post("/me/passes/{pass_id:int}/approve", guards=[requires(SELF)])
async def me_approve_pass(request: Request, pass_id: FromPath[int]) -> Response:
    """Approving a visitor's request issues the pass: shown once, like a new one."""
    issued = await passes.decide(pass_id, approve=True, host_person_id=await my_person(request))
    return await draw(request, issued=issued)


@post("/me/face", guards=[requires(SELF)], request_max_body_size=4 * 1024 * 1024)
async def me_face(request: Request, data: MultipartBody[dict[str, Any]]) -> Response:
    """Face consent given by the resident: the box ticked, how, and a photo (JPEG/PNG, ≤ 2 MB)."""
    from core.api import redirect

    person_id = await my_person(request)
    upload = data.get("photo") if isinstance(data, dict) else None
    image = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        await credentials.issue(
            person_id,
            kind="face",
            face_image_b64=base64.b64encode(image).decode(),
            face_consent=str(data.get("consent", "")) in ("1", "on", "true"),
            consent_text=f"本人在线勾选同意 / consented online: {str(data.get('consent_text', ''))[:200]}",
            actor_id=actor(request),
        )
    except InvalidInput as exc:
        return await draw(request, refusal=Refusal(400, exc.field, str(exc)))
    return redirect(request, f"{home()}/me", flash=("已登记人脸。", "Face enrolled."))


@form_post("/me/face/withdraw", None, redraw=redraw, guards=[requires(SELF)])
async def me_withdraw_face(request: Request, form: None) -> Done:
    await credentials.withdraw_face_consent(await my_person(request))
    return Done(
        f"{home()}/me",
        flash=("已撤回人脸同意，人脸数据已删除。", "Face consent withdrawn; the face data is deleted."),
    )


HANDLERS = [me_page, me_new_pass, me_revoke_pass, me_approve_pass, me_face, me_withdraw_face]
