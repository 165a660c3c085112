"""Visits by grid workers, for plugins: ask for one outside the plan, and read what came of it."""

from __future__ import annotations

import datetime as dt

from core.services.types import VisitRequestRef


async def request_visit(
    person_id: int, *, reason: str, source: str, due_on: dt.date | None = None
) -> VisitRequestRef:
    """Ask the grid worker of ``person_id``'s home to look in on them (``reason`` is shown on
    their list of visits due, at the top; ``source`` is the asking plugin's id). The next visit
    recorded for the person does it. NotFound for a person not in the register."""
    from core.grids.visits import request_visit as _request

    row = await _request(person_id, reason=reason, source=source, due_on=due_on or dt.date.today())
    return await get_visit_request(row["id"])


async def get_visit_request(request_id: int) -> VisitRequestRef:
    """A visit asked for, with what the visit found once one was made (NotFound when missing)."""
    from core.grids.visits import get_visit_request as _get

    row = await _get(request_id)
    visit = row["visit"]
    return VisitRequestRef(
        id=row["id"],
        person_id=row["person"],
        reason=row["reason"],
        due_on=row["due_on"],
        done_at=row["done_at"],
        visited_on=visit["visited_on"] if visit else None,
        visit_kind=visit["kind"] if visit else None,
        findings=visit["findings"] if visit else "",
    )
