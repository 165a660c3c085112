"""The canteen's front page. A resident (or their family) sees each of their diners' meals of
the next two weeks with one big button each — order, or not this day — and can pause meals for
a stay in hospital; the kitchen and staff see today: meals ordered, routes out, samples due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import Done, Form, Refusal, form_post, holds, render_page, requires
from plugins.canteen import deliveries, diners, orders, samples, scope
from plugins.canteen.clock import aware, now, today
from plugins.canteen.pages.common import base, context


async def upcoming(diner: dict[str, Any], days: int = 14) -> list[dict[str, Any]]:
    """The diner's meals of published menus from today, each with what the diner has there."""
    from plugins.canteen.tables import Order, Service

    start = today()
    services = (
        await Service.select(*Service.all_columns(), Service.menu.published_at)
        .where((Service.day >= start) & (Service.day <= start + dt.timedelta(days=days)))
        .order_by(Service.day)
        .order_by(Service.serves_at)
        .run()
    )
    services = [s for s in services if s["menu.published_at"] is not None]
    mine = {
        o["service"]: o
        for o in await Order.select()
        .where((Order.diner == diner["id"]) & Order.service.is_in([s["id"] for s in services] or [0]))
        .run()
    }
    standing = {s["meal"]: s for s in await orders.standing_orders_of(diner["id"])}
    moment = now()
    out = []
    for s in services:
        order = mine.get(s["id"])
        rule = standing.get(s["meal"])
        by_standing = bool(rule and s["day"].weekday() in rule["weekdays"] and not s["generated"])
        is_open = not s["closed"] and moment < aware(s["cut_off"])
        paused = diners.is_paused_on(diner, s["day"])
        if order and order["state"] != "cancelled":
            status = order["state"]
        elif order:
            status = "cancelled"
        elif paused:
            status = "paused"
        elif by_standing:
            status = "standing"
        else:
            status = "none"
        out.append({"service": s, "order": order, "status": status, "open": is_open})
    return out


async def resident_view(request: Request) -> dict[str, Any]:
    people = await scope.own_people(request)
    mine = []
    for person_id in sorted(people):
        diner = await diners.diner_of_person(person_id)
        if diner is not None and diner["state"] not in ("stopped", "deceased"):
            mine.append({"diner": diner, "meals": await upcoming(diner)})
    return {"mine": mine}


async def staff_view() -> dict[str, Any]:
    from plugins.canteen.tables import Service

    day = today()
    services = await Service.select().where(Service.day == day).order_by(Service.serves_at).run()
    for s in services:
        s["taken"] = await orders.taken(s["id"])
    return {
        "services": services,
        "late": await deliveries.late_rounds(day),
        "samples_missing": await samples.missing(day),
        "diners_active": len(await diners.list_diners(states=("active",))),
    }


async def draw(request: Request, *, refusal: Refusal | None = None, **_: Any) -> Response:
    staff = scope.whole_canteen(request) or holds(request, "canteen.enrol")
    view = await staff_view() if staff else {}
    return await render_page(
        request,
        "canteen/home.html",
        status=refusal.status if refusal else 200,
        **context(
            staff=staff,
            kitchen=holds(request, "canteen.kitchen"),
            manage=holds(request, "canteen.manage"),
            **view,
            **await resident_view(request),
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw(request, refusal=refusal)


@get("/", guards=[requires("canteen.view")])
async def home_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class MealForm(Form):
    diner_id: str = ""
    service_id: str = ""


@form_post("/order", MealForm, redraw=redraw, guards=[requires("canteen.order")])
async def order_form(request: Request, form: MealForm) -> Done:
    diner = await scope.diner_for(request, form.integer("diner_id", minimum=1))
    placed = await orders.place(
        diner["id"],
        form.integer("service_id", minimum=1),
        source=await scope.order_source(request, diner),
        by_user_id=scope.caller_id(request),
    )
    if placed.warning:
        return Done(
            base(),
            flash=(
                "已订餐。这一餐有您忌口的菜，厨房会知道。",
                "Ordered. This meal has a dish you avoid; the kitchen knows.",
            ),
        )
    return Done(base(), flash=("已订餐。", "Ordered."))


@form_post("/skip", MealForm, redraw=redraw, guards=[requires("canteen.order")])
async def skip_form(request: Request, form: MealForm) -> Done:
    diner = await scope.diner_for(request, form.integer("diner_id", minimum=1))
    await orders.skip(diner["id"], form.integer("service_id", minimum=1))
    return Done(base(), flash=("这一餐已取消。", "That meal is cancelled."))


@dataclass
class PauseForm(Form):
    diner_id: str = ""
    start: str = ""
    end: str = ""
    reason: str = ""


@form_post("/pause", PauseForm, redraw=redraw, guards=[requires("canteen.order")])
async def pause_form(request: Request, form: PauseForm) -> Done:
    from plugins.canteen.vocabulary import PAUSE_REASONS

    diner = await scope.diner_for(request, form.integer("diner_id", minimum=1))
    await diners.pause(
        diner["id"],
        start=form.date("start"),
        end=form.date("end"),
        reason=form.choice("reason", PAUSE_REASONS),
    )
    return Done(base(), flash=("已暂停用餐，到期自动恢复。", "Meals paused; they resume by themselves."))


HANDLERS = [home_page, order_form, skip_form, pause_form]
