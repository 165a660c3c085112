"""Subsidy tiers (助餐补贴): who pays less, within what the street office allows.

A rule is for an age (80 and over) and/or a hardship of the care register (低保, 特困, …); it
either takes ``subsidy_fen`` off the price or leaves the diner to pay ``pays_fen``, a token
amount. Of every rule a diner meets, the one that saves them most applies, and no subsidy passes
the office's ceiling or leaves the diner paying less than its floor. Amounts are fen, integers:
nothing is ever rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, clean_text, current_tenant
from plugins.canteen import vocabulary
from plugins.canteen.manifest import SubsidyLimits
from plugins.canteen.settings import settings


def office_limits() -> SubsidyLimits:
    return current_tenant().office_settings_as("canteen", SubsidyLimits)


@dataclass(frozen=True)
class Price:
    price_fen: int
    subsidy_fen: int
    payable_fen: int
    rule_name: str = ""
    funder: str = ""


def saving(rule: dict[str, Any], price_fen: int) -> int:
    if rule["subsidy_fen"] is not None:
        return min(rule["subsidy_fen"], price_fen)
    return max(price_fen - (rule["pays_fen"] or 0), 0)


def meets(rule: dict[str, Any], age: int | None, hardships: set[str]) -> bool:
    if rule["min_age"] is not None and (age is None or age < rule["min_age"]):
        return False
    return not (rule["hardship"] and rule["hardship"] not in hardships)


def price_for(
    price_fen: int,
    rules: list[dict[str, Any]],
    *,
    age: int | None,
    hardships: set[str],
    limits: SubsidyLimits,
) -> Price:
    """The price of one meal for a diner: the best rule they meet, held within the limits."""
    best: dict[str, Any] | None = None
    best_saving = 0
    for rule in rules:
        if rule["active"] and meets(rule, age, hardships):
            amount = saving(rule, price_fen)
            if amount > best_saving:
                best, best_saving = rule, amount
    if best is None:
        return Price(price_fen, 0, price_fen)
    floor = min(limits.min_payable_fen, price_fen)
    subsidy = min(best_saving, limits.max_subsidy_fen, price_fen - floor)
    return Price(price_fen, subsidy, price_fen - subsidy, best["name"], best["funder"])


async def rules(*, include_inactive: bool = False) -> list[dict[str, Any]]:
    from plugins.canteen.tables import SubsidyRule

    select = SubsidyRule.select().order_by(SubsidyRule.id)
    if not include_inactive:
        select = select.where(SubsidyRule.active.eq(True))
    return await select.run()


def _check_within(limits: SubsidyLimits, subsidy_fen: int | None, pays_fen: int | None) -> None:
    if subsidy_fen is not None and subsidy_fen > limits.max_subsidy_fen:
        raise InvalidInput(
            f"the street office allows at most {limits.max_subsidy_fen} fen of subsidy per meal",
            field="subsidy_fen",
        )
    if pays_fen is not None:
        if pays_fen < limits.min_payable_fen:
            raise InvalidInput(
                f"the street office asks every diner to pay at least {limits.min_payable_fen} fen",
                field="pays_fen",
            )
        for meal in settings().meals:
            price = settings().price_fen.get(meal, 0)
            if price - pays_fen > limits.max_subsidy_fen:
                raise InvalidInput(
                    f"at {price} fen a meal this is {price - pays_fen} fen of subsidy; the street "
                    f"office allows at most {limits.max_subsidy_fen}",
                    field="pays_fen",
                )


async def add_rule(
    *,
    name: str,
    min_age: int | None,
    hardship: str,
    subsidy_fen: int | None,
    pays_fen: int | None,
    funder: str,
) -> dict[str, Any]:
    from plugins.canteen.tables import SubsidyRule

    name = clean_text(name, "name", 60)
    funder = clean_text(funder, "funder", 60)
    if hardship and hardship not in vocabulary.HARDSHIPS:
        raise InvalidInput(f"one of {', '.join(vocabulary.HARDSHIPS)}, or none", field="hardship")
    if min_age is not None and not 0 < min_age < 130:
        raise InvalidInput("an age between 1 and 129", field="min_age")
    if min_age is None and not hardship:
        raise InvalidInput("a rule is for an age, a hardship or both", field="min_age")
    if (subsidy_fen is None) == (pays_fen is None):
        raise InvalidInput("give either the subsidy or what the diner pays, not both", field="subsidy_fen")
    for field, value in (("subsidy_fen", subsidy_fen), ("pays_fen", pays_fen)):
        if value is not None and not 0 <= value <= 100_000:
            raise InvalidInput("an amount in fen between 0 and 100000", field=field)
    _check_within(office_limits(), subsidy_fen, pays_fen)
    row = SubsidyRule(
        name=name,
        min_age=min_age,
        hardship=hardship,
        subsidy_fen=subsidy_fen,
        pays_fen=pays_fen,
        funder=funder,
    )
    await row.save().run()
    return row.to_dict()


async def retire_rule(rule_id: int) -> dict[str, Any]:
    """A rule is never deleted: the orders priced by it keep its name and funder."""
    from plugins.canteen.tables import SubsidyRule

    row = await SubsidyRule.select().where(SubsidyRule.id == rule_id).first().run()
    if row is None:
        raise NotFound("no such subsidy rule")
    if not row["active"]:
        raise Conflict("this rule is already retired")
    await SubsidyRule.update({SubsidyRule.active: False}).where(SubsidyRule.id == rule_id).run()
    return {**row, "active": False}


def yuan(fen: int | None) -> str:
    """¥12.50 from 1250 fen, for pages and sheets (the amounts themselves stay integers)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}¥{abs(fen) // 100}.{abs(fen) % 100:02d}"
