"""Reacting to domain events. Each effect is naturally idempotent: a second delivery finds
nothing left to do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Event, NotFound, get_case


async def on_moved_out(event: Event) -> int:
    """The requester left the dwelling: cancel the appointments of their open repairs there."""
    from plugins.repairs.tables import DispatchEntry, Repair

    person_id, dwelling_id = event.payload.get("person_id"), event.payload.get("dwelling_id")
    if person_id is None:
        return 0
    rows = (
        await Repair.select(Repair.id, Repair.assignee_member_id)
        .where(
            (Repair.requester_person_id == person_id)
            & (Repair.dwelling_id == dwelling_id)
            & Repair.appointment_at.is_not_null()
            & Repair.state.is_in(["reported", "accepted", "assigned", "in_progress", "reopened"])
        )
        .run()
    )
    for r in rows:
        await (
            Repair.update(
                {Repair.appointment_at: None, Repair.appointment_note: "cancelled: requester moved out"}
            )
            .where(Repair.id == r["id"])
            .run()
        )
        await DispatchEntry.insert(
            DispatchEntry(
                repair=r["id"],
                action="appointment_cancelled",
                member_id=r["assignee_member_id"],
                by_user_id=event.actor_id,
                reason=f"resident moved out (event {event.id})",
                at=dt.datetime.now(dt.UTC),
            )
        ).run()
    return len(rows)


async def on_case_transitioned(event: Event) -> None:
    """A repair case moved through the core's case API (rejected, put on hold …): follow it."""
    from plugins.repairs.tables import Repair

    case_id: Any = event.payload.get("case_id")
    if case_id is None or not await Repair.exists().where(Repair.case_id == case_id).run():
        return
    # Read the case now rather than trusting the event: deliveries may come late or twice.
    try:
        case = await get_case(case_id)
    except NotFound:
        return
    await Repair.update({Repair.state: case.state}).where(Repair.case_id == case_id).run()


async def on_repair_requested(event: Event) -> dict[str, Any] | None:
    """Another module asks for a repair (``repairs.requested``: ``source``, ``category``,
    ``location``, ``dwelling_id`` or ``building_id``, ``description``, ``requester_person_id``).
    Reported on behalf of the event's actor; one repair per source, so a second delivery does
    nothing. A request the repairs plugin cannot take (an unknown category or place) is logged
    and dropped rather than retried for ever."""
    import logging

    from core.api import InvalidInput
    from plugins.repairs import intake
    from plugins.repairs.tables import Repair

    p = event.payload
    source = str(p.get("source") or "")[:40]
    if not source or event.actor_id is None:
        return None
    if await Repair.exists().where(Repair.source == source).run():
        return None
    try:
        return await intake.report(
            category=str(p.get("category") or "other"),
            location=str(p.get("location") or "dwelling"),
            description=str(p.get("description") or ""),
            caller_user_id=event.actor_id,
            on_behalf=True,
            dwelling_id=p.get("dwelling_id"),
            building_id=p.get("building_id"),
            requester_person_id=p.get("requester_person_id"),
            source=source,
        )
    except InvalidInput as exc:
        logging.getLogger("linli.repairs").warning("repair request from %s refused: %s", source, exc)
        return None
