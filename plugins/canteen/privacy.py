"""A diner's data for the person's privacy export, and its erasure: the profile (diet, health,
emergency contact), orders, standing orders and deliveries are theirs. Erasure removes the
profile's personal content and the notes, keeping the priced orders without a name (the
subsidy statements already handed upward must still add up)."""

from __future__ import annotations

from typing import Any

from plugins.canteen.json_lists import decoded


async def export_person(person_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Delivery, Diner, Order, StandingOrder

    diner = await Diner.select().where(Diner.person_id == person_id).first().run()
    if diner is None:
        return {}
    decoded(diner, "diets", "allergies", "avoid")
    return {
        "diner": diner,
        "standing_orders": [
            decoded(r, "weekdays")
            for r in await StandingOrder.select().where(StandingOrder.diner == diner["id"]).run()
        ],
        "orders": await Order.select(*Order.all_columns(), Order.service.day, Order.service.meal)
        .where(Order.diner == diner["id"])
        .run(),
        "deliveries": await Delivery.select().where(Delivery.order.diner == diner["id"]).run(),
    }


async def erase_person(person_id: int) -> int:
    from plugins.canteen.tables import Delivery, Diner, Order, StandingOrder, Stop

    diner = await Diner.select(Diner.id).where(Diner.person_id == person_id).first().run()
    if diner is None:
        return 0
    diner_id = diner["id"]
    touched = 1
    touched += await Stop.count().where(Stop.diner == diner_id).run()
    await Stop.delete().where(Stop.diner == diner_id).run()
    touched += await StandingOrder.count().where(StandingOrder.diner == diner_id).run()
    await StandingOrder.delete().where(StandingOrder.diner == diner_id).run()
    orders = [r["id"] for r in await Order.select(Order.id).where(Order.diner == diner_id).run()]
    if orders:
        await (
            Delivery.update({Delivery.note: "", Delivery.welfare_outcome: ""})
            .where(Delivery.order.is_in(orders))
            .run()
        )
        await Order.update({Order.warning: ""}).where(Order.id.is_in(orders)).run()
        await (
            Order.update({Order.state: "cancelled"})
            .where(Order.id.is_in(orders) & (Order.state == "ordered"))
            .run()
        )
        touched += len(orders)
    await (
        Diner.update(
            {
                Diner.name: "（已删除）",
                Diner.phone: "",
                Diner.address: "",
                Diner.dwelling_id: None,
                Diner.building_id: None,
                Diner.diets: [],
                Diner.allergies: [],
                Diner.avoid: [],
                Diner.emergency_name: "",
                Diner.emergency_phone: "",
                Diner.state: "stopped",
                Diner.state_reason: "",
            }
        )
        .where(Diner.id == diner_id)
        .run()
    )
    return touched
