"""HTML pages at /c/{community}/door_access/…: staff's doors, log and "why", residents' own access.

They call the same functions as the API (validation included), so a form shows the API's
``InvalidInput.field`` beside its field and nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, MultipartBody
from litestar.response import Redirect

from core.api import InvalidInput, NotFound, Pages, current_tenant, render_page, requires
from plugins.door_access import alerts, credentials, doors, events, grants, passes, sync, why
from plugins.door_access.api import access_of, actor, my_person
from plugins.door_access.events import REASONS

VIEW, MANAGE, SELF = "door_access.view", "door_access.manage", "door_access.self"
FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def home() -> str:
    return f"/c/{current_tenant().slug}/door_access"


@get("/", guards=[requires(VIEW)])
async def doors_page(request: Request) -> Response:
    counts = await sync.device_counts()
    points = await doors.list_points()
    devices = await sync_devices(counts)
    return await render_page(
        request,
        "door_access/doors.html",
        points=points,
        devices=devices,
        alerts=await alerts.open_alerts(),
        groups=await grants.list_groups(),
        refusals=await events.refusals(10),
    )


async def sync_devices(counts: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    from plugins.door_access.tables import Device

    rows = await Device.select(*Device.all_columns(exclude=[Device.secret_enc])).order_by(Device.id).run()
    empty = {"queued": 0, "sent": 0, "ok": 0, "failed": 0}
    return [{**r, "commands": counts.get(r["id"], empty)} for r in rows]


@post("/devices/{device_id:int}/retry", guards=[requires(MANAGE)])
async def retry_page(device_id: FromPath[int]) -> Response:
    await doors.get_device(device_id)
    await sync.retry_device(device_id)
    return Redirect(home(), status_code=303)


@get("/log", guards=[requires(VIEW)])
async def log_page(
    request: Request,
    person_id: FromQuery[int | None] = None,
    access_point_id: FromQuery[int | None] = None,
    result: FromQuery[str | None] = None,
) -> Response:
    explained = None
    if person_id is not None and access_point_id is not None:
        try:
            explained = await why.explain(person_id, access_point_id)
        except NotFound:
            explained = None
    rows = await events.search(
        person_id=person_id,
        access_point_id=access_point_id,
        result=result if result in ("granted", "refused") else None,
        limit=200,
    )
    return await render_page(
        request,
        "door_access/log.html",
        events=rows,
        why=explained,
        points=await doors.list_points(),
        person_id=person_id,
        access_point_id=access_point_id,
        result=result,
        reasons=REASONS,
    )


@get("/why", guards=[requires(VIEW)])
async def why_page(
    request: Request, person_id: FromQuery[int], access_point_id: FromQuery[int | None] = None
) -> Response:
    points = await doors.list_points()
    chosen = access_point_id or (points[0]["id"] if points else None)
    if chosen is None:
        return Redirect(f"{home()}/log", status_code=303)
    return Redirect(f"{home()}/log?person_id={person_id}&access_point_id={chosen}", status_code=303)


async def _person(request: Request, person_id: int, status: int = 200, **extra: Any) -> Response:
    return await render_page(
        request,
        "door_access/person.html",
        status=status,
        access=await access_of(person_id),
        groups=await grants.list_groups(),
        points=await doors.list_points(),
        **extra,
    )


@get("/persons/{person_id:int}", guards=[requires(VIEW)])
async def person_page(request: Request, person_id: FromPath[int]) -> Response:
    return await _person(request, person_id)


@dataclass
class GrantForm:
    group_id: int = 0
    valid_until: str = ""
    note: str = ""


@post("/persons/{person_id:int}/grants", guards=[requires(MANAGE)])
async def person_grant(
    request: Request, person_id: FromPath[int], data: Annotated[GrantForm, FORM]
) -> Response:
    try:
        until = None
        if data.valid_until.strip():
            try:
                until = dt.date.fromisoformat(data.valid_until.strip())
            except ValueError:
                raise InvalidInput("must be a date (YYYY-MM-DD)", field="valid_until") from None
        await grants.create_manual_grant(
            person_id=person_id,
            group_id=data.group_id,
            valid_from=dt.date.today(),
            valid_until=until,
            note=data.note,
            actor_id=actor(request),
        )
    except InvalidInput as exc:
        return await _person(request, person_id, status=400, field=exc.field, error=str(exc))
    return Redirect(f"{home()}/persons/{person_id}", status_code=303)


@post("/grants/{grant_id:int}/revoke", guards=[requires(MANAGE)])
async def grant_revoke(request: Request, grant_id: FromPath[int]) -> Response:
    from plugins.door_access.tables import Grant

    row = await Grant.select(Grant.person_id).where(Grant.id == grant_id).first().run()
    await grants.revoke_grant(grant_id, "revoked on the person page")
    return Redirect(f"{home()}/persons/{row['person_id'] if row else ''}", status_code=303)


@dataclass
class CardForm:
    card_number: str = ""


@post("/persons/{person_id:int}/cards", guards=[requires(MANAGE)])
async def person_card(
    request: Request, person_id: FromPath[int], data: Annotated[CardForm, FORM]
) -> Response:
    try:
        await credentials.issue(
            person_id, kind="card", card_number=data.card_number.strip(), actor_id=actor(request)
        )
    except InvalidInput as exc:
        return await _person(request, person_id, status=400, field=exc.field, error=str(exc))
    return Redirect(f"{home()}/persons/{person_id}", status_code=303)


@post("/credentials/{credential_id:int}/revoke", guards=[requires(MANAGE)])
async def credential_revoke(request: Request, credential_id: FromPath[int]) -> Response:
    row = await credentials.get(credential_id)
    await credentials.revoke(credential_id)
    return Redirect(f"{home()}/persons/{row['person_id']}", status_code=303)


# -- residents ---------------------------------------------------------------------------------


@dataclass
class PassForm:
    visitor_name: str = ""
    hours: int = 4
    max_uses: int = 1
    access_point_id: int = 0


async def _me(request: Request, status: int = 200, **extra: Any) -> Response:
    try:
        person_id = await my_person(request)
    except NotFound:
        return await render_page(request, "door_access/me.html", linked=False)
    return await render_page(
        request,
        "door_access/me.html",
        status=status,
        linked=True,
        access=await access_of(person_id),
        passes=await passes.list_passes(person_id),
        points=await doors.list_points(),
        form=extra.pop("form", PassForm()),
        **extra,
    )


@get("/me", guards=[requires(SELF)])
async def me_page(request: Request) -> Response:
    return await _me(request)


@post("/me/passes", guards=[requires(SELF)])
async def me_new_pass(request: Request, data: Annotated[PassForm, FORM]) -> Response:
    person_id = await my_person(request)
    try:
        if not 1 <= data.hours <= 24 * 7:
            raise InvalidInput("must be 1-168 hours", field="hours")
        issued = await passes.issue(
            host_person_id=person_id,
            visitor_name=data.visitor_name,
            valid_from=None,
            valid_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=data.hours),
            access_point_ids=[data.access_point_id] if data.access_point_id else [],
            max_uses=data.max_uses,
            actor_id=actor(request),
        )
    except InvalidInput as exc:
        return await _me(request, status=400, form=data, field=exc.field, error=str(exc))
    return await _me(request, issued=issued)


@post("/me/passes/{pass_id:int}/revoke", guards=[requires(SELF)])
async def me_revoke_pass(request: Request, pass_id: FromPath[int]) -> Response:
    await passes.revoke(pass_id, await my_person(request))
    return Redirect(f"{home()}/me", status_code=303)


@post("/me/passes/{pass_id:int}/approve", guards=[requires(SELF)])
async def me_approve_pass(request: Request, pass_id: FromPath[int]) -> Response:
    issued = await passes.decide(pass_id, approve=True, host_person_id=await my_person(request))
    return await _me(request, issued=issued)


@post("/me/face", guards=[requires(SELF)], request_max_body_size=4 * 1024 * 1024)
async def me_face(request: Request, data: MultipartBody[dict[str, Any]]) -> Response:
    """Face consent given by the resident: the box ticked, how, and a photo (JPEG/PNG, ≤ 2 MB)."""
    import base64

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
        return await _me(request, status=400, field=exc.field, error=str(exc))
    return Redirect(f"{home()}/me", status_code=303)


@post("/me/face/withdraw", guards=[requires(SELF)])
async def me_withdraw_face(request: Request) -> Response:
    await credentials.withdraw_face_consent(await my_person(request))
    return Redirect(f"{home()}/me", status_code=303)


def pages() -> Pages:
    return Pages(
        handlers=[
            person_grant,
            grant_revoke,
            person_card,
            credential_revoke,
            me_face,
            doors_page,
            retry_page,
            log_page,
            why_page,
            person_page,
            me_page,
            me_new_pass,
            me_revoke_pass,
            me_approve_pass,
            me_withdraw_face,
        ],
        templates=Path(__file__).parent / "templates",
    )
