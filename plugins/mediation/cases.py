"""The dispute's case in the core engine follows the dispute, carrying nothing confidential."""

from __future__ import annotations

from core.api import CaseType, Conflict, NotFound, get_case, transition_case

MEDIATION_CASE = CaseType(
    "mediation",
    label="Mediation",
    # Screening within three days, a mediator within three more, mediation within 30 days
    # (人民调解法: generally concluded within 30 days of acceptance).
    sla_hours={"reported": 72.0, "accepted": 72.0, "assigned": 168.0, "in_progress": 720.0},
)
FOLLOW_UP_CASE = CaseType(
    "mediation.follow_up",
    label="Mediation return visit",
    sla_hours={"reported": 24.0, "accepted": 24.0, "assigned": 48.0, "in_progress": 48.0},
)
CASE_TITLE = "矛盾调解（内容保密）"
PATH = ("reported", "accepted", "assigned", "in_progress", "resolved", "closed")


async def follow(case_id: int | None, target: str, *, actor_id: int | None, reason: str = "") -> None:
    """Step the case along the engine's path to ``target`` (``rejected`` ends it early). A case
    someone has put on hold, or moved by hand, is left where it is."""
    if case_id is None:
        return
    try:
        case = await get_case(case_id)
    except NotFound:
        return
    state = case.state
    if target == "rejected":
        if state in ("reported", "accepted"):
            await transition_case(case_id, "rejected", actor_id=actor_id, reason=reason)
        return
    if state == "reopened" and target in PATH[3:]:
        await transition_case(case_id, "in_progress", actor_id=actor_id)
        state = "in_progress"
    if state not in PATH or target not in PATH:
        return
    for step in PATH[PATH.index(state) + 1 : PATH.index(target) + 1]:
        try:
            await transition_case(case_id, step, actor_id=actor_id, reason=reason if step == target else "")
        except Conflict:
            return
