"""Dishes and weekly menus: each serving day's meals with their cut-off, capacity and price, the
dishes cooked, and publishing by a date so residents can order for the week ahead.

Publishing also tells the kitchen in advance which diners must not have a dish of that week: an
allergy (their orders of that meal are refused) or a dish they avoid (warned, cooked without).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, clean_text, emit
from plugins.canteen import vocabulary
from plugins.canteen.clock import at, aware, now
from plugins.canteen.json_lists import decoded
from plugins.canteen.settings import settings


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# -- dishes ---------------------------------------------------------------------------------


async def dishes(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Dish

    select = Dish.select().order_by(Dish.kind).order_by(Dish.name)
    if not include_inactive:
        select = select.where(Dish.active.eq(True))
    return [decoded(r, "allergens", "textures") for r in await select.run()]


async def add_dish(
    *,
    name: str,
    kind: str,
    components: str = "",
    allergens: list[str] | None = None,
    textures: list[str] | None = None,
) -> dict[str, Any]:
    from plugins.canteen.tables import Dish

    name = clean_text(name, "name", 60)
    if kind not in vocabulary.DISH_KINDS:
        raise InvalidInput(f"one of {', '.join(vocabulary.DISH_KINDS)}", field="kind")
    allergens = sorted(set(allergens or []))
    bad = [a for a in allergens if a not in vocabulary.ALLERGENS]
    if bad:
        raise InvalidInput(f"not an allergen we know: {', '.join(bad)}", field="allergens")
    textures = sorted(set(textures or ["normal"]) | {"normal"})
    bad = [t for t in textures if t not in vocabulary.TEXTURES]
    if bad:
        raise InvalidInput(f"one of {', '.join(vocabulary.TEXTURES)}", field="textures")
    if await Dish.exists().where((Dish.name == name) & Dish.active.eq(True)).run():
        raise Conflict("there is already a dish of this name")
    row = Dish(
        name=name,
        kind=kind,
        components=clean_text(components, "components", 200, required=False),
        allergens=allergens,
        textures=textures,
    )
    await row.save().run()
    return decoded(row.to_dict(), "allergens", "textures")


# -- menus ----------------------------------------------------------------------------------


async def menu_of_week(week_start: dt.date) -> dict[str, Any] | None:
    from plugins.canteen.tables import Menu

    return await Menu.select().where(Menu.week_start == monday_of(week_start)).first().run()


async def get_menu(menu_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Menu

    row = await Menu.select().where(Menu.id == menu_id).first().run()
    if row is None:
        raise NotFound("no such menu")
    return row


async def create_week(week_start: dt.date) -> dict[str, Any]:
    """The week's menu with one service per serving day and meal, dishes to be chosen."""
    from plugins.canteen.tables import Menu, Service

    if week_start.weekday() != 0:
        raise InvalidInput("a week's menu starts on a Monday", field="week_start")
    if await menu_of_week(week_start) is not None:
        raise Conflict("this week already has a menu")
    s = settings()
    menu = Menu(week_start=week_start)
    await menu.save().run()
    services = []
    for offset in sorted(set(s.weekdays)):
        day = week_start + dt.timedelta(days=offset)
        for meal in s.meals:
            serves = at(day, s.serves_at.get(meal, "11:00"))
            if serves - dt.timedelta(hours=s.cut_off_hours) <= now():
                continue  # a menu made mid-week starts with the meals one can still order
            services.append(
                Service(
                    menu=menu.id,
                    day=day,
                    meal=meal,
                    serves_at=serves,
                    cut_off=serves - dt.timedelta(hours=s.cut_off_hours),
                    capacity=s.capacity,
                    price_fen=s.price_fen.get(meal, 0),
                )
            )
    if services:
        await Service.insert(*services).run()
    return await week(menu.id)


async def get_service(service_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Service

    row = await Service.select().where(Service.id == service_id).first().run()
    if row is None:
        raise NotFound("no such meal")
    return row


async def dishes_of(service_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    from plugins.canteen.tables import ServiceDish

    out: dict[int, list[dict[str, Any]]] = {i: [] for i in service_ids}
    if not service_ids:
        return out
    rows = (
        await ServiceDish.select(
            ServiceDish.service,
            ServiceDish.dish.id,
            ServiceDish.dish.name,
            ServiceDish.dish.kind,
            ServiceDish.dish.allergens,
            ServiceDish.dish.textures,
            ServiceDish.dish.components,
        )
        .where(ServiceDish.service.is_in(service_ids))
        .order_by(ServiceDish.id)
        .run()
    )
    for r in rows:
        dish = decoded(
            {
                "id": r["dish.id"],
                "name": r["dish.name"],
                "kind": r["dish.kind"],
                "allergens": r["dish.allergens"],
                "textures": r["dish.textures"],
                "components": r["dish.components"],
            },
            "allergens",
            "textures",
        )
        out[r["service"]].append(dish)
    return out


async def week(menu_id: int) -> dict[str, Any]:
    """The menu with its services by day, each with its dishes."""
    from plugins.canteen.tables import Service

    menu = await get_menu(menu_id)
    services = (
        await Service.select()
        .where(Service.menu == menu_id)
        .order_by(Service.day)
        .order_by(Service.serves_at)
        .run()
    )
    cooked = await dishes_of([s["id"] for s in services])
    for s in services:
        s["dishes"] = cooked[s["id"]]
    return {**menu, "services": services}


async def set_dishes(service_id: int, dish_ids: list[int]) -> dict[str, Any]:
    """What a meal cooks; changed until its cut-off (after that, the kitchen has bought for it)."""
    from plugins.canteen.tables import Dish, ServiceDish

    service = await get_service(service_id)
    if service["closed"] or now() >= aware(service["cut_off"]):
        raise Conflict("orders for this meal have closed; its dishes are fixed")
    ids = list(dict.fromkeys(dish_ids))
    if not ids:
        raise InvalidInput("choose at least one dish", field="dish_ids")
    found = {
        r["id"] for r in await Dish.select(Dish.id).where(Dish.id.is_in(ids) & Dish.active.eq(True)).run()
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput("no such dish", field="dish_ids")
    await ServiceDish.delete().where(ServiceDish.service == service_id).run()
    await ServiceDish.insert(*[ServiceDish(service=service_id, dish=i) for i in ids]).run()
    return {**service, "dishes": (await dishes_of([service_id]))[service_id]}


async def change_service(
    service_id: int, *, capacity: int | None = None, cut_off: dt.datetime | None = None
) -> dict[str, Any]:
    from plugins.canteen.tables import Order, Service

    service = await get_service(service_id)
    values: dict[Any, Any] = {}
    if capacity is not None:
        taken = await Order.count().where((Order.service == service_id) & (Order.state != "cancelled")).run()
        if capacity < taken:
            raise InvalidInput(f"{taken} meals are already ordered", field="capacity")
        values[Service.capacity] = capacity
    if cut_off is not None:
        if cut_off > aware(service["serves_at"]):
            raise InvalidInput("orders close before the meal is served", field="cut_off")
        values[Service.cut_off] = cut_off  # orders are refused past it at once; the round closes it
    if values:
        await Service.update(values).where(Service.id == service_id).run()
    return await get_service(service_id)


async def publish(menu_id: int, *, by_user_id: int) -> dict[str, Any]:
    """Residents can see and order from the week once published; every meal needs its dishes."""
    from plugins.canteen.tables import Menu

    menu = await week(menu_id)
    if menu["published_at"] is not None:
        raise Conflict("this menu is already published")
    empty = [s for s in menu["services"] if not s["dishes"]]
    if empty or not menu["services"]:
        raise InvalidInput("choose the dishes of every meal first", field="services")
    await (
        Menu.update({Menu.published_at: now(), Menu.published_by_user_id: by_user_id})
        .where(Menu.id == menu_id)
        .run()
    )
    await emit("canteen.menu_published", {"menu_id": menu_id, "week_start": menu["week_start"].isoformat()})
    return await week(menu_id)


def clash(diner: dict[str, Any], dishes: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(allergy clashes, avoided dishes): the names of the meal's dishes the diner must not have."""
    allergic = [d["name"] for d in dishes if set(d["allergens"]) & set(diner["allergies"])]
    avoided = [
        d["name"] for d in dishes if any(w in d["name"] or w in d["components"] for w in diner["avoid"])
    ]
    return allergic, [a for a in avoided if a not in allergic]


async def flags(menu_id: int) -> list[dict[str, Any]]:
    """For the kitchen, ahead of the week: each active diner with a dish they must not have."""
    from plugins.canteen.diners import list_diners

    menu = await week(menu_id)
    out = []
    for diner in await list_diners(states=("active", "paused")):
        if not diner["allergies"] and not diner["avoid"]:
            continue
        for service in menu["services"]:
            allergic, avoided = clash(diner, service["dishes"])
            if allergic or avoided:
                out.append(
                    {
                        "diner_id": diner["id"],
                        "name": diner["name"],
                        "address": diner["address"],
                        "day": service["day"],
                        "meal": service["meal"],
                        "allergy": allergic,
                        "avoid": avoided,
                    }
                )
    return out
