"""Cases for plugins: file and move cases of a plugin's own type (``register_case_types``)
through the core case engine, so SLA, escalation and feedback work as for any case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.plugins.types import CaseType
from core.services.types import CaseRef


def _case_types() -> Mapping[str, CaseType]:
    from core.cases.routes import case_types
    from core.runtime import current

    return case_types(current())


async def open_case(
    *,
    case_type: str,
    title: str,
    description: str = "",
    channel: str = "app",
    person_id: int | None = None,
    requester_user_id: int | None = None,
    acting_user_id: int | None = None,
    dwelling_id: int | None = None,
    building_id: int | None = None,
    location_note: str = "",
    priority: str | None = None,
    extra: dict[str, Any] | None = None,
) -> CaseRef:
    """File a case of a registered type (``register_case_types``) for ``person_id`` (the
    requester in the register) and/or ``requester_user_id`` (their login); ``acting_user_id`` is
    whoever entered it on their behalf. SLA clocks and grid routing are the engine's. Returns the
    case (``core.api.CaseRef``)."""
    from core.cases import engine

    return _ref(
        await engine.open_case(
            _case_types(),
            case_type=case_type,
            title=title,
            description=description,
            channel=channel,
            requester_person_id=person_id,
            requester_user_id=requester_user_id,
            acting_user_id=acting_user_id,
            dwelling_id=dwelling_id,
            building_id=building_id,
            location_note=location_note,
            priority=priority,
            extra=extra,
        )
    )


async def get_case(case_id: int) -> CaseRef:
    """One case of the current community (NotFound otherwise)."""
    from core.cases import engine

    return _ref(await engine.get_case(case_id))


async def transition_case(case_id: int, to: str, *, actor_id: int | None, reason: str = "") -> CaseRef:
    """Move a case to state ``to`` (Conflict naming the allowed states when it may not)."""
    from core.cases import engine

    return _ref(await engine.transition(_case_types(), case_id, to, actor_id=actor_id, reason=reason))


async def assign_case(case_id: int, user_id: int, *, actor_id: int | None) -> CaseRef:
    """Make ``user_id`` (a member of the community) the case's assignee; an accepted or reopened
    case becomes ``assigned``."""
    from core.cases import engine

    return _ref(await engine.assign(_case_types(), case_id, user_id, actor_id=actor_id))


async def case_feedback(
    case_id: int, *, outcome: str, score: int, comment: str = "", by_user_id: int | None
) -> CaseRef:
    """The requester's verdict on a resolved case: ``fixed`` / ``partly`` close it,
    ``not_fixed`` reopens it; ``score`` is 1-5."""
    from core.cases import engine

    return _ref(
        await engine.give_feedback(
            _case_types(), case_id, outcome=outcome, score=score, comment=comment, by_user_id=by_user_id
        )
    )


def _ref(row: dict[str, Any]) -> CaseRef:
    import json

    from core.services.types import to_struct

    extra = row.get("extra") or {}
    if isinstance(extra, str):  # JSON columns come back as text from piccolo
        extra = json.loads(extra or "{}")
    return to_struct(CaseRef, {**row, "extra": extra})
