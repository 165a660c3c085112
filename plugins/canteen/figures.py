"""The canteen's figures for a period: meals served (eaten in, picked up, delivered), diners by
subsidy tier, subsidy spent, no-shows, not-home checks and what came of them. A figure with no
data is None ("no data"), never 0: a canteen that served nothing in a month says so."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from plugins.canteen.welfare import outcome

EATEN = ("served", "delivered")


async def _orders(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Order

    return (
        await Order.select(
            Order.id,
            Order.diner,
            Order.state,
            Order.how,
            Order.subsidy_fen,
            Order.payable_fen,
            Order.rule_name,
            Order.funder,
            Order.service.day,
        )
        .where((Order.service.day >= start) & (Order.service.day <= end) & (Order.state != "cancelled"))
        .run()
    )


async def canteen_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    from plugins.canteen.tables import Delivery, Service

    served_any = await Service.exists().where((Service.day >= start) & (Service.day <= end)).run()
    orders = await _orders(start, end)
    eaten = [o for o in orders if o["state"] in EATEN]
    by_how = Counter(o["how"] for o in eaten)
    per_day = Counter(o["service.day"].isoformat() for o in eaten)
    tiers: dict[str, set[int]] = {}
    for o in eaten:
        tiers.setdefault(o["rule_name"] or "无补贴", set()).add(o["diner"])
    checks = (
        await Delivery.select()
        .where(
            (Delivery.result == "not_home")
            & (Delivery.order.service.day >= start)  # type: ignore[union-attr]
            & (Delivery.order.service.day <= end)  # type: ignore[union-attr]
        )
        .run()
    )
    outcomes = Counter([(await outcome(c))["state"] for c in checks])

    def figure(value: int) -> int | None:
        return value if served_any else None

    return {
        "meals": figure(len(eaten)),
        "dine_in": figure(by_how.get("dine_in", 0)),
        "picked_up": figure(by_how.get("pick_up", 0)),
        "delivered": figure(by_how.get("delivered", 0)),
        "per_day": dict(sorted(per_day.items())),
        "diners": figure(len({o["diner"] for o in eaten})),
        "diners_by_tier": {name: len(ids) for name, ids in sorted(tiers.items())},
        "subsidy_fen": figure(sum(o["subsidy_fen"] for o in eaten)),
        "paid_by_diners_fen": figure(sum(o["payable_fen"] for o in eaten)),
        "no_shows": figure(sum(1 for o in orders if o["state"] == "no_show")),
        "not_home_checks": figure(len(checks)),
        "not_home_seen": figure(outcomes.get("seen", 0)) if checks else None,
    }


async def today_count() -> int | None:
    """Meals ordered for today (the dashboard card), None when the canteen serves no meal today."""
    from plugins.canteen.clock import today
    from plugins.canteen.tables import Order, Service

    day = today()
    if not await Service.exists().where(Service.day == day).run():
        return None
    return await Order.count().where((Order.service.day == day) & (Order.state != "cancelled")).run()
