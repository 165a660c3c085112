"""The community's repair figures over a period: per category, median time to fix, on-time
rate, satisfaction and volunteer hours. Dashboard card, oversight section and API share them."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def repair_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """Repairs reported from ``start`` to ``end`` (inclusive); hours logged in the same days."""
    from plugins.repairs.tables import Repair, RepairFeedback, ServiceLog

    lo = dt.datetime.combine(start, dt.time.min, dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, dt.UTC)
    repairs = (
        await Repair.select(
            Repair.id, Repair.category, Repair.created_at, Repair.due_at, Repair.fixed_at, Repair.state
        )
        .where((Repair.created_at >= lo) & (Repair.created_at < hi))
        .run()
    )
    ids = [r["id"] for r in repairs]
    feedback = await RepairFeedback.select().where(RepairFeedback.repair.is_in(ids)).run() if ids else []
    logs = (
        await ServiceLog.select(ServiceLog.minutes, ServiceLog.member)
        .where((ServiceLog.on_date >= start) & (ServiceLog.on_date <= end))
        .run()
    )

    per_category: dict[str, int] = {}
    for r in repairs:
        per_category[r["category"]] = per_category.get(r["category"], 0) + 1
    fixed = [r for r in repairs if r["fixed_at"] is not None]
    hours = [(aware(r["fixed_at"]) - aware(r["created_at"])).total_seconds() / 3600 for r in fixed]
    on_time = [r for r in fixed if r["due_at"] is not None and aware(r["fixed_at"]) <= aware(r["due_at"])]
    scores = [(f["speed_score"] + f["service_score"]) / 2 for f in feedback]
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "reported": len(repairs),
        "per_category": dict(sorted(per_category.items())),
        "fixed": len(fixed),
        "open": sum(
            1
            for r in repairs
            if r["state"] in ("reported", "accepted", "assigned", "in_progress", "reopened")
        ),
        "median_hours_to_fix": round(statistics.median(hours), 2) if hours else None,
        "on_time_rate": round(len(on_time) / len(fixed), 4) if fixed else None,
        "feedback_count": len(feedback),
        "satisfaction": round(statistics.mean(scores), 2) if scores else None,  # 1-5
        "fixed_rate": round(sum(1 for f in feedback if f["outcome"] == "fixed") / len(feedback), 4)
        if feedback
        else None,
        "volunteer_hours": round(sum(x["minutes"] for x in logs) / 60, 2),
        "volunteers_active": len({x["member"] for x in logs}),
    }


async def open_count() -> int:
    from plugins.repairs.tables import Repair

    return (
        await Repair.count()
        .where(Repair.state.is_in(["reported", "accepted", "assigned", "in_progress", "reopened"]))
        .run()
    )
