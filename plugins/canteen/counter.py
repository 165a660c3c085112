"""The counter and the lists of orders: serving, no-shows, the monthly payment, and the orders
of a meal or a diner (split from orders.py, which places and makes orders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput
from plugins.canteen import vocabulary
from plugins.canteen.clock import aware, now
from plugins.canteen.json_lists import decoded
from plugins.canteen.menus import get_service
from plugins.canteen.orders import LIVE, get_order


async def serve(order_id: int, *, pay: str = "") -> dict[str, Any]:
    """The diner ate in or picked up; ``pay`` = ``counter`` when they paid there and then."""
    from plugins.canteen.tables import Order

    order = await get_order(order_id)
    if order["state"] not in ("ordered", "no_show"):
        raise Conflict("this order is not waiting to be served")
    values: dict[Any, Any] = {Order.state: "served", Order.changed_at: now()}
    if pay:
        if pay not in vocabulary.PAYMENTS:
            raise InvalidInput(f"one of {', '.join(vocabulary.PAYMENTS)}", field="pay")
        values[Order.payment] = pay
        if pay == "counter":  # paid there and then; "monthly" is paid with the month (pay_month)
            values[Order.paid_at] = now()
    await Order.update(values).where(Order.id == order_id).run()
    return await get_order(order_id)


async def record_no_shows(service_id: int) -> int:
    """After the meal: who ordered to eat in or pick up and never came."""
    from plugins.canteen.tables import Order

    service = await get_service(service_id)
    if now() < aware(service["serves_at"]):
        raise Conflict("the meal has not been served yet")
    rows = await (
        Order.update({Order.state: "no_show", Order.changed_at: now()})
        .where(
            (Order.service == service_id)
            & (Order.state == "ordered")
            & Order.how.is_in(["dine_in", "pick_up"])
        )
        .returning(Order.id)
        .run()
    )
    return len(rows)


async def pay_month(diner_id: int, month: dt.date) -> dict[str, int]:
    """Monthly payment: every unpaid eaten meal of the diner in that month is paid now."""
    from plugins.canteen.tables import Order, Service

    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    services = [
        r["id"]
        for r in await Service.select(Service.id).where((Service.day >= start) & (Service.day < end)).run()
    ]
    rows = (
        await Order.select(Order.id, Order.payable_fen)
        .where(
            (Order.diner == diner_id)
            & Order.service.is_in(services or [0])
            & Order.paid_at.is_null()
            & Order.state.is_in(["served", "delivered", "no_show"])
        )
        .run()
    )
    if not rows:
        raise Conflict("nothing is left to pay for that month")
    await (
        Order.update({Order.paid_at: now(), Order.payment: "monthly"})
        .where(Order.id.is_in([r["id"] for r in rows]))
        .run()
    )
    return {"meals": len(rows), "paid_fen": sum(r["payable_fen"] for r in rows)}


async def orders_of_service(service_id: int, *, states: tuple[str, ...] = LIVE) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Order

    rows = (
        await Order.select(
            *Order.all_columns(),
            Order.diner.name,
            Order.diner.address,
            Order.diner.diets,
            Order.diner.allergies,
            Order.diner.building_id,
        )
        .where((Order.service == service_id) & Order.state.is_in(list(states)))
        .run()
    )
    for r in rows:
        decoded(r, "diner.diets", "diner.allergies")
    return sorted(rows, key=lambda r: (r["diner.address"], r["diner.name"]))


async def orders_of_diner(diner_id: int, *, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Order

    rows = (
        await Order.select(
            *Order.all_columns(),
            Order.service.day,
            Order.service.meal,
            Order.service.cut_off,
            Order.service.closed,
        )
        .where((Order.diner == diner_id) & (Order.service.day >= start) & (Order.service.day <= end))
        .run()
    )
    return sorted(rows, key=lambda r: (r["service.day"], r["service.meal"]))
