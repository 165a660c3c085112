"""Giving jobs to volunteers: assignment by staff, grabbing by volunteers, ranked suggestions,
reassignment and declining with a reason. Skills and certificates are checked every time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import CaseRef, Conflict, InvalidInput, assign_case, emit, get_case, is_member, transition_case
from plugins.repairs.settings import settings
from plugins.repairs.team import (
    OPEN_STATES,
    get_member,
    grids_of,
    on_call,
    open_load,
    skill_problem,
    skills_of,
)
from plugins.repairs.times import aware

DISPATCHABLE = ("reported", "accepted", "assigned", "in_progress", "reopened")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def sync_state(repair_id: int, case: CaseRef) -> None:
    """The repair mirrors its case's state (the engine is the source of truth)."""
    from plugins.repairs.tables import Repair

    await Repair.update({Repair.state: case.state}).where(Repair.id == repair_id).run()


async def _log(
    repair_id: int, action: str, *, member_id: int | None, by_user_id: int | None, reason: str = ""
) -> None:
    from plugins.repairs.tables import DispatchEntry

    await DispatchEntry.insert(
        DispatchEntry(
            repair=repair_id,
            action=action,
            member_id=member_id,
            by_user_id=by_user_id,
            reason=reason[:300],
            at=now(),
        )
    ).run()


async def check_can_take(member: dict[str, Any], skill: str, field: str) -> None:
    if not member["active"]:
        raise InvalidInput("this member has left the team", field=field)
    problem = skill_problem(await skills_of(member["id"]), skill, dt.date.today())
    if problem:
        raise InvalidInput(f"{member['name']} {problem}", field=field)


async def _hand_over(repair: dict[str, Any], member: dict[str, Any], *, actor_id: int | None) -> None:
    """Move the case to ``assigned`` (accepting it first) and record the volunteer on the case."""
    from plugins.repairs.tables import Repair

    case = await get_case(repair["case_id"])
    if case.state == "reported":
        case = await transition_case(
            repair["case_id"], "accepted", actor_id=actor_id, reason="repair dispatched"
        )
    if member["user_id"] is not None and await is_member(member["user_id"]):
        case = await assign_case(repair["case_id"], member["user_id"], actor_id=actor_id)
    elif case.state in ("accepted", "reopened"):
        case = await transition_case(
            repair["case_id"], "assigned", actor_id=actor_id, reason=f"to volunteer {member['name']}"
        )
    await (
        Repair.update(
            {Repair.assignee_member_id: member["id"], Repair.assigned_at: now(), Repair.state: case.state}
        )
        .where(Repair.id == repair["id"])
        .run()
    )


async def assign(repair: dict[str, Any], member_id: int, *, by_user_id: int, reason: str = "") -> None:
    """Staff give the job to a member; taking it from someone else needs a reason."""
    if repair["state"] not in DISPATCHABLE:
        raise Conflict(f"a repair that is {repair['state']} cannot be dispatched")
    member = await get_member(member_id)
    await check_can_take(member, repair["skill"], "member_id")
    previous = repair["assignee_member_id"]
    if previous == member_id:
        raise Conflict("the job is already this member's")
    if previous is not None and not reason.strip():
        raise InvalidInput("say why the job moves to someone else", field="reason")
    await _hand_over(repair, member, actor_id=by_user_id)
    action = "reassigned" if previous is not None else "assigned"
    await _log(
        repair["id"],
        action,
        member_id=member_id,
        by_user_id=by_user_id,
        reason=reason.strip() or (f"from member {previous}" if previous else ""),
    )
    await emit(
        "repairs.assigned",
        {
            "repair_id": repair["id"],
            "member_id": member_id,
            "user_id": member["user_id"],
            "previous_member_id": previous,
        },
        actor_id=by_user_id,
    )


async def grab(repair: dict[str, Any], member: dict[str, Any], *, user_id: int) -> None:
    """A volunteer with the skill takes an open job (first come, first served)."""
    from plugins.repairs.tables import Repair

    if repair["assignee_member_id"] is not None:
        raise Conflict("someone has already taken this job")
    if repair["state"] not in OPEN_STATES or repair["state"] == "in_progress":
        raise Conflict(f"a repair that is {repair['state']} cannot be taken")
    if not member["available"]:
        raise Conflict("you are marked unavailable; mark yourself available first")
    await check_can_take(member, repair["skill"], "skill")
    limit = settings().max_open_jobs
    if (await open_load()).get(member["id"], 0) >= limit:
        raise Conflict(f"you already hold {limit} open jobs; finish one first")
    # Claim the row first: of two volunteers grabbing at once, the second finds it taken (on
    # PostgreSQL it waits for the first's row lock, then matches nothing) and nothing is written.
    claimed = (
        await Repair.update({Repair.assignee_member_id: member["id"], Repair.assigned_at: now()})
        .where((Repair.id == repair["id"]) & Repair.assignee_member_id.is_null())
        .returning(Repair.id)
        .run()
    )
    if not claimed:
        raise Conflict("someone has already taken this job")
    await _hand_over(repair, member, actor_id=user_id)
    await _log(repair["id"], "grabbed", member_id=member["id"], by_user_id=user_id)
    await emit(
        "repairs.assigned",
        {
            "repair_id": repair["id"],
            "member_id": member["id"],
            "user_id": user_id,
            "previous_member_id": None,
        },
        actor_id=user_id,
    )


async def decline(repair: dict[str, Any], member: dict[str, Any], reason: str, *, user_id: int) -> None:
    """The assigned volunteer hands the job back, saying why; it is open for others again."""
    from plugins.repairs.tables import Repair

    if repair["assignee_member_id"] != member["id"]:
        raise Conflict("only the volunteer holding the job can decline it")
    if not (reason or "").strip():
        raise InvalidInput("say why you decline the job", field="reason")
    if repair["state"] not in ("assigned", "reopened"):
        raise Conflict(f"a job that is {repair['state']} can no longer be declined")
    await (
        Repair.update(
            {Repair.assignee_member_id: None, Repair.assigned_at: None, Repair.appointment_at: None}
        )
        .where(Repair.id == repair["id"])
        .run()
    )
    await _log(repair["id"], "declined", member_id=member["id"], by_user_id=user_id, reason=reason.strip())
    await emit(
        "repairs.declined",
        {"repair_id": repair["id"], "member_id": member["id"], "reason": reason.strip()},
        actor_id=user_id,
    )


async def set_appointment(repair: dict[str, Any], at: dt.datetime, note: str, *, by_user_id: int) -> None:
    from plugins.repairs.tables import Repair

    at = aware(at, "at")
    if repair["assignee_member_id"] is None:
        raise Conflict("dispatch the job before making an appointment")
    if repair["state"] not in ("assigned", "in_progress", "reopened"):
        raise Conflict(f"a repair that is {repair['state']} takes no appointment")
    if at < now() - dt.timedelta(hours=1):
        raise InvalidInput("is in the past", field="at")
    await (
        Repair.update({Repair.appointment_at: at, Repair.appointment_note: note.strip()[:200]})
        .where(Repair.id == repair["id"])
        .run()
    )
    await _log(
        repair["id"],
        "appointment_set",
        member_id=repair["assignee_member_id"],
        by_user_id=by_user_id,
        reason=at.isoformat(),
    )


async def suggest(repair: dict[str, Any], at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Members who may take the job, best first: skill level, covering the repair's grid, being
    on call now, and fewer open jobs. Each comes with the parts of its score."""
    from plugins.repairs.tables import Member, MemberSkill

    at = at or now()
    members = await Member.select().where(Member.active.eq(True) & Member.available.eq(True)).run()
    skills = await MemberSkill.select().where(MemberSkill.skill == repair["skill"]).run()
    load = await open_load()
    calling = await on_call(at)
    ranked = []
    for m in members:
        mine = [s for s in skills if s["member"] == m["id"]]
        if skill_problem(mine, repair["skill"], at.date()) is not None:
            continue
        parts = {
            "skill": 10 * mine[0]["level"],
            "grid": 20 if repair["grid_id"] is not None and repair["grid_id"] in grids_of(m) else 0,
            "on_call": 15 if m["id"] in calling else 0,
            "load": -12 * load.get(m["id"], 0),
        }
        ranked.append(
            {
                "member_id": m["id"],
                "name": m["name"],
                "score": sum(parts.values()),
                "parts": parts,
                "open_jobs": load.get(m["id"], 0),
                "level": mine[0]["level"],
            }
        )
    ranked.sort(key=lambda r: (-r["score"], r["open_jobs"], r["member_id"]))
    return ranked
