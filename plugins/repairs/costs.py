"""Service tiers and quotes: free (common areas, people in the vulnerability register),
low-cost (materials only) and paid (the community's price list, quoted and confirmed first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, vulnerability_categories
from plugins.repairs.categories import TIERS
from plugins.repairs.money import to_fen
from plugins.repairs.settings import settings


async def decide_tier(
    category: dict[str, Any], location: str, requester_person_id: int | None
) -> tuple[str, str]:
    """The tier of a new repair and why."""
    if location == "common":
        return "free", "common area"
    if requester_person_id is not None:
        free_for = set(settings().free_for_categories)
        matched = sorted(free_for & set(await vulnerability_categories(requester_person_id)))
        if matched:
            return "free", f"vulnerability register: {', '.join(matched)}"
    return category["tier"], f"category {category['code']}"


def price_list() -> dict[str, float]:
    return dict(settings().price_list)


async def set_tier(repair: dict[str, Any], tier: str, reason: str, *, by_user_id: int) -> None:
    from plugins.repairs.tables import DispatchEntry, Repair

    if tier not in TIERS:
        raise InvalidInput(f"must be one of {', '.join(TIERS)}", field="tier")
    if not reason.strip():
        raise InvalidInput("say why the tier changes", field="reason")
    if repair["fixed_at"] is not None and repair["state"] in ("resolved", "closed"):
        raise Conflict("the repair is already signed off; its tier is final")
    values: dict[Any, Any] = {Repair.tier: tier, Repair.tier_reason: reason.strip()[:100]}
    if tier == "free":  # nothing to pay: a quote no longer applies
        values.update(
            {Repair.quote_fen: None, Repair.quote_confirmed_at: None, Repair.quote_confirmed_by: None}
        )
    await Repair.update(values).where(Repair.id == repair["id"]).run()
    await DispatchEntry.insert(
        DispatchEntry(
            repair=repair["id"],
            action="tier",
            by_user_id=by_user_id,
            reason=f"{repair['tier']} -> {tier}: {reason.strip()}"[:300],
            at=dt.datetime.now(dt.UTC),
        )
    ).run()


async def quote(repair: dict[str, Any], amount_yuan: float, note: str) -> None:
    from plugins.repairs.tables import Repair

    if repair["tier"] == "free":
        raise InvalidInput("a free repair takes no quote", field="amount_yuan")
    if repair["state"] not in ("accepted", "assigned", "reopened", "reported"):
        raise Conflict(f"a quote is given before the work starts; the repair is {repair['state']}")
    fen = to_fen(amount_yuan, "amount_yuan")
    # A new quote needs a new confirmation from the resident.
    await (
        Repair.update(
            {
                Repair.quote_fen: fen,
                Repair.quote_note: note.strip()[:200],
                Repair.quote_confirmed_at: None,
                Repair.quote_confirmed_by: None,
            }
        )
        .where(Repair.id == repair["id"])
        .run()
    )


async def confirm_quote(repair: dict[str, Any], *, by_user_id: int) -> None:
    from plugins.repairs.tables import Repair

    if repair["quote_fen"] is None:
        raise Conflict("there is no quote to confirm yet")
    if repair["quote_confirmed_at"] is not None:
        raise Conflict("the quote is already confirmed")
    await (
        Repair.update(
            {Repair.quote_confirmed_at: dt.datetime.now(dt.UTC), Repair.quote_confirmed_by: by_user_id}
        )
        .where(Repair.id == repair["id"])
        .run()
    )


def check_quote_before_work(repair: dict[str, Any]) -> None:
    """A paid job needs a quote the resident confirmed before any work is recorded."""
    if repair["tier"] != "paid":
        return
    if repair["quote_fen"] is None:
        raise InvalidInput("a paid repair needs a quote before work is recorded", field="quote")
    if repair["quote_confirmed_at"] is None:
        raise InvalidInput("the resident has not confirmed the quote yet", field="quote")


def check_payment(repair: dict[str, Any], paid_fen: int) -> None:
    if repair["tier"] == "free" and paid_fen != 0:
        raise InvalidInput("this repair is free of charge: nothing is paid", field="paid_yuan")
