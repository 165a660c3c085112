"""Delivery routes (送餐): a volunteer (or their stand-in) takes each route's meals round, stop by
stop in a saved order, and records at each door: delivered, refused, or not home / no answer —
which raises a welfare check the same day (welfare.py). A route still out an hour after the
meal is served shows as late to staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, clean_text, emit
from plugins.canteen import vocabulary
from plugins.canteen.clock import aware, now
from plugins.canteen.diners import get_diner
from plugins.canteen.menus import get_service
from plugins.canteen.settings import settings


async def routes(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Route

    select = Route.select().order_by(Route.name)
    if not include_inactive:
        select = select.where(Route.active.eq(True))
    return await select.run()


async def get_route(route_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Route

    row = await Route.select().where(Route.id == route_id).first().run()
    if row is None:
        raise NotFound("no such route")
    return row


async def add_route(
    *, name: str, meal: str, volunteer_user_id: int | None, standin_user_id: int | None
) -> dict[str, Any]:
    from plugins.canteen.tables import Route

    name = clean_text(name, "name", 60)
    if meal not in settings().meals:
        raise InvalidInput(f"the canteen serves {', '.join(settings().meals)}", field="meal")
    if await Route.exists().where((Route.name == name) & Route.active.eq(True)).run():
        raise Conflict("there is already a route of this name")
    row = Route(name=name, meal=meal, volunteer_user_id=volunteer_user_id, standin_user_id=standin_user_id)
    await row.save().run()
    return row.to_dict()


async def set_volunteers(
    route_id: int, *, volunteer_user_id: int | None, standin_user_id: int | None
) -> dict[str, Any]:
    from plugins.canteen.tables import Route

    await get_route(route_id)
    await (
        Route.update({Route.volunteer_user_id: volunteer_user_id, Route.standin_user_id: standin_user_id})
        .where(Route.id == route_id)
        .run()
    )
    return await get_route(route_id)


async def stops_of(route_id: int) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Stop

    return (
        await Stop.select(
            *Stop.all_columns(), Stop.diner.name, Stop.diner.address, Stop.diner.phone, Stop.diner.state
        )
        .where(Stop.route == route_id)
        .order_by(Stop.position)
        .run()
    )


async def add_stop(route_id: int, diner_id: int, *, note: str = "") -> dict[str, Any]:
    """A diner joins the route at its end; only diners whose meals are delivered."""
    from plugins.canteen.tables import StandingOrder, Stop

    route = await get_route(route_id)
    diner = await get_diner(diner_id)
    delivered = (
        diner["eats"] == "delivered"
        or await StandingOrder.exists()
        .where(
            (StandingOrder.diner == diner_id)
            & StandingOrder.active.eq(True)
            & (StandingOrder.how == "delivered")
        )
        .run()
    )
    if not delivered:
        raise InvalidInput("this diner has no meals delivered; change how they eat first", field="diner_id")
    if (
        await Stop.exists()
        .where(
            (Stop.diner == diner_id)
            & Stop.route.is_in([r["id"] for r in await routes() if r["meal"] == route["meal"]])
        )
        .run()
    ):
        raise Conflict("this diner is already on a route for this meal")
    position = await Stop.count().where(Stop.route == route_id).run()
    row = Stop(
        route=route_id, diner=diner_id, position=position, note=clean_text(note, "note", 200, required=False)
    )
    await row.save().run()
    return row.to_dict()


async def reorder(route_id: int, stop_ids: list[int]) -> list[dict[str, Any]]:
    """Save the stops in the order the volunteer walks them (every stop of the route, once)."""
    from plugins.canteen.tables import Stop

    current = {s["id"] for s in await stops_of(route_id)}
    if sorted(stop_ids) != sorted(current):
        raise InvalidInput("give every stop of the route exactly once", field="stop_ids")
    for position, stop_id in enumerate(stop_ids):
        await Stop.update({Stop.position: position}).where(Stop.id == stop_id).run()
    return await stops_of(route_id)


async def remove_stop(route_id: int, stop_id: int) -> None:
    from plugins.canteen.tables import Stop

    if not await Stop.exists().where((Stop.id == stop_id) & (Stop.route == route_id)).run():
        raise NotFound("no such stop")
    await Stop.delete().where(Stop.id == stop_id).run()
    await reorder(route_id, [s["id"] for s in await stops_of(route_id)])


async def round_of(route_id: int, service_id: int) -> dict[str, Any]:
    """The route for one meal: each stop with its diner's delivered order (if any) and result."""
    from plugins.canteen.tables import Delivery, Order

    route = await get_route(route_id)
    service = await get_service(service_id)
    if service["meal"] != route["meal"]:
        raise NotFound("this route does not deliver that meal")
    stops = await stops_of(route_id)
    orders = {
        o["diner"]: o
        for o in await Order.select()
        .where(
            (Order.service == service_id)
            & (Order.how == "delivered")
            & Order.diner.is_in([s["diner"] for s in stops] or [0])
            & (Order.state != "cancelled")
        )
        .run()
    }
    results = {
        d["order"]: d
        for d in await Delivery.select()
        .where(Delivery.order.is_in([o["id"] for o in orders.values()] or [0]))
        .run()
    }
    out = []
    for stop in stops:
        order = orders.get(stop["diner"])
        out.append({**stop, "order": order, "result": results.get(order["id"]) if order else None})
    todo = [s for s in out if s["order"] and s["result"] is None]
    late_at = aware(service["serves_at"]) + dt.timedelta(minutes=settings().route_late_minutes)
    return {
        "route": route,
        "service": service,
        "stops": out,
        "to_deliver": len([s for s in out if s["order"]]),
        "left": len(todo),
        "late": bool(todo) and now() > late_at,
    }


def may_work(route: dict[str, Any], user_id: int, *, staff: bool) -> bool:
    return staff or user_id in (route["volunteer_user_id"], route["standin_user_id"])


async def record(order_id: int, route_id: int, *, result: str, note: str, by_user_id: int) -> dict[str, Any]:
    """What happened at the door. Not home raises the welfare check."""
    from plugins.canteen.tables import Delivery, Order
    from plugins.canteen.welfare import raise_check

    if result not in vocabulary.STOP_RESULTS:
        raise InvalidInput(f"one of {', '.join(vocabulary.STOP_RESULTS)}", field="result")
    order = await Order.select().where(Order.id == order_id).first().run()
    if order is None or order["how"] != "delivered" or order["state"] == "cancelled":
        raise InvalidInput("this stop has no meal to deliver today", field="order_id")
    stops = {s["diner"] for s in await stops_of(route_id)}
    if order["diner"] not in stops:
        raise InvalidInput("this diner is not on the route", field="order_id")
    if await Delivery.exists().where(Delivery.order == order_id).run():
        raise Conflict("this stop is already recorded")
    row = Delivery(
        order=order_id,
        route=route_id,
        result=result,
        note=clean_text(note, "note", 200, required=False),
        by_user_id=by_user_id,
        at=now(),
    )
    await row.save().run()
    await Order.update({Order.state: result, Order.changed_at: now()}).where(Order.id == order_id).run()
    if result == "not_home":
        await raise_check(row.id)
    await emit(
        "canteen.delivery_recorded",
        {"delivery_id": row.id, "order_id": order_id, "diner_id": order["diner"], "result": result},
    )
    return await Delivery.select().where(Delivery.id == row.id).first().run() or {}


async def late_rounds(today: dt.date) -> list[dict[str, Any]]:
    """Routes of today's meals still out past their time: for the staff's canteen page."""
    from plugins.canteen.tables import Service

    out = []
    for service in await Service.select().where(Service.day == today).run():
        for route in await routes():
            if route["meal"] == service["meal"]:
                state = await round_of(route["id"], service["id"])
                if state["late"]:
                    out.append(state)
    return out
