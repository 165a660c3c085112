"""Deliveries. A volunteer opens the page on their phone and sees their routes of today; a round
lists each stop in order — name, address, the note ("knock loudly") — with three big buttons:
delivered, refused, not home. Staff set routes up: a volunteer and a stand-in by their user name,
the diners as stops, and the order they are walked in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import (
    Done,
    Form,
    InvalidInput,
    NotFound,
    Refusal,
    form_post,
    holds,
    member_by_username,
    member_names,
    render_page,
    requires,
)
from plugins.canteen import deliveries, diners, scope, vocabulary
from plugins.canteen.clock import today
from plugins.canteen.pages.common import base, context
from plugins.canteen.settings import settings


async def draw(request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any) -> Response:
    from plugins.canteen.tables import Service

    staff = holds(request, "canteen.manage")
    me = scope.caller_id(request)
    services = await Service.select().where(Service.day == today()).order_by(Service.serves_at).run()
    rows: list[dict[str, Any]] = []
    for route in await deliveries.routes():
        if not deliveries.may_work(route, me, staff=staff):
            continue
        rounds = [
            await deliveries.round_of(route["id"], s["id"]) for s in services if s["meal"] == route["meal"]
        ]
        rows.append(
            {
                "route": route,
                "rounds": rounds,
                "stops": await deliveries.stops_of(route["id"]) if staff else [],
            }
        )
    delivered = (
        [d for d in await diners.list_diners(states=("active", "paused")) if d["eats"] == "delivered"]
        if staff
        else []
    )
    people = {r["route"][k] for r in rows for k in ("volunteer_user_id", "standin_user_id") if r["route"][k]}
    names = {uid: n["display_name"] for uid, n in (await member_names(people)).items()}
    return await render_page(
        request,
        "canteen/deliveries.html",
        status=refusal.status if refusal else 200,
        **context(
            rows=rows,
            staff=staff,
            delivered=delivered,
            names=names,
            meals=settings().meals,
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw(request, form=form, refusal=refusal)


@get("/deliveries", guards=[requires("canteen.deliver")])
async def deliveries_page(request: Request) -> Response:
    return await draw(request)


async def _login(form: Form, field: str) -> int | None:
    name = form.text(field, max_length=60)
    if not name:
        return None
    user_id = await member_by_username(name)
    if user_id is None:
        raise InvalidInput("no member of the community has this user name", field=field)
    return user_id


@dataclass
class RouteForm(Form):
    name: str = ""
    meal: str = "lunch"
    volunteer: str = ""
    standin: str = ""


@form_post("/deliveries/routes", RouteForm, redraw=redraw, guards=[requires("canteen.manage")])
async def route_form(request: Request, form: RouteForm) -> Done:
    await deliveries.add_route(
        name=form.text("name", required=True, max_length=60),
        meal=form.choice("meal", vocabulary.MEALS),
        volunteer_user_id=await _login(form, "volunteer"),
        standin_user_id=await _login(form, "standin"),
    )
    return Done(f"{base()}/deliveries", flash=("已建立送餐路线。", "Route made."))


@dataclass
class VolunteersForm(Form):
    volunteer: str = ""
    standin: str = ""


@form_post(
    "/deliveries/routes/{route_id:int}/volunteers",
    VolunteersForm,
    redraw=redraw,
    guards=[requires("canteen.manage")],
)
async def volunteers_form(request: Request, form: VolunteersForm, route_id: int) -> Done:
    await deliveries.set_volunteers(
        route_id,
        volunteer_user_id=await _login(form, "volunteer"),
        standin_user_id=await _login(form, "standin"),
    )
    return Done(f"{base()}/deliveries", flash=("已保存。", "Saved."))


@dataclass
class StopForm(Form):
    diner_id: str = ""
    note: str = ""


@form_post(
    "/deliveries/routes/{route_id:int}/stops", StopForm, redraw=redraw, guards=[requires("canteen.manage")]
)
async def stop_form(request: Request, form: StopForm, route_id: int) -> Done:
    await deliveries.add_stop(
        route_id, form.integer("diner_id", minimum=1), note=form.text("note", max_length=200)
    )
    return Done(f"{base()}/deliveries", flash=("已加入路线。", "Stop added."))


@dataclass
class MoveForm(Form):
    stop_id: str = ""
    move: str = ""


@form_post(
    "/deliveries/routes/{route_id:int}/move", MoveForm, redraw=redraw, guards=[requires("canteen.manage")]
)
async def move_form(request: Request, form: MoveForm, route_id: int) -> Done:
    stop_id = form.integer("stop_id", minimum=1)
    ids = [s["id"] for s in await deliveries.stops_of(route_id)]
    if stop_id not in ids:
        raise NotFound("no such stop")
    move = form.choice("move", {"up": "", "down": "", "remove": ""})
    if move == "remove":
        await deliveries.remove_stop(route_id, stop_id)
    else:
        i = ids.index(stop_id)
        j = i - 1 if move == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            await deliveries.reorder(route_id, ids)
    return Done(f"{base()}/deliveries", flash=("已保存顺序。", "Order saved."))


# -- a round, on the volunteer's phone --------------------------------------------------------


async def draw_round(
    request: Request, route_id: int, service_id: int, *, refusal: Refusal | None = None, **_: Any
) -> Response:
    route = await deliveries.get_route(route_id)
    if not deliveries.may_work(route, scope.caller_id(request), staff=holds(request, "canteen.manage")):
        raise NotFound("no such route")
    state = await deliveries.round_of(route_id, service_id)
    return await render_page(
        request,
        "canteen/round.html",
        status=refusal.status if refusal else 200,
        **context(r=state, errors=refusal.errors if refusal else {}),
    )


async def redraw_round(
    request: Request, form: Any, refusal: Refusal, route_id: int, service_id: int, **_: Any
) -> Response:
    return await draw_round(request, route_id, service_id, refusal=refusal)


@get("/deliveries/{route_id:int}/{service_id:int}", guards=[requires("canteen.deliver")])
async def round_page(request: Request, route_id: FromPath[int], service_id: FromPath[int]) -> Response:
    return await draw_round(request, route_id, service_id)


@dataclass
class ResultForm(Form):
    order_id: str = ""
    result: str = ""
    note: str = ""


@form_post(
    "/deliveries/{route_id:int}/{service_id:int}",
    ResultForm,
    redraw=redraw_round,
    guards=[requires("canteen.deliver")],
)
async def result_form(request: Request, form: ResultForm, route_id: int, service_id: int) -> Done:
    route = await deliveries.get_route(route_id)
    if not deliveries.may_work(route, scope.caller_id(request), staff=holds(request, "canteen.manage")):
        raise NotFound("no such route")
    order_id = form.integer("order_id", minimum=1)
    from plugins.canteen.orders import get_order

    order = await get_order(order_id)
    if order["service"] != service_id:
        raise InvalidInput("this order is for another meal", field="order_id")
    result = form.choice("result", vocabulary.STOP_RESULTS)
    await deliveries.record(
        order_id,
        route_id,
        result=result,
        note=form.text("note", max_length=200),
        by_user_id=scope.caller_id(request),
    )
    flash = (
        ("已记录无人应答，网格员今天会上门查看。", "Recorded; the grid worker will look in today.")
        if result == "not_home"
        else ("已记录。", "Recorded.")
    )
    return Done(f"{base()}/deliveries/{route_id}/{service_id}", flash=flash)


HANDLERS = [deliveries_page, route_form, volunteers_form, stop_form, move_form, round_page, result_form]
