"""The register's and the visits' figures for the street office's report (one community)."""

from __future__ import annotations

import datetime as dt

from core.grids.tables import Visit
from core.grids.visits import visit_coverage
from core.plugins.types import ReportFigure, ReportSection
from core.residents.tables import Residency, Vulnerability


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


async def register_sections(start: dt.date, end: dt.date) -> list[ReportSection]:
    """Residents living here at ``end``, of them over 60, households, people in the care register,
    move-ins during the period; visits made during the period and plan coverage at ``end``."""
    living = (
        await Residency.select(Residency.person, Residency.household, Residency.person.birth_date)
        .where(
            (Residency.start_date <= end)
            & (Residency.end_date.is_null() | (Residency.end_date > end))
            & Residency.person.erased_at.is_null()
        )
        .run()
    )
    people = {r["person"]: r["person.birth_date"] for r in living}
    sixty = _years_before(end, 60)
    over_60 = sum(1 for born in people.values() if born is not None and born <= sixty)
    cared = {
        r["person"]
        for r in await Vulnerability.select(Vulnerability.person).where(Vulnerability.active.eq(True)).run()
    } & set(people)
    moved_in = (
        await Residency.count().where((Residency.start_date >= start) & (Residency.start_date <= end)).run()
    )
    visits = await Visit.count().where((Visit.visited_on >= start) & (Visit.visited_on <= end)).run()
    coverage = await visit_coverage(end)
    return [
        ReportSection(
            "register",
            "居民",
            "Residents",
            [
                ReportFigure("residents", "常住居民", "Residents", len(people)),
                ReportFigure("over_60", "60岁以上", "Aged 60 and over", over_60),
                ReportFigure("households", "户数", "Households", len({r["household"] for r in living})),
                ReportFigure("cared_for", "重点关爱对象", "In the care register", len(cared)),
                ReportFigure("moved_in", "期间迁入", "Moved in during the period", moved_in),
            ],
        ),
        ReportSection(
            "visits",
            "走访",
            "Visits",
            [
                ReportFigure("visits_done", "期间走访", "Visits made", visits),
                ReportFigure(
                    "visit_coverage", "走访覆盖率", "Visit plan coverage", coverage["coverage"] or 0
                ),
            ],
        ),
    ]
