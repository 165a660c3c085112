"""Orders: standing orders become each day's orders; residents, their family and the counter
order, change and cancel until the cut-off; the counter serves, records no-shows and payments.

Every order is priced when it is made — the meal's price, the subsidy of the best rule the diner
meets (subsidies.py) and what is left to pay — so a later change of rules never rewrites a
month already served. An order may only exist for an active diner, before the cut-off, within
the meal's capacity, and never with a dish the diner is allergic to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.api import (
    Conflict,
    InvalidInput,
    NotFound,
    categories_by_person,
    emit,
    insert_rows,
    people_by_id,
)
from plugins.canteen import vocabulary
from plugins.canteen.clock import aware, now
from plugins.canteen.diners import age_on, eligibility, get_diner, is_paused_on
from plugins.canteen.json_lists import decoded
from plugins.canteen.menus import clash, dishes_of, get_service
from plugins.canteen.subsidies import Price, office_limits, price_for, rules

LIVE = ("ordered", "served", "no_show", "delivered", "refused", "not_home")  # not cancelled


async def get_order(order_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Order

    row = await Order.select().where(Order.id == order_id).first().run()
    if row is None:
        raise NotFound("no such order")
    return row


async def taken(service_id: int) -> int:
    from plugins.canteen.tables import Order

    return await Order.count().where((Order.service == service_id) & Order.state.is_in(list(LIVE))).run()


async def _published(service: dict[str, Any]) -> None:
    from plugins.canteen.tables import Menu

    menu = await Menu.select(Menu.published_at).where(Menu.id == service["menu"]).first().run()
    if menu is None or menu["published_at"] is None:
        raise InvalidInput("this meal's menu is not published yet", field="service_id")


def _open(service: dict[str, Any], moment: dt.datetime) -> None:
    if service["closed"] or moment >= aware(service["cut_off"]):
        raise Conflict("orders for this meal closed at its cut-off time")


def _check_diner(diner: dict[str, Any], day: dt.date) -> None:
    if diner["state"] in ("stopped", "deceased"):
        raise InvalidInput("this diner has stopped taking meals", field="diner_id")
    if is_paused_on(diner, day):
        raise InvalidInput("this diner's meals are paused on that day", field="diner_id")


def _check_how(diner: dict[str, Any], how: str, portion: str) -> None:
    if how not in vocabulary.HOW:
        raise InvalidInput(f"one of {', '.join(vocabulary.HOW)}", field="how")
    if portion not in vocabulary.PORTIONS:
        raise InvalidInput(f"one of {', '.join(vocabulary.PORTIONS)}", field="portion")
    if how == "delivered" and diner["dwelling_id"] is None:
        raise InvalidInput("the register has no home to deliver to", field="how")


async def price_of(diner: dict[str, Any], service: dict[str, Any]) -> Price:
    who = await eligibility(diner, service["day"])
    return price_for(
        service["price_fen"],
        await rules(),
        age=who["age"],
        hardships=who["hardships"],
        limits=office_limits(),
    )


@dataclass(frozen=True)
class Placed:
    order: dict[str, Any]
    warning: str  # a dish the diner avoids: ordered, and the kitchen told


async def place(
    diner_id: int,
    service_id: int,
    *,
    portion: str = "normal",
    how: str | None = None,
    source: str,
    by_user_id: int | None,
    moment: dt.datetime | None = None,
) -> Placed:
    """One meal for one diner (or a cancelled one ordered again)."""
    from plugins.canteen.tables import Order

    moment = moment or now()
    diner = await get_diner(diner_id)
    service = await get_service(service_id)
    await _published(service)
    _open(service, moment)
    _check_diner(diner, service["day"])
    how = how or diner["eats"]
    _check_how(diner, how, portion)
    dishes = (await dishes_of([service_id]))[service_id]
    allergic, avoided = clash(diner, dishes)
    if allergic:  # the dishes are named on the kitchen's list of who must not have what
        raise InvalidInput("this meal has a dish the diner is allergic to", field="service_id")
    existing = (
        await Order.select().where((Order.service == service_id) & (Order.diner == diner_id)).first().run()
    )
    if existing and existing["state"] != "cancelled":
        raise Conflict("this diner already has this meal ordered")
    if await taken(service_id) >= service["capacity"]:
        raise Conflict("this meal is full")
    price = await price_of(diner, service)
    warning = f"忌口：{'、'.join(avoided)}" if avoided else ""
    values = {
        "portion": portion,
        "how": how,
        "texture": diner["texture"],
        "source": source,
        "state": "ordered",
        "price_fen": price.price_fen,
        "subsidy_fen": price.subsidy_fen,
        "payable_fen": price.payable_fen,
        "rule_name": price.rule_name,
        "funder": price.funder,
        "warning": warning,
        "placed_by_user_id": by_user_id,
    }
    if existing:
        await Order.update({**values, "changed_at": moment}).where(Order.id == existing["id"]).run()
        order_id = existing["id"]
    else:
        row = Order(service=service_id, diner=diner_id, created_at=moment, **values)
        await row.save().run()
        order_id = row.id
    await emit("canteen.ordered", {"order_id": order_id, "diner_id": diner_id, "service_id": service_id})
    return Placed(await get_order(order_id), warning)


async def change(
    order_id: int, *, portion: str | None = None, how: str | None = None, moment: dt.datetime | None = None
) -> dict[str, Any]:
    """A per-day exception to a standing order: another portion, or delivered instead."""
    from plugins.canteen.tables import Order

    order = await get_order(order_id)
    if order["state"] != "ordered":
        raise Conflict("only an open order is changed")
    service = await get_service(order["service"])
    _open(service, moment or now())
    diner = await get_diner(order["diner"])
    portion, how = portion or order["portion"], how or order["how"]
    _check_how(diner, how, portion)
    await (
        Order.update({Order.portion: portion, Order.how: how, Order.changed_at: moment or now()})
        .where(Order.id == order_id)
        .run()
    )
    return await get_order(order_id)


async def cancel(order_id: int, *, moment: dt.datetime | None = None) -> dict[str, Any]:
    from plugins.canteen.tables import Order

    order = await get_order(order_id)
    if order["state"] == "cancelled":
        return order
    if order["state"] != "ordered":
        raise Conflict("this meal has already been served")
    service = await get_service(order["service"])
    _open(service, moment or now())
    await (
        Order.update({Order.state: "cancelled", Order.changed_at: moment or now()})
        .where(Order.id == order_id)
        .run()
    )
    return await get_order(order_id)


async def skip(diner_id: int, service_id: int, *, moment: dt.datetime | None = None) -> dict[str, Any]:
    """Cancel a standing order's meal of one day, also before the day's orders are made: a
    cancelled order is kept, so the standing order does not bring the meal back."""
    from plugins.canteen.tables import Order

    existing = (
        await Order.select().where((Order.service == service_id) & (Order.diner == diner_id)).first().run()
    )
    if existing:
        return await cancel(existing["id"], moment=moment)
    service = await get_service(service_id)
    _open(service, moment or now())
    await get_diner(diner_id)
    row = Order(
        service=service_id, diner=diner_id, state="cancelled", source="standing", created_at=moment or now()
    )
    await row.save().run()
    return await get_order(row.id)


async def cancel_future(diner_id: int, *, start: dt.date, end: dt.date | None, reason: str) -> int:
    """Cancel a diner's open orders of meals from ``start`` to ``end`` (None: all to come)."""
    from plugins.canteen.tables import Order, Service

    where = (Service.day >= start) if end is None else ((Service.day >= start) & (Service.day <= end))
    services = [r["id"] for r in await Service.select(Service.id).where(where).run()]
    if not services:
        return 0
    rows = await (
        Order.update({Order.state: "cancelled", Order.changed_at: now()})
        .where((Order.diner == diner_id) & (Order.state == "ordered") & Order.service.is_in(services))
        .returning(Order.id)
        .run()
    )
    return len(rows)


# -- standing orders ------------------------------------------------------------------------


async def standing_orders_of(diner_id: int) -> list[dict[str, Any]]:
    from plugins.canteen.tables import StandingOrder

    rows = (
        await StandingOrder.select()
        .where((StandingOrder.diner == diner_id) & StandingOrder.active.eq(True))
        .run()
    )
    return [decoded(r, "weekdays") for r in rows]


async def set_standing(
    diner_id: int, *, meal: str, weekdays: list[int], portion: str, how: str, by_user_id: int
) -> dict[str, Any] | None:
    """The diner's standing order for a meal (one per meal; no weekdays ends it). Meals already
    made into orders are ordered too, where they are still open."""
    from plugins.canteen.settings import settings
    from plugins.canteen.tables import Service, StandingOrder

    diner = await get_diner(diner_id)
    if diner["state"] in ("stopped", "deceased"):
        raise InvalidInput("this diner has stopped taking meals", field="diner_id")
    if meal not in settings().meals:
        raise InvalidInput(f"the canteen serves {', '.join(settings().meals)}", field="meal")
    days = sorted(set(weekdays))
    if any(d not in settings().weekdays for d in days):
        raise InvalidInput("the canteen is closed on one of these days", field="weekdays")
    _check_how(diner, how, portion)
    await (
        StandingOrder.update({StandingOrder.active: False})
        .where((StandingOrder.diner == diner_id) & (StandingOrder.meal == meal))
        .run()
    )
    if not days:
        return None
    row = StandingOrder(
        diner=diner_id, meal=meal, weekdays=days, portion=portion, how=how, set_by_user_id=by_user_id
    )
    await row.save().run()
    moment = now()
    made = (
        await Service.select()
        .where(
            Service.generated.eq(True)
            & Service.closed.eq(False)
            & (Service.meal == meal)
            & (Service.cut_off > moment)
        )
        .run()
    )
    for service in made:
        if service["day"].weekday() in days:
            # Paused that day, full, allergic or already ordered: the standing order skips it.
            with contextlib.suppress(InvalidInput, Conflict):
                await place(
                    diner_id,
                    service["id"],
                    portion=portion,
                    how=how,
                    source="standing",
                    by_user_id=by_user_id,
                )
    return decoded(row.to_dict(), "weekdays")


@dataclass(frozen=True)
class Generated:
    service_id: int
    ordered: int
    skipped: dict[str, int]  # reason → how many standing orders made no order


async def generate(service_id: int) -> Generated:
    """Turn the standing orders of a meal's weekday into its orders, in one insert: every active
    diner with a standing order for it gets one, unless they are paused, already have an order
    (a cancelled one included: that was their exception), are allergic to a dish, or the meal
    is full. Idempotent; marks the meal as generated."""
    from plugins.canteen.tables import Diner, Order, Service, StandingOrder

    service = await get_service(service_id)
    weekday = service["day"].weekday()
    standing = [
        decoded(r, "weekdays")
        for r in await StandingOrder.select()
        .where(StandingOrder.active.eq(True) & (StandingOrder.meal == service["meal"]))
        .run()
    ]
    standing = [s for s in standing if weekday in s["weekdays"]]
    skipped = {"paused": 0, "already": 0, "allergy": 0, "full": 0}
    diners = {
        d["id"]: decoded(d, "diets", "allergies", "avoid")
        for d in await Diner.select().where(Diner.state.is_in(["active", "paused"])).run()
    }
    have = {r["diner"] for r in await Order.select(Order.diner).where(Order.service == service_id).run()}
    dishes = (await dishes_of([service_id]))[service_id]
    people = await people_by_id({d["person_id"] for d in diners.values()})
    hardships = await categories_by_person({d["person_id"] for d in diners.values()})
    all_rules, limits = await rules(), office_limits()
    room = service["capacity"] - await taken(service_id)
    moment = now()
    rows: list[Any] = []
    for s in sorted(standing, key=lambda s: s["id"]):
        diner = diners.get(s["diner"])
        if diner is None or diner["state"] in ("stopped", "deceased"):
            continue
        if is_paused_on(diner, service["day"]):
            skipped["paused"] += 1
            continue
        if diner["id"] in have:
            skipped["already"] += 1
            continue
        allergic, avoided = clash(diner, dishes)
        if allergic:
            skipped["allergy"] += 1
            continue
        if len(rows) >= room:
            skipped["full"] += 1
            continue
        person = people.get(diner["person_id"])
        age = age_on(person.birth_date, service["day"]) if person and person.birth_date else None
        price = price_for(
            service["price_fen"],
            all_rules,
            age=age,
            hardships=hardships.get(diner["person_id"], set()),
            limits=limits,
        )
        rows.append(
            {
                "service": service_id,
                "diner": diner["id"],
                "portion": s["portion"],
                "how": s["how"] if (s["how"] != "delivered" or diner["dwelling_id"]) else "pick_up",
                "texture": diner["texture"],
                "source": "standing",
                "state": "ordered",
                "price_fen": price.price_fen,
                "subsidy_fen": price.subsidy_fen,
                "payable_fen": price.payable_fen,
                "rule_name": price.rule_name,
                "funder": price.funder,
                "warning": f"忌口：{'、'.join(avoided)}" if avoided else "",
                "placed_by_user_id": s["set_by_user_id"],
                "created_at": moment,
            }
        )
        have.add(diner["id"])
    await insert_rows(Order, rows)  # one driver call: a piccolo object per row costs 20× more
    await Service.update({Service.generated: True}).where(Service.id == service_id).run()
    return Generated(service_id, len(rows), skipped)


async def generate_due(today: dt.date) -> list[Generated]:
    """The meals of today and tomorrow of published menus whose orders are not made yet."""
    from plugins.canteen.tables import Service

    rows = (
        await Service.select(Service.id, Service.menu.published_at)
        .where(
            Service.generated.eq(False)
            & (Service.day >= today)
            & (Service.day <= today + dt.timedelta(days=1))
        )
        .run()
    )
    return [await generate(r["id"]) for r in rows if r["menu.published_at"] is not None]


async def close_due(moment: dt.datetime) -> int:
    """Meals past their cut-off close to orders (their standing orders made first)."""
    from plugins.canteen.tables import Service

    rows = (
        await Service.select(Service.id, Service.generated, Service.menu.published_at)
        .where(Service.closed.eq(False) & (Service.cut_off <= moment))
        .run()
    )
    for r in rows:
        if not r["generated"] and r["menu.published_at"] is not None:
            await generate(r["id"])
        await Service.update({Service.closed: True}).where(Service.id == r["id"]).run()
        await emit("canteen.orders_closed", {"service_id": r["id"]})
    return len(rows)
