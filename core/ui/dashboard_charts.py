"""The community dashboard's two charts: open cases by kind, and visits made week by week."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from markupsafe import Markup

from core.cases import engine
from core.cases.tables import Case
from core.grids.tables import Visit
from core.runtime import Runtime
from core.ui.charts import bar_chart

WEEKS = 8


async def open_cases_by_kind(runtime: Runtime, zh: bool) -> Markup | None:
    from core.cases.routes import case_types

    rows = await Case.select(Case.type).where(Case.state.is_in(list(engine.ACTIVE))).run()
    if not rows:
        return None
    types = case_types(runtime)
    counts = Counter(r["type"] for r in rows).most_common(8)

    def label(kind: str) -> str:
        return (types[kind].label_zh if zh else types[kind].label_en) if kind in types else kind

    return bar_chart(
        "未办结诉求（按类别）" if zh else "Open cases by kind", [(label(kind), n) for kind, n in counts]
    )


async def visits_by_week(today: dt.date, zh: bool) -> Markup:
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=WEEKS - 1)
    rows = await Visit.select(Visit.visited_on).where(Visit.visited_on >= first).run()
    weeks = Counter((r["visited_on"] - first).days // 7 for r in rows)
    starts = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    rows_out: list[tuple[str, float | int | None]] = [
        (f"{d.month}月{d.day}日起" if zh else f"from {d:%d %b}", weeks.get(i, 0))
        for i, d in enumerate(starts)
    ]
    return bar_chart("每周走访次数" if zh else "Visits per week", rows_out)
