"""留样: a sample of every dish of each meal, at least 125 g, kept 48 hours in the sample fridge
(食品安全 rules for collective dining), recorded with who took it and a photo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, attachments_of
from plugins.canteen.clock import now
from plugins.canteen.menus import dishes_of, get_service

KEEP_HOURS = 48
MIN_GRAMS = 125


async def take(service_id: int, *, grams: int, by_user_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Sample

    service = await get_service(service_id)
    dishes = (await dishes_of([service_id]))[service_id]
    if not dishes:
        raise InvalidInput("this meal has no dishes to sample", field="service_id")
    if not MIN_GRAMS <= grams <= 2000:
        raise InvalidInput("at least 125 g of each dish is kept", field="grams")
    if await Sample.exists().where(Sample.service == service_id).run():
        raise Conflict("this meal's samples are already recorded")
    moment = now()
    row = Sample(
        service=service_id,
        dishes="、".join(d["name"] for d in dishes),
        grams=grams,
        kept_until=moment + dt.timedelta(hours=KEEP_HOURS),
        taken_by_user_id=by_user_id,
        taken_at=moment,
    )
    await row.save().run()
    return {**row.to_dict(), "day": service["day"], "meal": service["meal"]}


async def log(start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The sample log of the days, each with its photos (what an inspector asks to see)."""
    from plugins.canteen.tables import Sample

    rows = (
        await Sample.select(*Sample.all_columns(), Sample.service.day, Sample.service.meal)
        .where((Sample.service.day >= start) & (Sample.service.day <= end))
        .run()
    )
    for row in rows:
        row["photos"] = await attachments_of("canteen.sample", row["id"])
    return sorted(rows, key=lambda r: (r["service.day"], r["service.meal"]), reverse=True)


async def missing(day: dt.date) -> list[dict[str, Any]]:
    """Meals of the day already served whose samples are not recorded."""
    from plugins.canteen.tables import Sample, Service

    served = await Service.select().where((Service.day == day) & (Service.serves_at <= now())).run()
    have = {r["service"] for r in await Sample.select(Sample.service).run()}
    return [s for s in served if s["id"] not in have]
