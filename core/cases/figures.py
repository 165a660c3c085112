"""Case figures per community and per grid, and the street office's report section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.cases.engine import ACTIVE
from core.cases.tables import Case, CaseFeedback
from core.plugins.types import ReportFigure, ReportSection

FIGURE_COLUMNS = (
    Case.id,
    Case.state,
    Case.due_at,
    Case.breached,
    Case.closed_at,
    Case.resolved_at,
    Case.resolved_level,
)


async def case_figures(at: dt.datetime, grid_id: int | None = None, *, cases: Any = None) -> dict[str, Any]:
    """The case figures over ``cases`` (a select of FIGURE_COLUMNS already narrowed to what the
    caller may see — the same scope as the case list), or over the whole community."""
    if cases is None:
        cases = Case.select(*FIGURE_COLUMNS)
    if grid_id is not None:
        cases = cases.where(Case.grid_id == grid_id)
    rows = await cases.run()
    month_start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    def aware(v: dt.datetime) -> dt.datetime:
        return v if v.tzinfo else v.replace(tzinfo=dt.UTC)

    open_ = [r for r in rows if r["state"] in ACTIVE or r["state"] == "on_hold"]
    overdue = [r for r in open_ if r["due_at"] is not None and aware(r["due_at"]) < at]
    resolved = [r for r in rows if r["resolved_at"] is not None]
    on_time = [r for r in resolved if not r["breached"]]
    ids = [r["id"] for r in rows] or [0]
    scores = [
        f["score"]
        for f in await CaseFeedback.select(CaseFeedback.score).where(CaseFeedback.case.is_in(ids)).run()
    ]
    by_level: dict[str, int] = {}
    for r in resolved:
        by_level[r["resolved_level"]] = by_level.get(r["resolved_level"], 0) + 1
    return {
        "open": len(open_),
        "overdue": len(overdue),
        "closed_this_month": sum(1 for r in rows if r["closed_at"] and aware(r["closed_at"]) >= month_start),
        "on_time_rate": round(len(on_time) / len(resolved), 3) if resolved else None,
        "satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
        "resolved_at_level": by_level,
    }


async def case_sections(period_start: str, period_end: str) -> list[ReportSection]:
    figures = await case_figures(dt.datetime.now(dt.UTC))
    return [
        ReportSection(
            "cases",
            "诉求工单",
            "Cases",
            [
                ReportFigure("open", "未办结", "Open", figures["open"]),
                ReportFigure("overdue", "超时", "Overdue", figures["overdue"]),
                ReportFigure(
                    "closed_this_month", "本月办结", "Closed this month", figures["closed_this_month"]
                ),
                ReportFigure("on_time_rate", "按时办结率", "On-time rate", figures["on_time_rate"] or 0),
                ReportFigure("satisfaction", "满意度", "Satisfaction", figures["satisfaction"] or 0),
                ReportFigure(
                    "resolved_in_grid",
                    "网格内解决",
                    "Resolved in the grid",
                    figures["resolved_at_level"].get("grid", 0),
                ),
            ],
        )
    ]
