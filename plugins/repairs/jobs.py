"""Background work: SLA reminders to the assigned volunteer (every five minutes, per community).

The case engine escalates overdue cases by itself; this reminds the person holding the job,
once before the repair is due and once when it is overdue.
"""

from __future__ import annotations

import datetime as dt

from core.api import Schedule, emit, job
from plugins.repairs.settings import settings

REMIND_SCHEDULE = Schedule("repairs.remind_due", "*/5 * * * *", "repairs.remind_due")


async def remind_due_repairs(at: dt.datetime) -> int:
    """Record (and announce as ``repairs.reminder``) each reminder not yet sent; returns how many."""
    from plugins.repairs.tables import Member, Reminder, Repair

    soon = at + dt.timedelta(minutes=settings().remind_before_minutes)
    rows = (
        await Repair.select(Repair.id, Repair.number, Repair.assignee_member_id, Repair.due_at)
        .where(
            Repair.assignee_member_id.is_not_null()
            & Repair.due_at.is_not_null()
            & (Repair.due_at <= soon)
            & Repair.state.is_in(["assigned", "in_progress", "reopened"])
        )
        .run()
    )
    sent = 0
    for r in rows:
        due = r["due_at"] if r["due_at"].tzinfo else r["due_at"].replace(tzinfo=dt.UTC)
        kind = "overdue" if due <= at else "due_soon"
        if (
            await Reminder.exists()
            .where(
                (Reminder.repair == r["id"])
                & (Reminder.member_id == r["assignee_member_id"])
                & (Reminder.kind == kind)
            )
            .run()
        ):
            continue
        member = (
            await Member.select(Member.user_id, Member.name)
            .where(Member.id == r["assignee_member_id"])
            .first()
            .run()
        )
        await Reminder.insert(
            Reminder(repair=r["id"], member_id=r["assignee_member_id"], kind=kind, sent_at=at)
        ).run()
        await emit(
            "repairs.reminder",
            {
                "repair_id": r["id"],
                "number": r["number"],
                "kind": kind,
                "member_id": r["assignee_member_id"],
                "user_id": member["user_id"] if member else None,
                "due_at": due.isoformat(),
            },
        )
        sent += 1
    return sent


@job("repairs.remind_due", max_retries=3)
async def remind_due() -> int:
    """The scheduled job: runs for one community (the scheduler sends one per community)."""
    return await remind_due_repairs(dt.datetime.now(dt.UTC))
