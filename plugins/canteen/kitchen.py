"""The kitchen's day: how many of what to cook (by portion, texture and restriction), what must
not go on whose tray, and the labels of the meals that leave the canteen."""

from __future__ import annotations

from collections import Counter
from typing import Any

from plugins.canteen.counter import orders_of_service
from plugins.canteen.menus import dishes_of, get_service

COOKED = ("ordered", "served", "delivered", "refused", "not_home", "no_show")


async def counts(service_id: int) -> dict[str, Any]:
    """The counts the kitchen cooks and packs by: meals by portion, texture and how they are
    eaten; restrictions; each dish with the textures it is made in; trays with a warning."""
    service = await get_service(service_id)
    orders = await orders_of_service(service_id, states=COOKED)
    dishes = (await dishes_of([service_id]))[service_id]
    portions = Counter(o["portion"] for o in orders)
    textures = Counter(o["texture"] for o in orders)
    how = Counter(o["how"] for o in orders)
    diets = Counter(d for o in orders for d in o["diner.diets"])
    allergies = Counter(a for o in orders for a in o["diner.allergies"])
    by_dish = []
    for dish in dishes:
        eaters = [o for o in orders if not (set(dish["allergens"]) & set(o["diner.allergies"]))]
        by_dish.append(
            {
                "dish": dish["name"],
                "kind": dish["kind"],
                "total": len(eaters),
                "textures": dict(Counter(o["texture"] for o in eaters)),
                "portions": dict(Counter(o["portion"] for o in eaters)),
            }
        )
    return {
        "service": service,
        "meals": len(orders),
        "portions": dict(portions),
        "textures": dict(textures),
        "how": dict(how),
        "diets": dict(diets),
        "allergies": dict(allergies),
        "dishes": by_dish,
        "warnings": [
            {"name": o["diner.name"], "address": o["diner.address"], "warning": o["warning"]}
            for o in orders
            if o["warning"]
        ],
    }


async def packing_order(service_id: int) -> list[dict[str, Any]]:
    """The delivered meals in the order the kitchen packs them: route by route, stop by stop,
    then those on no route by address."""
    from plugins.canteen.tables import Route, Stop

    orders = [o for o in await orders_of_service(service_id, states=COOKED) if o["how"] == "delivered"]
    service = await get_service(service_id)
    routes = {
        r["id"]: r
        for r in await Route.select().where(Route.active.eq(True) & (Route.meal == service["meal"])).run()
    }
    stops = await Stop.select().where(Stop.route.is_in(list(routes) or [0])).run()
    place = {s["diner"]: (s["route"], s["position"]) for s in stops}
    out = []
    for o in orders:
        route_id, position = place.get(o["diner"], (None, 0))
        route = routes.get(route_id) if route_id else None
        out.append({**o, "route_name": route["name"] if route else "", "position": position})
    return sorted(
        out,
        key=lambda o: (
            o["route_name"] == "",
            o["route_name"],
            o["position"],
            o["diner.address"],
            o["diner.name"],
        ),
    )
