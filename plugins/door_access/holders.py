"""What each device should hold for one holder: a person (``p12``) or a visitor pass (``v5``).

The desired payload is computed from grants, credentials and passes; its digest is what devices
report back, so "what the device holds" and "what it should hold" compare by one string.
``None`` means the device should not hold the holder at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from core.api import vulnerability_categories
from plugins.door_access.people import person_or_none
from plugins.door_access.settings import settings
from plugins.door_access.tables import AccessGroupPoint, AccessPoint, Credential, Device, Grant, VisitorPass

MOBILITY_CATEGORIES = ("impaired_mobility",)


def person_holder(person_id: int) -> str:
    return f"p{person_id}"


def pass_holder(pass_id: int) -> str:
    return f"v{pass_id}"


def parse_holder(holder: str) -> tuple[str, int]:
    """("p", 12) for "p12"; ValueError for anything else."""
    if len(holder) < 2 or holder[0] not in "pv" or not holder[1:].isdigit():
        raise ValueError(f"not a holder: {holder!r}")
    return holder[0], int(holder[1:])


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def devices_by_point() -> dict[int, list[int]]:
    rows = await Device.select(Device.id, Device.access_point).run()
    out: dict[int, list[int]] = {}
    for r in rows:
        out.setdefault(r["access_point"], []).append(r["id"])
    return out


async def active_grants(person_id: int, today: dt.date) -> list[dict[str, Any]]:
    return (
        await Grant.select(
            Grant.id,
            Grant.group,
            Grant.valid_from,
            Grant.valid_until,
            Grant.group.hours.as_alias("hours"),
        )
        .where(
            (Grant.person_id == person_id)
            & Grant.revoked_at.is_null()
            & (Grant.valid_until.is_null() | (Grant.valid_until >= today))
        )
        .run()
    )


async def points_of_groups(group_ids: list[int]) -> dict[int, list[int]]:
    """group id -> access point ids."""
    if not group_ids:
        return {}
    rows = (
        await AccessGroupPoint.select(AccessGroupPoint.group, AccessGroupPoint.access_point)
        .where(AccessGroupPoint.group.is_in(group_ids))
        .run()
    )
    out: dict[int, list[int]] = {}
    for r in rows:
        out.setdefault(r["group"], []).append(r["access_point"])
    return out


async def credential_payloads(person_id: int) -> list[dict[str, Any]]:
    rows = (
        await Credential.select()
        .where((Credential.person_id == person_id) & (Credential.status == "active"))
        .order_by(Credential.id)
        .run()
    )
    out: list[dict[str, Any]] = []
    for c in rows:
        if c["kind"] == "card":
            out.append({"kind": "card", "number": c["card_number"]})
        elif c["kind"] in ("pin", "qr"):
            out.append({"kind": c["kind"], "salt": c["salt"], "hash": c["secret_hash"]})
        elif c["kind"] == "face":
            out.append({"kind": "face", "digest": c["face_digest"], "credential_id": c["id"]})
    return out


async def open_seconds_for(person_id: int) -> int:
    s = settings()
    if any(c in MOBILITY_CATEGORIES for c in await vulnerability_categories(person_id)):
        return s.long_open_seconds
    return s.open_seconds


async def desired_for_person(
    person_id: int, today: dt.date | None = None
) -> dict[int, dict[str, Any] | None]:
    """device id -> payload (or None) for every device of the community."""
    today = today or dt.date.today()
    by_point = await devices_by_point()
    desired: dict[int, dict[str, Any] | None] = {d: None for ds in by_point.values() for d in ds}
    grants = await active_grants(person_id, today)
    credentials = await credential_payloads(person_id) if grants else []
    if not grants or not credentials:
        return desired
    person = await person_or_none(person_id)
    if person is None:
        return desired
    group_points = await points_of_groups([g["group"] for g in grants])
    per_point: dict[int, list[dict[str, Any]]] = {}
    for g in grants:
        for point in group_points.get(g["group"], []):
            per_point.setdefault(point, []).append(g)
    open_seconds = await open_seconds_for(person_id)
    for point, point_grants in per_point.items():
        hours = sorted({g["hours"] for g in point_grants})
        starts = [g["valid_from"] for g in point_grants]
        ends = [g["valid_until"] for g in point_grants]
        payload = {
            "holder": person_holder(person_id),
            "kind": "resident",
            "name": person.name,
            "valid_from": min(starts).isoformat(),
            "valid_until": None if any(e is None for e in ends) else max(e for e in ends if e).isoformat(),
            "hours": [] if "" in hours else hours,
            "open_seconds": open_seconds,
            "max_uses": None,
            "credentials": credentials,
        }
        for device_id in by_point.get(point, []):
            desired[device_id] = payload
    return desired


def pass_points(row: dict[str, Any]) -> list[int]:
    return [int(x) for x in row["access_point_ids"].split(",") if x]


async def desired_for_pass(pass_id: int, now: dt.datetime | None = None) -> dict[int, dict[str, Any] | None]:
    now = now or dt.datetime.now(dt.UTC)
    by_point = await devices_by_point()
    desired: dict[int, dict[str, Any] | None] = {d: None for ds in by_point.values() for d in ds}
    row = await VisitorPass.select().where(VisitorPass.id == pass_id).first().run()
    if row is None or row["status"] != "active" or row["valid_until"] <= now:
        return desired
    credentials = [{"kind": "qr", "salt": row["salt"], "hash": row["qr_hash"]}]
    if row["pin_hash"]:
        credentials.append({"kind": "pin", "salt": row["salt"], "hash": row["pin_hash"]})
    payload = {
        "holder": pass_holder(pass_id),
        "kind": "visitor",
        "name": row["visitor_name"],
        "valid_from": row["valid_from"].isoformat(),
        "valid_until": row["valid_until"].isoformat(),
        "hours": [],
        "open_seconds": settings().open_seconds,
        "max_uses": row["max_uses"],
        "credentials": credentials,
    }
    for point in pass_points(row):
        for device_id in by_point.get(point, []):
            desired[device_id] = payload
    return desired


DOOR = "door"  # the pseudo-holder carrying a device's door mode; absent = normal


async def desired_door_config() -> dict[int, dict[str, Any] | None]:
    """Per device, its door's mode when it is not normal (disabled, held open on a schedule)."""
    points = {
        r["id"]: r
        for r in await AccessPoint.select(
            AccessPoint.id, AccessPoint.name, AccessPoint.mode, AccessPoint.held_open_hours
        ).run()
    }
    desired: dict[int, dict[str, Any] | None] = {}
    for device in await Device.select(Device.id, Device.access_point).run():
        point = points.get(device["access_point"])
        if point is None or point["mode"] == "normal":
            desired[device["id"]] = None
            continue
        desired[device["id"]] = {
            "holder": DOOR,
            "kind": "door",
            "name": point["name"],
            "mode": point["mode"],
            "held_open_hours": point["held_open_hours"],
            "credentials": [],
        }
    return desired


async def desired_for(holder: str) -> dict[int, dict[str, Any] | None]:
    if holder == DOOR:
        return await desired_door_config()
    kind, ident = parse_holder(holder)
    return await desired_for_person(ident) if kind == "p" else await desired_for_pass(ident)


async def all_holders() -> list[str]:
    """Every holder a device may hold or have held."""
    people = {r["person_id"] for r in await Grant.select(Grant.person_id).run()}
    passes = {r["id"] for r in await VisitorPass.select(VisitorPass.id).run()}
    return [DOOR] + [person_holder(p) for p in sorted(people)] + [pass_holder(v) for v in sorted(passes)]
