"""Reporting a problem: the repair row and its case in the core engine, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import (
    InvalidInput,
    NotFound,
    current_residencies,
    dwellings_acted_for,
    emit,
    get_building,
    get_dwelling,
    get_person,
    open_case,
    person_of_user,
)
from plugins.repairs.categories import PRIORITIES, get_category
from plugins.repairs.costs import decide_tier

CASE_TYPE = "repair"
LOCATIONS = ("dwelling", "common")


async def _exists(getter: Any, ident: int, field: str, what: str) -> Any:
    try:
        return await getter(ident)
    except NotFound:
        raise InvalidInput(f"no such {what}", field=field) from None


async def report(
    *,
    category: str,
    location: str,
    description: str,
    caller_user_id: int,
    on_behalf: bool,
    dwelling_id: int | None = None,
    building_id: int | None = None,
    location_note: str = "",
    urgency: str | None = None,
    preferred_time: str = "",
    requester_person_id: int | None = None,
    source: str = "",
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Check everything first, then write: a refused report leaves nothing behind."""
    from plugins.repairs.tables import Repair

    cat = await get_category(category)
    if location not in LOCATIONS:
        raise InvalidInput("must be dwelling (one's own home) or common (a common area)", field="location")
    description = (description or "").strip()
    if not 1 <= len(description) <= 2000:
        raise InvalidInput("say what is broken (1-2000 characters)", field="description")
    urgency = urgency or cat["priority"]
    if urgency not in PRIORITIES:
        raise InvalidInput(f"must be one of {', '.join(PRIORITIES)}", field="urgency")
    if len(preferred_time) > 100:
        raise InvalidInput("at most 100 characters", field="preferred_time")
    if len(location_note) > 200:
        raise InvalidInput("at most 200 characters", field="location_note")
    if not on_behalf:  # a resident's login linked to the register: the report is that person's
        requester_person_id = await person_of_user(caller_user_id)
    if location == "dwelling":
        if dwelling_id is None and requester_person_id is not None:
            homes = await current_residencies(requester_person_id)
            dwelling_id = homes[0].dwelling_id if len(homes) == 1 else None
        if dwelling_id is None:
            raise InvalidInput("a repair in a home names the dwelling", field="dwelling_id")
        if not on_behalf and dwelling_id not in await dwellings_acted_for(caller_user_id, "repairs"):
            # A resident reports for their own home or one they are a proxy for; another
            # household's flat answers like a missing one.
            raise InvalidInput("no such dwelling", field="dwelling_id")
        building_id = (await _exists(get_dwelling, dwelling_id, "dwelling_id", "dwelling")).building_id
    else:
        dwelling_id = None
        if building_id is None and not location_note.strip():
            raise InvalidInput(
                "a common-area repair names the building or describes the place", field="building_id"
            )
        if building_id is not None:
            await _exists(get_building, building_id, "building_id", "building")
    if requester_person_id is not None:
        await _exists(get_person, requester_person_id, "requester_person_id", "person")
    tier, tier_reason = await decide_tier(cat, location, requester_person_id)

    stamp = at or dt.datetime.now(dt.UTC)
    case = await open_case(
        case_type=CASE_TYPE,
        title=f"{cat['label_zh']}：{description[:60]}",
        description=description,
        channel="on_behalf" if on_behalf else "app",
        person_id=requester_person_id,
        requester_user_id=None if on_behalf else caller_user_id,
        acting_user_id=caller_user_id if on_behalf else None,
        dwelling_id=dwelling_id,
        building_id=building_id,
        location_note=location_note.strip(),
        priority=urgency,
        extra={"category": cat["code"]},
    )
    repair = Repair(
        case_id=case.id,
        number=case.number,
        category=cat["code"],
        skill=cat["skill"],
        location=location,
        dwelling_id=dwelling_id,
        building_id=building_id,
        grid_id=case.grid_id,
        location_note=location_note.strip(),
        description=description,
        urgency=urgency,
        preferred_time=preferred_time.strip(),
        requester_user_id=None if on_behalf else caller_user_id,
        requester_person_id=requester_person_id,
        reported_by_user_id=caller_user_id,
        tier=tier,
        tier_reason=tier_reason,
        state=case.state,
        created_at=stamp,
        due_at=stamp + dt.timedelta(hours=cat["sla_hours"]),
        source=source,
    )
    await repair.save().run()
    await emit(
        "repairs.reported",
        {
            "repair_id": repair.id,
            "case_id": case.id,
            "category": cat["code"],
            "urgency": urgency,
            "grid_id": case.grid_id,
            "source": source,
        },
        actor_id=caller_user_id,
    )
    return repair.to_dict()
