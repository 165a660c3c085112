"""Figures for the community and the street office: counts, rates and medians only, drawn from
states and dates — never a summary, a name or a note. A rate with nothing to divide by is
``None`` ("no data"), not 0."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from plugins.mediation.vocabulary import KINDS, OPEN


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


async def mediation_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Disputes raised from ``start`` to ``end`` (inclusive) and what became of them."""
    from plugins.mediation.tables import Dispute, FollowUp

    rows = await Dispute.select(
        Dispute.id, Dispute.kind, Dispute.state, Dispute.created_at, Dispute.decided_at, Dispute.agreed_at
    ).run()
    raised = [r for r in rows if start <= _day(r["created_at"]) <= end]
    by_kind = {k: 0 for k in KINDS}
    for r in raised:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    accepted = [r for r in raised if r["state"] not in ("intake", "screening", "referred_out", "declined")]
    referred = sum(1 for r in raised if r["state"] == "referred_out")
    concluded = [r for r in accepted if r["agreed_at"] is not None or r["state"] == "no_agreement"]
    agreed = [r for r in accepted if r["agreed_at"] is not None]
    days = [
        (r["agreed_at"] - r["decided_at"]).total_seconds() / 86400
        for r in agreed
        if r["decided_at"] is not None
    ]
    performed = sum(1 for r in agreed if r["state"] in ("performed", "closed"))
    breached = sum(1 for r in agreed if r["state"] == "breached")
    visits = await FollowUp.select(FollowUp.done_at, FollowUp.due_on).run()
    due = [v for v in visits if start <= v["due_on"] <= end]
    return {
        "raised": len(raised),
        "by_kind": by_kind,
        "accepted": len(accepted),
        "referred_out": referred,
        "open": sum(1 for r in raised if r["state"] in OPEN),
        "agreement_rate": _rate(len(agreed), len(concluded)),
        "median_days_to_agreement": round(statistics.median(days), 1) if days else None,
        "performed": performed,
        "breached": breached,
        "follow_ups_due": len(due),
        "follow_ups_done": sum(1 for v in due if v["done_at"] is not None),
        "follow_up_rate": _rate(sum(1 for v in due if v["done_at"] is not None), len(due)),
    }


async def open_count() -> int:
    from plugins.mediation.tables import Dispute

    return await Dispute.count().where(Dispute.state.is_in(sorted(OPEN))).run()
