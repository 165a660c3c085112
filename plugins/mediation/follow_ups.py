"""Return visits after an agreement (回访).

Signing schedules one, ``follow_up_days`` later. On its day the daily job opens a case of type
``mediation.follow_up`` for the dispute's dwelling, which the core routes to that dwelling's
grid like any case, so the grid worker finds it in their list. Recording the outcome closes the
case; a performed dispute whose visit found the matter settled is closed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, clean_text, emit, open_case
from plugins.mediation import cases
from plugins.mediation.standing import Standing, get_dispute

FOLLOW_UP_TITLE = "矛盾调解回访"


async def follow_ups_of(dispute_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import FollowUp

    return await FollowUp.select().where(FollowUp.dispute == dispute_id).order_by(FollowUp.due_on).run()


async def schedule(dispute_id: int, *, due_on: dt.date, by: Standing) -> dict[str, Any]:
    """Another return visit, by hand: only for a dispute with a signed agreement."""
    from plugins.mediation.agreements import agreement_of
    from plugins.mediation.tables import FollowUp

    agreement = await agreement_of(dispute_id)
    if agreement is None or agreement["signed_at"] is None:
        raise InvalidInput(
            "a return visit follows a signed agreement, and this dispute has none", field="due_on"
        )
    if due_on < agreement["made_on"]:
        raise InvalidInput("on or after the agreement's date", field="due_on")
    row = FollowUp(dispute=dispute_id, due_on=due_on)
    await row.save().run()
    return row.to_dict()


async def open_due(today: dt.date) -> int:
    """Open the case of every return visit that is due and has none yet; returns how many."""
    from plugins.mediation.tables import FollowUp

    rows = (
        await FollowUp.select()
        .where((FollowUp.due_on <= today) & FollowUp.case_id.is_null() & FollowUp.done_at.is_null())
        .run()
    )
    for row in rows:
        dispute = await get_dispute(row["dispute"])
        case = await open_case(
            case_type="mediation.follow_up",
            title=FOLLOW_UP_TITLE,
            channel="on_behalf",
            dwelling_id=dispute["dwelling_id"],
            building_id=dispute["building_id"] if dispute["dwelling_id"] is None else None,
        )
        await FollowUp.update({FollowUp.case_id: case.id}).where(FollowUp.id == row["id"]).run()
        await emit(
            "mediation.follow_up_due",
            {"dispute_id": row["dispute"], "follow_up_id": row["id"], "case_id": case.id},
        )
    return len(rows)


async def record(
    dispute_id: int, follow_up_id: int, *, outcome: str, settled: bool, by: Standing
) -> dict[str, Any]:
    from plugins.mediation.tables import FollowUp

    if not (by.visitor or by.mediates or by.committee):
        raise InvalidInput("the return visit is recorded by whoever makes it", field="outcome")
    row = (
        await FollowUp.select()
        .where((FollowUp.id == follow_up_id) & (FollowUp.dispute == dispute_id))
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such return visit")
    if row["done_at"] is not None:
        raise Conflict("this return visit is recorded already")
    now = dt.datetime.now(dt.UTC)
    await (
        FollowUp.update(
            {
                FollowUp.outcome: clean_text(outcome, "outcome", 2000, multiline=True),
                FollowUp.settled: settled,
                FollowUp.done_at: now,
                FollowUp.by_user_id: by.user_id,
            }
        )
        .where(FollowUp.id == follow_up_id)
        .run()
    )
    await cases.follow(row["case_id"], "closed", actor_id=by.user_id)
    dispute = await get_dispute(dispute_id)
    if settled and dispute["state"] == "performed":
        from plugins.mediation.flow import close

        await close(
            dispute_id, actor_id=by.user_id, reason="回访确认已化解 / settled, as the return visit found"
        )
    return await FollowUp.select().where(FollowUp.id == follow_up_id).first().run()  # type: ignore[return-value]
