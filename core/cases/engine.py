"""The case state machine, SLA clocks, escalation and feedback.

States: reported -> accepted -> assigned -> in_progress -> resolved -> closed, with rejected
(reason required), on_hold (reason shown to the resident; resuming returns to the state it
left) and reopened (after "not fixed" feedback). Every change is recorded with who and when.
Each active state has an SLA clock; a breach escalates grid -> community -> street office, each
level with a fresh clock (:func:`escalate_overdue`, which the scheduler calls).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from core.cases.extra import extra_problem as _extra_problem
from core.cases.numbering import next_case_number
from core.cases.tables import Case, CaseEscalation, CaseFeedback, CaseNote, CaseTransition, SlaPolicy
from core.errors import Conflict, InvalidInput, NotFound
from core.events.outbox import emit
from core.plugins.types import CaseType
from core.tenancy.context import current_tenant

TRANSITIONS: dict[str, frozenset[str]] = {
    "reported": frozenset({"accepted", "rejected", "on_hold"}),
    "accepted": frozenset({"assigned", "rejected", "on_hold"}),
    "assigned": frozenset({"in_progress", "on_hold"}),
    "in_progress": frozenset({"resolved", "on_hold"}),
    "on_hold": frozenset({"resume"}),
    "resolved": frozenset({"closed", "reopened"}),
    "reopened": frozenset({"assigned", "in_progress", "on_hold"}),
    "closed": frozenset(),
    "rejected": frozenset(),
}
ACTIVE = frozenset({"reported", "accepted", "assigned", "in_progress", "reopened"})
LEVELS = ("grid", "community", "office")
DEFAULT_SLA_HOURS = {
    "reported": 24.0,
    "accepted": 24.0,
    "assigned": 48.0,
    "in_progress": 72.0,
    "reopened": 48.0,
}
CHANNELS = ("walk_in", "phone", "app", "grid_visit", "on_behalf", "system")  # system: raised by a plugin
PRIORITIES = ("normal", "urgent", "emergency")
CORE_CASE_TYPES = (
    CaseType("general_request", "一般诉求", "General request"),
    CaseType("complaint", "投诉", "Complaint"),
    CaseType("neighbour_dispute", "邻里纠纷", "Neighbour dispute"),
    CaseType("public_facility", "公共设施", "Public facility", sla_hours={"in_progress": 48.0}),
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def sla_hours(case_types: Mapping[str, CaseType], case_type: str, state: str) -> float | None:
    if state not in ACTIVE:
        return None
    override = (
        await SlaPolicy.select(SlaPolicy.hours)
        .where((SlaPolicy.case_type == case_type) & (SlaPolicy.state == state))
        .first()
        .run()
    )
    if override:
        return float(override["hours"])
    ctype = case_types.get(case_type)
    if ctype and state in ctype.sla_hours:
        return float(ctype.sla_hours[state])
    return DEFAULT_SLA_HOURS[state]


async def _due(
    case_types: Mapping[str, CaseType], case_type: str, state: str, since: dt.datetime
) -> dt.datetime | None:
    hours = await sla_hours(case_types, case_type, state)
    return None if hours is None else since + dt.timedelta(hours=hours)


async def get_case(case_id: int) -> dict[str, Any]:
    row = await Case.select().where(Case.id == case_id).first().run()
    if row is None:
        raise NotFound("no such case")
    if isinstance(row["extra"], str):
        row["extra"] = json.loads(row["extra"] or "{}")
    return row


async def open_case(
    case_types: Mapping[str, CaseType],
    *,
    case_type: str,
    title: str,
    description: str = "",
    channel: str = "walk_in",
    requester_person_id: int | None = None,
    requester_user_id: int | None = None,
    acting_user_id: int | None = None,
    dwelling_id: int | None = None,
    building_id: int | None = None,
    location_note: str = "",
    priority: str | None = None,
    extra: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    from core.grids.tables import GridPlace
    from core.residents.tables import Dwelling, Person

    ctype = case_types.get(case_type)
    if ctype is None:
        raise InvalidInput(f"unknown case type; one of {', '.join(sorted(case_types))}", field="type")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput("must be 1-200 characters", field="title")
    if channel not in CHANNELS:
        raise InvalidInput(f"must be one of {', '.join(CHANNELS)}", field="channel")
    priority = priority or ctype.default_priority
    if priority not in PRIORITIES:
        raise InvalidInput(f"must be one of {', '.join(PRIORITIES)}", field="priority")
    extra = extra or {}
    unknown = set(extra) - set(ctype.extra_fields)
    if unknown:
        raise InvalidInput(f"unknown field(s) for {case_type}: {', '.join(sorted(unknown))}", field="extra")
    for name, value in extra.items():
        problem = _extra_problem(ctype.extra_fields[name], value)
        if problem:
            raise InvalidInput(f"extra.{name}: {problem}", field=f"extra.{name}")
    if (
        requester_person_id is not None
        and not await Person.exists().where(Person.id == requester_person_id).run()
    ):
        raise NotFound("no such person")
    unit_id = None
    if dwelling_id is not None:
        d = (
            await Dwelling.select(Dwelling.building, Dwelling.unit)
            .where(Dwelling.id == dwelling_id)
            .first()
            .run()
        )
        if d is None:
            raise NotFound("no such dwelling")
        building_id, unit_id = d["building"], d["unit"]
    grid_id = None
    if building_id is not None:
        places = (
            await GridPlace.select(GridPlace.grid, GridPlace.unit)
            .where((GridPlace.building == building_id) & GridPlace.grid._.active.eq(True))
            .run()
        )
        whole = [p["grid"] for p in places if p["unit"] is None]
        part = [p["grid"] for p in places if p["unit"] is not None and p["unit"] == unit_id]
        grid_id = (part or whole or [None])[0]
    stamp = at or now()
    case = Case(
        number=f"{stamp.year}-{await next_case_number():06d}",
        type=case_type,
        title=title,
        description=description,
        channel=channel,
        requester_person_id=requester_person_id,
        requester_user_id=requester_user_id,
        acting_user_id=acting_user_id,
        dwelling_id=dwelling_id,
        building_id=building_id,
        location_note=location_note,
        grid_id=grid_id,
        state="reported",
        level="grid" if grid_id else "community",
        priority=priority,
        extra=extra,
        created_at=stamp,
        state_since=stamp,
        due_at=await _due(case_types, case_type, "reported", stamp),
    )
    await case.save().run()
    await CaseTransition.insert(
        CaseTransition(
            case=case.id,
            from_state="",
            to_state="reported",
            actor_user_id=acting_user_id or requester_user_id,
            at=stamp,
        )
    ).run()
    await emit(
        "case.reported",
        {"case_id": case.id, "type": case_type, "grid_id": grid_id},
        actor_id=acting_user_id or requester_user_id,
    )
    return await get_case(case.id)


async def transition(
    case_types: Mapping[str, CaseType],
    case_id: int,
    to: str,
    *,
    actor_id: int | None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    case = await get_case(case_id)
    state = case["state"]
    if to not in TRANSITIONS.get(state, ()):
        raise Conflict(
            f"a case that is {state} cannot become {to}; "
            f"allowed: {', '.join(sorted(TRANSITIONS.get(state, ()))) or 'nothing (final)'}"
        )
    reason = (reason or "").strip()
    if to in ("rejected", "on_hold") and not reason:
        raise InvalidInput(f"a reason is required to move a case to {to}", field="reason")
    stamp = at or now()
    target = case["previous_state"] if to == "resume" else to
    values: dict[Any, Any] = {
        Case.state: target,
        Case.state_since: stamp,
        Case.due_at: await _due(case_types, case["type"], target, stamp),
    }
    if to == "on_hold":
        values[Case.previous_state] = state
        values[Case.hold_reason] = reason
    if to == "resume":
        values[Case.hold_reason] = ""
    if to == "rejected":
        values[Case.reject_reason] = reason
    if to == "resolved":
        values[Case.resolved_at] = stamp
        values[Case.resolved_level] = case["level"]
        if case["due_at"] is not None and aware(case["due_at"]) < stamp:
            values[Case.breached] = True
    if to == "closed":
        values[Case.closed_at] = stamp
    if to == "reopened":
        values[Case.reopen_count] = case["reopen_count"] + 1
    await Case.update(values).where(Case.id == case_id).run()
    await CaseTransition.insert(
        CaseTransition(
            case=case_id, from_state=state, to_state=target, actor_user_id=actor_id, reason=reason, at=stamp
        )
    ).run()
    await emit("case.transitioned", {"case_id": case_id, "from": state, "to": target}, actor_id=actor_id)
    return await get_case(case_id)


async def assign(
    case_types: Mapping[str, CaseType], case_id: int, user_id: int, *, actor_id: int | None
) -> dict[str, Any]:
    from core.auth.tables import Membership

    case = await get_case(case_id)
    if (
        not await Membership.exists()
        .where((Membership.user == user_id) & (Membership.community == current_tenant().community_id))
        .run()
    ):
        raise InvalidInput("this user has no role in the community", field="user_id")
    await Case.update({Case.assignee_user_id: user_id}).where(Case.id == case_id).run()
    if case["state"] in ("accepted", "reopened"):
        return await transition(
            case_types, case_id, "assigned", actor_id=actor_id, reason=f"to user {user_id}"
        )
    if case["state"] not in ("assigned", "in_progress"):
        raise Conflict(f"a case that is {case['state']} cannot be assigned")
    return await get_case(case_id)


async def escalate(
    case_types: Mapping[str, CaseType],
    case_id: int,
    *,
    reason: str,
    actor_id: int | None,
    automatic: bool = False,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    case = await get_case(case_id)
    if case["state"] not in ACTIVE and case["state"] != "on_hold":
        raise Conflict(f"a case that is {case['state']} cannot be escalated")
    if case["level"] == "office":
        raise Conflict("the case is already with the street office")
    if not automatic and not (reason or "").strip():
        raise InvalidInput("say why the case goes up a level", field="reason")
    stamp = at or now()
    to_level = LEVELS[LEVELS.index(case["level"]) + 1]
    await (
        Case.update(
            {
                Case.level: to_level,
                Case.state_since: stamp,
                Case.breached: case["breached"] or automatic,
                Case.due_at: await _due(case_types, case["type"], case["state"], stamp),
            }
        )
        .where(Case.id == case_id)
        .run()
    )
    await CaseEscalation.insert(
        CaseEscalation(
            case=case_id,
            from_level=case["level"],
            to_level=to_level,
            reason=reason,
            automatic=automatic,
            actor_user_id=actor_id,
            at=stamp,
        )
    ).run()
    await emit(
        "case.escalated",
        {"case_id": case_id, "from": case["level"], "to": to_level, "automatic": automatic},
        actor_id=actor_id,
    )
    return await get_case(case_id)


async def escalate_overdue(case_types: Mapping[str, CaseType], at: dt.datetime) -> int:
    """Escalate every active case of the current tenant whose SLA clock ran out by ``at``."""
    rows = (
        await Case.select(Case.id, Case.level)
        .where(Case.state.is_in(list(ACTIVE)) & Case.due_at.is_not_null() & (Case.due_at < at))
        .run()
    )
    escalated = 0
    for row in rows:
        if row["level"] == "office":
            await Case.update({Case.breached: True}).where(Case.id == row["id"]).run()
            continue
        await escalate(case_types, row["id"], reason="SLA breached", actor_id=None, automatic=True, at=at)
        escalated += 1
    return escalated


async def add_note(case_id: int, body: str, visibility: str, *, author_id: int | None) -> dict[str, Any]:
    await get_case(case_id)
    if visibility not in ("public", "internal"):
        raise InvalidInput("must be public or internal", field="visibility")
    if not (body or "").strip():
        raise InvalidInput("must not be empty", field="body")
    note = CaseNote(
        case=case_id, author_user_id=author_id, visibility=visibility, body=body.strip(), at=now()
    )
    await note.save().run()
    return note.to_dict()


async def give_feedback(
    case_types: Mapping[str, CaseType],
    case_id: int,
    *,
    outcome: str,
    score: int,
    comment: str = "",
    by_user_id: int | None,
) -> dict[str, Any]:
    """The resident's verdict on a resolved case: fixed / partly closes it, not_fixed reopens it."""
    case = await get_case(case_id)
    if case["state"] != "resolved":
        raise Conflict(f"feedback is given on resolved cases; this one is {case['state']}")
    if outcome not in ("fixed", "partly", "not_fixed"):
        raise InvalidInput("must be fixed, partly or not_fixed", field="outcome")
    if not 1 <= score <= 5:
        raise InvalidInput("must be from 1 to 5", field="score")
    await CaseFeedback.insert(
        CaseFeedback(
            case=case_id, outcome=outcome, score=score, comment=comment, by_user_id=by_user_id, at=now()
        )
    ).run()
    await emit("case.feedback", {"case_id": case_id, "outcome": outcome, "score": score}, actor_id=by_user_id)
    to = "reopened" if outcome == "not_fixed" else "closed"
    return await transition(case_types, case_id, to, actor_id=by_user_id, reason=f"feedback: {outcome}")
