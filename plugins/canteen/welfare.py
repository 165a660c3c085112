"""The welfare check when no one opens the door (送餐未应答): an elderly person who does not take
in their meal is seen the same day. The grid worker of their home gets a visit asked for at the
top of their list of visits due (core grids); a diner of the care register at a high visit tier
(``welfare_case_tier``) also gets an urgent case, so it is watched by the case engine's clock
and escalates if no one acts."""

from __future__ import annotations

from typing import Any

from core.api import NotFound, get_visit_request, open_case, people_in_category, request_visit
from plugins.canteen.settings import settings

CARE_CATEGORIES = ("elderly_alone", "empty_nest", "impaired_mobility", "serious_illness", "disabled")
CASE_TITLE = "送餐未应答，请上门查看"


async def care_tier(person_id: int) -> int | None:
    """The person's highest need in the care register (1 = highest), if they are in it."""
    tiers = [
        r.tier
        for category in CARE_CATEGORIES
        for r in await people_in_category(category, consented_only=False)
        if r.person_id == person_id
    ]
    return min(tiers) if tiers else None


async def raise_check(delivery_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Delivery, Diner, Order

    delivery = await Delivery.select().where(Delivery.id == delivery_id).first().run()
    if delivery is None:
        raise NotFound("no such delivery")
    order = await Order.select(Order.diner).where(Order.id == delivery["order"]).first().run()
    diner = await Diner.select().where(Diner.id == order["diner"]).first().run() if order else None
    if diner is None:
        raise NotFound("no such diner")
    reason = f"送餐未应答（{diner['address']}）" + (f"：{delivery['note']}" if delivery["note"] else "")
    # Due "today" by the core's own calendar, so it is on the grid worker's list at once.
    visit = await request_visit(diner["person_id"], reason=reason[:200], source="canteen")
    values: dict[Any, Any] = {Delivery.welfare_visit_id: visit.id}
    tier = await care_tier(diner["person_id"])
    if tier is not None and tier <= settings().welfare_case_tier:
        case = await open_case(
            case_type="canteen.welfare_check",
            title=CASE_TITLE,
            description=reason,
            channel="system",
            person_id=diner["person_id"],
            dwelling_id=diner["dwelling_id"],
            priority="urgent",
        )
        values[Delivery.welfare_case_id] = case.id
    await Delivery.update(values).where(Delivery.id == delivery_id).run()
    return await Delivery.select().where(Delivery.id == delivery_id).first().run() or {}


async def outcome(delivery: dict[str, Any]) -> dict[str, Any]:
    """What came of a not-home check: the visit's date and findings once made."""
    if delivery.get("welfare_visit_id") is None:
        return {"state": "none"}
    request = await get_visit_request(delivery["welfare_visit_id"])
    if request.done_at is None:
        return {"state": "open", "due_on": request.due_on}
    return {
        "state": "seen",
        "visited_on": request.visited_on,
        "findings": request.findings,
        "kind": request.visit_kind,
    }
