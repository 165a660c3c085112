"""The welfare signal: an elderly resident living alone who agreed to it, not seen at any door for
``welfare_hours``, gets a visit task (a case routed to their building's grid worker)."""

from __future__ import annotations

import datetime as dt

from core.api import current_residencies, open_case, people_in_category
from plugins.door_access.events import last_activity
from plugins.door_access.people import person_or_none
from plugins.door_access.settings import settings
from plugins.door_access.tables import Grant, WelfareCheck

CASE_TYPE = "door_access.welfare_visit"
CATEGORY = "elderly_alone"


async def check(at: dt.datetime | None = None) -> int:
    at = at or dt.datetime.now(dt.UTC)
    hours = settings().welfare_hours
    if hours <= 0:
        return 0
    raised = 0
    for row in await people_in_category(CATEGORY, consented_only=True):
        person_id = row.person_id
        grant = (
            await Grant.select(Grant.created_at)
            .where((Grant.person_id == person_id) & Grant.revoked_at.is_null())
            .order_by(Grant.created_at)
            .first()
            .run()
        )
        if grant is None:
            continue  # no door access here: no signal to read
        seen = await last_activity(person_id) or grant["created_at"]
        if at - seen < dt.timedelta(hours=hours):
            continue
        if (
            await WelfareCheck.exists()
            .where((WelfareCheck.person_id == person_id) & (WelfareCheck.raised_at >= seen))
            .run()
        ):
            continue  # already raised since the last activity
        person = await person_or_none(person_id)
        homes = await current_residencies(person_id)
        case = await open_case(
            case_type=CASE_TYPE,
            channel="system",
            title=f"关怀探访：{person.name if person else person_id} {hours} 小时未出入"[:200],
            description=f"Welfare visit: no door activity since {seen:%Y-%m-%d %H:%M} UTC (consented).",
            person_id=person_id,
            building_id=homes[0].building_id if homes else None,
            priority="urgent",
        )
        await WelfareCheck.insert(
            WelfareCheck(person_id=person_id, last_activity_at=seen, raised_at=at, case_id=case.id)
        ).run()
        raised += 1
    return raised
