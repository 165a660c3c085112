"""Demo data: Hongguang's smart doors (seed 003) — a compound gate and the unit doors of its
first twelve resettlement buildings, every current resident of those buildings granted their
building's group, and a week of the access log at those doors. No device is made: a demo has no
controller to sync, and a device that never answers would raise offline alerts."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from core.api import insert_rows, list_buildings
from plugins.door_access import doors, grants
from plugins.door_access.holders import person_holder
from plugins.door_access.pages.setup import residents_of

RESETTLEMENT_BUILDINGS = 12


async def load(logins: dict[str, int]) -> None:
    from plugins.door_access.tables import AccessEvent, Grant

    buildings = (await list_buildings())[:RESETTLEMENT_BUILDINGS]
    if not buildings:
        return
    await doors.create_point(name="小区大门", kind="gate", building_id=None)
    points: dict[int, int] = {}
    for b in buildings:
        point = await doors.create_point(name=f"{b.name} 单元门", kind="building", building_id=b.id)
        points[b.id] = point["id"]
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    rows: list[dict[str, Any]] = []
    granted: list[tuple[int, int]] = []  # (person, building)
    for b in buildings:
        group_id = await grants.building_group(b.id)
        for person_id, residency_id in await residents_of(b.id):
            rows.append(
                {
                    "person_id": person_id,
                    "group": group_id,
                    "source": "residency",
                    "residency_id": residency_id,
                    "valid_from": today,
                    "note": "",
                    "created_at": now,
                }
            )
            granted.append((person_id, b.id))
    await insert_rows(Grant, rows)
    rng = random.Random(7)
    events: list[dict[str, Any]] = []
    for person_id, building_id in rng.sample(granted, min(60, len(granted))):
        for day in range(7):
            for hour in (8, 18):
                at = now - dt.timedelta(days=day, hours=now.hour - hour + rng.random())
                events.append(
                    {
                        "device_id": 0,
                        "access_point_id": points[building_id],
                        "event_uid": uuid.uuid4().hex,
                        "occurred_at": at,
                        "received_at": at,
                        "type": "access",
                        "holder": person_holder(person_id),
                        "person_id": person_id,
                        "credential_kind": "card",
                        "direction": "in",
                        "result": "granted",
                        "reason": "",
                    }
                )
    await insert_rows(AccessEvent, events)
