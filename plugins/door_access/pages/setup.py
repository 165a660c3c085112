"""Staff set door access up from the page: doors (gates, building and unit doors, garages, lift
readers) with their mode, the devices on each door (the device's secret is shown once, after the
redirect), and — when doors are fitted in buildings that already have residents — every current
resident of the chosen buildings granted in one step, after a preview of how many."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import (
    Done,
    Form,
    InvalidInput,
    NotFound,
    Refusal,
    current_residencies,
    dwellings_of_building,
    form_post,
    list_buildings,
    render_page,
    requires,
    residents_of_dwelling,
)
from plugins.door_access import doors, grants
from plugins.door_access.adapters import adapters
from plugins.door_access.callers import MANAGE
from plugins.door_access.pages.common import home
from plugins.door_access.vocabulary import KIND_LABELS, MODE_LABELS, PROTOCOL_LABELS


async def draw_setup(
    request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any
) -> Response:
    return await render_page(
        request,
        "door_access/setup.html",
        status=refusal.status if refusal else 200,
        points=await doors.list_points(),
        buildings=[(str(b.id), b.name) for b in await list_buildings()],
        kinds=KIND_LABELS,
        modes=MODE_LABELS,
        protocols=sorted(adapters()),
        protocol_labels=PROTOCOL_LABELS,
        preview=None,
        form=form.values() if isinstance(form, Form) else {},
        errors=refusal.errors if refusal else {},
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw_setup(request, form=form, refusal=refusal)


@get("/setup", guards=[requires(MANAGE)])
async def setup_page(request: Request) -> Response:
    return await draw_setup(request)


def _building(form: Form, field: str = "building_id") -> int | None:
    return form.optional_integer(field, minimum=1)


@dataclass
class DoorForm(Form):
    name: str = ""
    kind: str = "building"
    building_id: str = ""
    mode: str = "normal"
    held_open_hours: str = ""


@form_post("/setup/doors", DoorForm, redraw=redraw, guards=[requires(MANAGE)])
async def add_door(request: Request, form: DoorForm) -> Done:
    await doors.create_point(
        name=form.text("name", required=True, max_length=100),
        kind=form.choice("kind", KIND_LABELS),
        building_id=_building(form),
        mode=form.choice("mode", MODE_LABELS),
        held_open_hours=form.text("held_open_hours", max_length=11),
    )
    return Done(f"{home()}/setup", flash=("已添加门。", "Door added."))


@dataclass
class ModeForm(Form):
    mode: str = "normal"
    held_open_hours: str = ""


@form_post("/setup/doors/{point_id:int}/mode", ModeForm, redraw=redraw, guards=[requires(MANAGE)])
async def door_mode(request: Request, form: ModeForm, point_id: int) -> Done:
    await doors.update_point(
        point_id,
        mode=form.choice("mode", MODE_LABELS),
        held_open_hours=form.text("held_open_hours", max_length=11),
    )
    return Done(f"{home()}/setup", flash=("已保存门的模式。", "Door mode saved."))


@dataclass
class DeviceForm(Form):
    name: str = ""
    address: str = ""
    protocol: str = "generic_http"
    vendor: str = ""
    model: str = ""


@form_post("/setup/doors/{point_id:int}/devices", DeviceForm, redraw=redraw, guards=[requires(MANAGE)])
async def add_device(request: Request, form: DeviceForm, point_id: int) -> Done:
    device = await doors.create_device(
        access_point_id=point_id,
        name=form.text("name", required=True, max_length=100),
        address=form.text("address", required=True, max_length=300),
        protocol=form.choice("protocol", {p: p for p in adapters()}),
        vendor=form.text("vendor", max_length=50),
        model=form.text("model", max_length=50),
    )
    secret = device["secret"]
    return Done(
        f"{home()}/setup",
        flash=(
            f"已添加设备。设备密钥（只显示这一次，请配置到设备上）：{secret}",
            f"Device added. Its secret (shown this once; configure it on the device): {secret}",
        ),
    )


async def residents_of(building_id: int) -> list[tuple[int, int]]:
    """(person id, residency id) of everyone living in the building now."""
    out = []
    for flat in await dwellings_of_building(building_id):
        for person in await residents_of_dwelling(flat.id):
            for home_ in await current_residencies(person.id):
                if home_.dwelling_id == flat.id:
                    out.append((person.id, home_.id))
    return out


def _chosen(request: Request, raw: str = "") -> list[int]:
    values = raw.split(",") if raw else request.query_params.getall("building_id", [])
    ids = sorted({int(v) for v in values if str(v).isdigit() and len(str(v)) < 10})
    return ids


@get("/setup/grant-buildings", guards=[requires(MANAGE)])
async def grant_preview(request: Request) -> Response:
    """How many current residents of the chosen buildings would be granted, before doing it."""
    from plugins.door_access.tables import Grant

    chosen = _chosen(request)
    names = dict((int(k), v) for k, v in [(b.id, b.name) for b in await list_buildings()])
    preview = []
    for building_id in chosen:
        if building_id not in names:
            continue
        homes = await residents_of(building_id)
        granted = {
            r["residency_id"]
            for r in await Grant.select(Grant.residency_id)
            .where(Grant.residency_id.is_in([h[1] for h in homes] or [0]) & Grant.revoked_at.is_null())
            .run()
        }
        preview.append(
            {
                "id": building_id,
                "name": names[building_id],
                "residents": len(homes),
                "new": len([h for h in homes if h[1] not in granted]),
            }
        )
    if not preview:
        return await draw_setup(request)
    return await render_page(
        request,
        "door_access/setup.html",
        points=await doors.list_points(),
        buildings=[(str(b.id), b.name) for b in await list_buildings()],
        kinds=KIND_LABELS,
        modes=MODE_LABELS,
        protocols=sorted(adapters()),
        protocol_labels=PROTOCOL_LABELS,
        preview=preview,
        chosen=",".join(str(p["id"]) for p in preview),
        form={},
        errors={},
    )


@dataclass
class GrantBuildingsForm(Form):
    buildings: str = ""


@form_post("/setup/grant-buildings", GrantBuildingsForm, redraw=redraw, guards=[requires(MANAGE)])
async def grant_buildings(request: Request, form: GrantBuildingsForm) -> Done:
    """Every current resident of the buildings gets the building's group (idempotent: those who
    already have it are left as they are)."""
    chosen = _chosen(request, form.raw("buildings"))
    known = {b.id for b in await list_buildings()}
    if not chosen or any(b not in known for b in chosen):
        raise InvalidInput("choose the buildings", field="buildings")
    granted = 0
    for building_id in chosen:
        if not any(p["building_id"] == building_id for p in await doors.list_points()):
            raise InvalidInput("a building with no door yet: add its door first", field="buildings")
        for person_id, residency_id in await residents_of(building_id):
            try:
                if await grants.grant_for_residency(
                    person_id=person_id,
                    residency_id=residency_id,
                    building_id=building_id,
                    start=dt.date.today(),
                ):
                    granted += 1
            except NotFound:
                continue
    return Done(
        f"{home()}/setup",
        flash=(f"已为 {granted} 位住户开通门禁。", f"{granted} residents granted."),
    )


HANDLERS = [setup_page, add_door, door_mode, add_device, grant_preview, grant_buildings]
