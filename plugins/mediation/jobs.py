"""The daily round (per community where mediation is on): return visits that fall due become
cases for the grid, terms past their date are marked late, and parties whose agreement's
window for judicial confirmation is closing are reminded once."""

from __future__ import annotations

import datetime as dt

from core.api import Schedule, emit, job
from plugins.mediation.follow_ups import open_due
from plugins.mediation.settings import settings

DAILY = Schedule("mediation.daily", "15 7 * * *", "mediation.daily")


async def mark_late_terms(today: dt.date) -> int:
    from plugins.mediation.tables import Agreement, Term

    signed = [
        a["id"]
        for a in await Agreement.select(Agreement.id)
        .where(Agreement.signed_at.is_not_null() & Agreement.superseded_at.is_null())
        .run()
    ]
    if not signed:
        return 0
    late = (
        await Term.select(Term.id)
        .where(Term.agreement.is_in(signed) & (Term.state == "pending") & (Term.due_on < today))
        .run()
    )
    if late:
        await Term.update({Term.state: "late"}).where(Term.id.is_in([t["id"] for t in late])).run()
    return len(late)


async def remind_confirmation(today: dt.date) -> int:
    from plugins.mediation.tables import Agreement

    horizon = today + dt.timedelta(days=settings().confirmation_reminder_days)
    rows = (
        await Agreement.select(Agreement.id, Agreement.dispute, Agreement.confirmation_deadline)
        .where(
            Agreement.signed_at.is_not_null()
            & Agreement.superseded_at.is_null()
            & Agreement.confirmation_applied_on.is_null()
            & Agreement.confirmation_reminded.eq(False)
            & (Agreement.confirmation_deadline <= horizon)
            & (Agreement.confirmation_deadline >= today)
        )
        .run()
    )
    for row in rows:
        await Agreement.update({Agreement.confirmation_reminded: True}).where(Agreement.id == row["id"]).run()
        await emit(
            "mediation.confirmation_reminder",
            {
                "dispute_id": row["dispute"],
                "agreement_id": row["id"],
                "deadline": row["confirmation_deadline"].isoformat(),
            },
        )
    return len(rows)


async def daily_round(today: dt.date) -> dict[str, int]:
    return {
        "follow_ups_opened": await open_due(today),
        "terms_late": await mark_late_terms(today),
        "confirmation_reminders": await remind_confirmation(today),
    }


@job("mediation.daily", max_retries=3)
async def daily() -> dict[str, int]:
    return await daily_round(dt.date.today())
