"""Work records, the resident's sign-off and feedback. "Not fixed" reopens the repair."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from core.api import Conflict, InvalidInput, case_feedback, emit, get_case, transition_case
from plugins.repairs.costs import check_payment, check_quote_before_work
from plugins.repairs.dispatch import sync_state
from plugins.repairs.money import to_fen
from plugins.repairs.settings import settings

OUTCOMES = ("fixed", "partly", "not_fixed")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_materials(materials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(materials):
        name = str(item.get("name", "")).strip()
        if not 1 <= len(name) <= 100:
            raise InvalidInput(f"item {i + 1}: name must be 1-100 characters", field="materials")
        quantity = item.get("quantity", 1)
        if not isinstance(quantity, int | float) or isinstance(quantity, bool) or quantity <= 0:
            raise InvalidInput(f"item {i + 1}: quantity must be a positive number", field="materials")
        cost = to_fen(item.get("cost_yuan", 0), "materials")
        out.append({"name": name, "quantity": quantity, "cost_fen": cost})
    return out


async def latest_work(repair_id: int) -> dict[str, Any] | None:
    from plugins.repairs.tables import WorkRecord

    return (
        await WorkRecord.select()
        .where(WorkRecord.repair == repair_id)
        .order_by(WorkRecord.id, ascending=False)
        .first()
        .run()
    )


async def record_work(
    repair: dict[str, Any],
    *,
    member_id: int,
    materials: list[dict[str, Any]],
    minutes: int,
    cost_yuan: float | None,
    note: str,
    by_user_id: int,
) -> dict[str, Any]:
    """The volunteer's record of one visit; the case goes to in_progress. Before/after photos
    attach to it (owner kind ``repairs.work``) through the core's attachments API."""
    from plugins.repairs.tables import WorkRecord

    if repair["assignee_member_id"] != member_id:
        raise Conflict("only the volunteer holding the job records work on it")
    if repair["state"] not in ("assigned", "in_progress", "reopened"):
        raise Conflict(f"work is recorded on dispatched repairs; this one is {repair['state']}")
    check_quote_before_work(repair)
    if not 1 <= minutes <= 24 * 60:
        raise InvalidInput("must be from 1 to 1440 minutes", field="minutes")
    items = check_materials(materials)
    cost_fen = to_fen(cost_yuan, "cost_yuan", required=False)
    if cost_fen is None:
        cost_fen = sum(round(i["cost_fen"] * i["quantity"]) for i in items)
    pending = await latest_work(repair["id"])
    if pending is not None and pending["signed_off_at"] is None:
        raise Conflict("the last work record awaits the resident's sign-off")
    if repair["state"] in ("assigned", "reopened"):
        await sync_state(
            repair["id"],
            await transition_case(
                repair["case_id"], "in_progress", actor_id=by_user_id, reason="work recorded"
            ),
        )
    record = WorkRecord(
        repair=repair["id"],
        member_id=member_id,
        materials=json.dumps(items, ensure_ascii=False),
        minutes=minutes,
        cost_fen=cost_fen,
        note=(note or "").strip(),
        recorded_by=by_user_id,
        recorded_at=now(),
    )
    await record.save().run()
    await emit(
        "repairs.work_recorded", {"repair_id": repair["id"], "work_id": record.id}, actor_id=by_user_id
    )
    return record.to_dict()


def points_for(minutes: int) -> int:
    return max(1, math.ceil(minutes / 60 * settings().points_per_hour))


async def sign_off(
    repair: dict[str, Any], *, paid_yuan: float | None, note: str, by_user_id: int
) -> dict[str, Any]:
    """The requester (or their proxy) confirms the work and what they paid; the case is resolved
    and the volunteer's hours and points are recorded."""
    from plugins.repairs.tables import Repair, ServiceLog, WorkRecord

    work = await latest_work(repair["id"])
    if work is None:
        raise Conflict("there is no work to sign off yet")
    if work["signed_off_at"] is not None:
        raise Conflict("this work is already signed off")
    if repair["state"] != "in_progress":
        raise Conflict(f"sign-off follows the work; the repair is {repair['state']}")
    paid_fen = to_fen(paid_yuan, "paid_yuan")
    assert paid_fen is not None
    check_payment(repair, paid_fen)
    stamp = now()
    await (
        WorkRecord.update(
            {
                WorkRecord.signed_off_at: stamp,
                WorkRecord.signed_off_by: by_user_id,
                WorkRecord.paid_fen: paid_fen,
                WorkRecord.sign_off_note: (note or "").strip()[:300],
            }
        )
        .where(WorkRecord.id == work["id"])
        .run()
    )
    case = await transition_case(
        repair["case_id"], "resolved", actor_id=by_user_id, reason="signed off by resident"
    )
    await (
        Repair.update({Repair.state: case.state, Repair.fixed_at: stamp})
        .where(Repair.id == repair["id"])
        .run()
    )
    await ServiceLog.insert(
        ServiceLog(
            member=work["member_id"],
            repair_id=repair["id"],
            work_id=work["id"],
            minutes=work["minutes"],
            points=points_for(work["minutes"]),
            on_date=stamp.date(),
            note=f"repair {repair['number']}",
        )
    ).run()
    await emit(
        "repairs.signed_off",
        {"repair_id": repair["id"], "work_id": work["id"], "paid_fen": paid_fen},
        actor_id=by_user_id,
    )
    return {**work, "signed_off_at": stamp, "signed_off_by": by_user_id, "paid_fen": paid_fen}


async def give_feedback(
    repair: dict[str, Any],
    *,
    outcome: str,
    speed_score: int,
    service_score: int,
    comment: str,
    by_user_id: int,
) -> dict[str, Any]:
    """Fixed / partly close the repair; not fixed reopens it for another visit."""
    from plugins.repairs.tables import Repair, RepairFeedback

    if outcome not in OUTCOMES:
        raise InvalidInput(f"must be one of {', '.join(OUTCOMES)}", field="outcome")
    for field, score in (("speed_score", speed_score), ("service_score", service_score)):
        if not 1 <= score <= 5:
            raise InvalidInput("must be from 1 to 5", field=field)
    case = await get_case(repair["case_id"])
    if case.state != "resolved":
        raise Conflict(f"feedback follows the sign-off; the repair is {case.state}")
    case = await case_feedback(
        repair["case_id"],
        outcome=outcome,
        score=round((speed_score + service_score) / 2),
        comment=comment,
        by_user_id=by_user_id,
    )
    feedback = RepairFeedback(
        repair=repair["id"],
        outcome=outcome,
        speed_score=speed_score,
        service_score=service_score,
        comment=(comment or "").strip(),
        by_user_id=by_user_id,
        at=now(),
    )
    await feedback.save().run()
    values: dict[Any, Any] = {Repair.state: case.state}
    if outcome == "not_fixed":
        values[Repair.fixed_at] = None
    await Repair.update(values).where(Repair.id == repair["id"]).run()
    return feedback.to_dict()
