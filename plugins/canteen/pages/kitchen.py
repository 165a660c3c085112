"""The kitchen and the counter for one meal (today's by default): what to cook — by portion,
texture and restriction — whose tray carries a warning, the labels of the delivered meals, the
food sample with its photo, and the counter's list: served, paid, and who did not come."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import Done, Form, NotFound, Refusal, attachments_of, form_post, render_page, requires
from plugins.canteen import counter, diners, kitchen, menus, orders, samples, scope, vocabulary
from plugins.canteen.clock import today
from plugins.canteen.pages.common import base, context


async def _service_id(request: Request) -> int | None:
    from plugins.canteen.tables import Service

    raw = request.query_params.get("service") or ""
    if raw.isdigit() and len(raw) < 10:
        return int(raw)
    row = (
        await Service.select(Service.id)
        .where(Service.day >= today())
        .order_by(Service.day)
        .order_by(Service.serves_at)
        .first()
        .run()
    )
    return row["id"] if row else None


async def draw(
    request: Request, *, service_id: int | None = None, refusal: Refusal | None = None, **_: Any
) -> Response:
    from plugins.canteen.tables import Sample

    service_id = service_id or await _service_id(request)
    view: dict[str, Any] = {"service": None}
    if service_id is not None:
        try:
            counts = await kitchen.counts(service_id)
        except NotFound:
            counts = None
        if counts is not None:
            sample = await Sample.select().where(Sample.service == service_id).first().run()
            listed = await counter.orders_of_service(service_id)
            have = {o["diner"] for o in listed}
            view = {
                "service": counts["service"],
                "counts": counts,
                "orders": listed,
                "walk_ins": [d for d in await diners.list_diners(states=("active",)) if d["id"] not in have],
                "sample": sample,
                "photos": await attachments_of("canteen.sample", sample["id"]) if sample else [],
                "recent_samples": await samples.log(today() - dt.timedelta(days=6), today()),
            }
    return await render_page(
        request,
        "canteen/kitchen.html",
        status=refusal.status if refusal else 200,
        **context(**view, errors=refusal.errors if refusal else {}),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    sid = form.raw("service_id") if isinstance(form, Form) else ""
    return await draw(
        request, service_id=int(sid) if sid.isdigit() and len(sid) < 10 else None, refusal=refusal
    )


@get("/kitchen", guards=[requires("canteen.kitchen")])
async def kitchen_page(request: Request) -> Response:
    return await draw(request)


def back(service_id: int) -> str:
    return f"{base()}/kitchen?service={service_id}"


@dataclass
class ServeForm(Form):
    service_id: str = ""
    order_id: str = ""
    pay: str = ""


@form_post("/kitchen/serve", ServeForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def serve_form(request: Request, form: ServeForm) -> Done:
    order = await orders.get_order(form.integer("order_id", minimum=1))
    await scope.diner_for(request, order["diner"])
    pay = form.choice("pay", vocabulary.PAYMENTS, required=False)
    await counter.serve(order["id"], pay=pay)
    return Done(back(order["service"]), flash=("已取餐。", "Served."))


@dataclass
class CounterOrderForm(Form):
    service_id: str = ""
    diner_id: str = ""


@form_post("/kitchen/order", CounterOrderForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def counter_order_form(request: Request, form: CounterOrderForm) -> Done:
    """Someone at the counter without an order: ordered there and then (until the cut-off)."""
    service_id = form.integer("service_id", minimum=1)
    diner = await scope.diner_for(request, form.integer("diner_id", minimum=1))
    placed = await orders.place(
        diner["id"], service_id, source="counter", by_user_id=scope.caller_id(request), how="dine_in"
    )
    flash = (
        ("已下单。注意：有忌口的菜。", "Ordered; mind the dish they avoid.")
        if placed.warning
        else ("已下单。", "Ordered.")
    )
    return Done(back(service_id), flash=flash)


@dataclass
class ServiceForm(Form):
    service_id: str = ""
    grams: str = "125"


@form_post("/kitchen/no-shows", ServiceForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def no_shows_form(request: Request, form: ServiceForm) -> Done:
    service_id = form.integer("service_id", minimum=1)
    n = await counter.record_no_shows(service_id)
    return Done(back(service_id), flash=(f"已记录 {n} 人未取餐。", f"{n} recorded as not collected."))


@form_post("/kitchen/sample", ServiceForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def sample_form(request: Request, form: ServiceForm) -> Done:
    service_id = form.integer("service_id", minimum=1)
    await menus.get_service(service_id)
    await samples.take(
        service_id,
        grams=form.integer("grams", minimum=0, maximum=100_000),
        by_user_id=scope.caller_id(request),
    )
    return Done(back(service_id), flash=("已记录留样，请拍照上传。", "Sample recorded; add its photo."))


HANDLERS = [kitchen_page, serve_form, counter_order_form, no_shows_form, sample_form]
