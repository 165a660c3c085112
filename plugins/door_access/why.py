""" "Why can't grandma get in?": every reason the platform knows, for one person and one door."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import NotFound
from plugins.door_access.events import label, search
from plugins.door_access.holders import person_holder, points_of_groups
from plugins.door_access.people import person_or_none
from plugins.door_access.sync import latest_commands
from plugins.door_access.tables import AccessGroup, AccessPoint, Alert, Credential, Device, Grant


def _in_hours(hours: str, at: dt.datetime) -> bool:
    if not hours:
        return True
    local = (at + dt.timedelta(hours=8)).strftime("%H:%M")  # devices keep China Standard Time
    start, end = hours.split("-")
    return start <= local <= end if start <= end else (local >= start or local <= end)


async def explain(person_id: int, access_point_id: int, at: dt.datetime | None = None) -> dict[str, Any]:
    at = at or dt.datetime.now(dt.UTC)
    person = await person_or_none(person_id)
    point = await AccessPoint.select().where(AccessPoint.id == access_point_id).first().run()
    if person is None or point is None:
        raise NotFound("no such person or door")
    problems: list[dict[str, Any]] = []
    if point["mode"] == "disabled":
        problems.append(label("door_disabled"))
    grants = await Grant.select().where(Grant.person_id == person_id).run()
    points = await points_of_groups(sorted({g["group"] for g in grants}))
    covering = [g for g in grants if access_point_id in points.get(g["group"], [])]
    today = at.date()
    live = [
        g
        for g in covering
        if g["revoked_at"] is None and (g["valid_until"] is None or g["valid_until"] >= today)
    ]
    if not covering:
        problems.append(label("no_permission"))
    elif not live:
        problems.append(label("grant_revoked" if any(g["revoked_at"] for g in covering) else "expired"))
    else:
        if all(g["valid_from"] > today for g in live):
            problems.append(label("not_yet_valid"))
        hours = {
            r["id"]: r["hours"]
            for r in await AccessGroup.select(AccessGroup.id, AccessGroup.hours)
            .where(AccessGroup.id.is_in([g["group"] for g in live]))
            .run()
        }
        if not any(_in_hours(hours.get(g["group"], ""), at) for g in live):
            problems.append({**label("outside_schedule"), "hours": sorted(set(hours.values()))})
    has_credential = (
        await Credential.exists()
        .where((Credential.person_id == person_id) & (Credential.status == "active"))
        .run()
    )
    if not has_credential:
        problems.append(label("no_credential"))
    devices = (
        await Device.select(Device.id, Device.name, Device.online, Device.last_seen_at)
        .where(Device.access_point == access_point_id)
        .run()
    )
    offline = {
        r["device_id"]
        for r in await Alert.select(Alert.device_id)
        .where((Alert.kind == "offline") & Alert.cleared_at.is_null())
        .run()
    }
    latest = await latest_commands(person_holder(person_id))
    sync = []
    for d in devices:
        command = latest.get(d["id"])
        state = None if command is None else command["status"]
        sync.append(
            {
                "device_id": d["id"],
                "device": d["name"],
                "online": d["online"],
                "status": state,
                "op": None if command is None else command["op"],
                "last_error": "" if command is None else command["last_error"],
            }
        )
        if live and has_credential and (command is None or command["op"] != "upsert" or state != "ok"):
            problems.append({**label("not_synced"), "device": d["name"], "status": state})
        if d["id"] in offline or (not d["online"] and d["last_seen_at"] is not None):
            problems.append({**label("device_offline"), "device": d["name"]})
    recent = await search(person_id=person_id, access_point_id=access_point_id, limit=10)
    return {
        "person_id": person_id,
        "name": person.name,
        "access_point_id": access_point_id,
        "door": point["name"],
        "can_enter": not problems,
        "problems": problems,
        "devices": sync,
        "recent_events": recent,
        "recent_refusals": [
            e["reason_label"] for e in recent if e["result"] == "refused" and e["reason_label"]
        ],
    }
