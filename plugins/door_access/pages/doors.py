"""Staff: doors and devices with their sync state and alerts, the access log, and "why"."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery
from litestar.response import Redirect

from core.api import (
    Done,
    NotFound,
    QueryId,
    Refusal,
    form_post,
    people_in_scope,
    person_in_scope,
    render_page,
    requires,
)
from plugins.door_access import alerts, doors, events, grants, sync, why
from plugins.door_access.callers import MANAGE, VIEW
from plugins.door_access.events import REASONS
from plugins.door_access.pages.common import home
from plugins.door_access.vocabulary import KIND_LABELS, MODE_LABELS, STATE_LABELS


@get("/", guards=[requires(VIEW)])
async def doors_page(request: Request) -> Response:
    return await draw(request)


async def draw(request: Request, refusal: Refusal | None = None) -> Response:
    counts = await sync.device_counts()
    return await render_page(
        request,
        "door_access/doors.html",
        status=refusal.status if refusal else 200,
        points=await doors.list_points(),
        devices=await sync_devices(counts),
        alerts=await alerts.open_alerts(),
        groups=await grants.list_groups(),
        refusals=await events.refusals(10),
        kinds=KIND_LABELS,
        modes=MODE_LABELS,
        states=STATE_LABELS,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **_: Any) -> Response:
    return await draw(request, refusal)


async def sync_devices(counts: dict[int, dict[str, int]]) -> list[dict[str, Any]]:
    from plugins.door_access.tables import Device

    rows = await Device.select(*Device.all_columns(exclude=[Device.secret_enc])).order_by(Device.id).run()
    empty = {"queued": 0, "sent": 0, "ok": 0, "failed": 0}
    return [{**r, "commands": counts.get(r["id"], empty)} for r in rows]


@form_post("/devices/{device_id:int}/retry", None, redraw=redraw, guards=[requires(MANAGE)])
async def retry_page(request: Request, form: None, device_id: int) -> Done:
    await doors.get_device(device_id)
    await sync.retry_device(device_id)
    return Done(home(), flash=("已重新同步。", "Sync retried."))


@get("/log", guards=[requires(VIEW)])
async def log_page(
    request: Request,
    person_id: QueryId = None,
    access_point_id: QueryId = None,
    result: FromQuery[str | None] = None,
) -> Response:
    explained = None
    if person_id is not None and access_point_id is not None:
        await person_in_scope(request, person_id)
        try:
            explained = await why.explain(person_id, access_point_id)
        except NotFound:
            explained = None
    rows = await events.search(
        person_id=person_id,
        access_point_id=access_point_id,
        result=result if result in ("granted", "refused") else None,
        limit=200,
        people=await people_in_scope(request),  # a grid worker: their grid's residents only
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
async def why_page(request: Request, person_id: FromQuery[int], access_point_id: QueryId = None) -> Response:
    points = await doors.list_points()
    chosen = access_point_id or (points[0]["id"] if points else None)
    if chosen is None:
        return Redirect(f"{home()}/log", status_code=303)
    return Redirect(f"{home()}/log?person_id={person_id}&access_point_id={chosen}", status_code=303)


HANDLERS = [doors_page, retry_page, log_page, why_page]
