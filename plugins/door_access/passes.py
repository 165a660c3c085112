"""Visitor passes: a named visitor, a time window, doors and a number of uses; QR code and PIN.

Issued by a resident for their own visitors (or by staff), or requested at the gate and then
approved by the host. Passes expire, are used up, or are revoked; each ends on every device.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import segno

from core.api import InvalidInput, NotFound
from plugins.door_access.holders import pass_holder
from plugins.door_access.people import person_or_none
from plugins.door_access.sealing import hash_secret, new_salt
from plugins.door_access.settings import settings as door_settings
from plugins.door_access.sync import plan_and_send
from plugins.door_access.tables import AccessPoint, VisitorPass

GATE_REQUEST_MINUTES = 30


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def qr_svg(token: str) -> str:
    """The QR code as inline SVG (no external image, works offline on a phone)."""
    return str(segno.make(f"LINLI-PASS:{token}", error="m").svg_inline(scale=4))


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in (
            "id",
            "host_person_id",
            "visitor_name",
            "valid_from",
            "valid_until",
            "max_uses",
            "uses",
            "status",
            "created_at",
            "ended_at",
        )
    } | {"access_point_ids": [int(x) for x in row["access_point_ids"].split(",") if x]}


async def _points(ids: list[int]) -> list[int]:
    if not ids:
        raise InvalidInput("name at least one door", field="access_point_ids")
    found = {r["id"] for r in await AccessPoint.select(AccessPoint.id).where(AccessPoint.id.is_in(ids)).run()}
    missing = sorted(set(ids) - found)
    if missing:
        raise InvalidInput(f"no such door(s): {missing}", field="access_point_ids")
    return sorted(found)


def _secrets(row: VisitorPass) -> dict[str, str]:
    token, pin = secrets.token_urlsafe(18), f"{secrets.randbelow(10**6):06d}"
    row.salt = new_salt()
    row.qr_hash, row.pin_hash = hash_secret(row.salt, token), hash_secret(row.salt, pin)
    return {"qr_token": token, "pin": pin, "qr_svg": qr_svg(token)}


async def issue(
    *,
    host_person_id: int,
    visitor_name: str,
    visitor_phone: str = "",
    valid_from: dt.datetime | None,
    valid_until: dt.datetime,
    access_point_ids: list[int],
    max_uses: int,
    actor_id: int | None,
) -> dict[str, Any]:
    settings = door_settings()
    if await person_or_none(host_person_id) is None:
        raise InvalidInput("no such person in this community", field="host_person_id")
    name = (visitor_name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("must be 1-60 characters", field="visitor_name")
    start, end = aware(valid_from or now()), aware(valid_until)
    if end <= now():
        raise InvalidInput("the window is in the past", field="valid_until")
    if end <= start:
        raise InvalidInput("ends before it starts", field="valid_until")
    longest = settings.pass_max_days
    if end - start > dt.timedelta(days=longest):
        raise InvalidInput(f"a pass lasts at most {longest} days", field="valid_until")
    most = settings.pass_max_uses
    if not 1 <= max_uses <= most:
        raise InvalidInput(f"must be 1-{most}", field="max_uses")
    points = await _points(access_point_ids)
    row = VisitorPass(
        host_person_id=host_person_id,
        visitor_name=name,
        visitor_phone=visitor_phone[:20],
        access_point_ids=",".join(map(str, points)),
        valid_from=start,
        valid_until=end,
        max_uses=max_uses,
        status="active",
        created_by=actor_id,
        created_at=now(),
    )
    shown = _secrets(row)
    await row.save().run()
    await plan_and_send(pass_holder(row.id))
    return {**public(row.to_dict()), **shown}


async def request_at_gate(
    *, host_person_id: int, visitor_name: str, access_point_id: int, actor_id: int | None
) -> dict[str, Any]:
    """A visitor at the gate asks for the host: a pending one-use pass the host approves."""
    if await person_or_none(host_person_id) is None:
        raise InvalidInput("no such person in this community", field="host_person_id")
    name = (visitor_name or "").strip()
    if not name or len(name) > 60:
        raise InvalidInput("must be 1-60 characters", field="visitor_name")
    points = await _points([access_point_id])
    start = now()
    row = VisitorPass(
        host_person_id=host_person_id,
        visitor_name=name,
        access_point_ids=str(points[0]),
        valid_from=start,
        valid_until=start + dt.timedelta(minutes=GATE_REQUEST_MINUTES),
        max_uses=1,
        status="pending",
        created_by=actor_id,
        created_at=start,
    )
    await row.save().run()
    return public(row.to_dict())


async def get(pass_id: int, host_person_id: int | None = None) -> dict[str, Any]:
    query = VisitorPass.select().where(VisitorPass.id == pass_id)
    if host_person_id is not None:
        query = query.where(VisitorPass.host_person_id == host_person_id)
    row: dict[str, Any] | None = await query.first().run()
    if row is None:
        raise NotFound("no such visitor pass")
    return row


async def decide(pass_id: int, *, approve: bool, host_person_id: int | None = None) -> dict[str, Any]:
    row = await get(pass_id, host_person_id)
    if row["status"] != "pending" or row["valid_until"] <= now():
        raise NotFound("no such pending visitor pass")
    if not approve:
        await (
            VisitorPass.update({VisitorPass.status: "declined", VisitorPass.ended_at: now()})
            .where(VisitorPass.id == pass_id)
            .run()
        )
        return public(await get(pass_id))
    holder = VisitorPass()
    shown = _secrets(holder)
    await (
        VisitorPass.update(
            {
                VisitorPass.status: "active",
                VisitorPass.salt: holder.salt,
                VisitorPass.qr_hash: holder.qr_hash,
                VisitorPass.pin_hash: holder.pin_hash,
            }
        )
        .where(VisitorPass.id == pass_id)
        .run()
    )
    await plan_and_send(pass_holder(pass_id))
    return {**public(await get(pass_id)), **shown}


async def revoke(pass_id: int, host_person_id: int | None = None) -> dict[str, Any]:
    row = await get(pass_id, host_person_id)
    if row["status"] not in ("active", "pending"):
        raise NotFound("no such active visitor pass")
    await (
        VisitorPass.update({VisitorPass.status: "revoked", VisitorPass.ended_at: now()})
        .where(VisitorPass.id == pass_id)
        .run()
    )
    await plan_and_send(pass_holder(pass_id))
    return {"id": pass_id, "revoked": True}


async def revoke_passes_of_host(person_id: int) -> int:
    rows = (
        await VisitorPass.update({VisitorPass.status: "revoked", VisitorPass.ended_at: now()})
        .where((VisitorPass.host_person_id == person_id) & VisitorPass.status.is_in(["active", "pending"]))
        .returning(VisitorPass.id)
        .run()
    )
    await plan_and_send(*[pass_holder(r["id"]) for r in rows])
    return len(rows)


async def record_use(pass_id: int) -> None:
    """A granted entry on a pass: counted; the pass ends everywhere when used up."""
    row = (
        await VisitorPass.select(VisitorPass.uses, VisitorPass.max_uses, VisitorPass.status)
        .where(VisitorPass.id == pass_id)
        .first()
        .run()
    )
    if row is None:
        return
    uses = row["uses"] + 1
    values: dict[Any, Any] = {VisitorPass.uses: uses}
    if uses >= row["max_uses"] and row["status"] == "active":
        values.update({VisitorPass.status: "used_up", VisitorPass.ended_at: now()})
    await VisitorPass.update(values).where(VisitorPass.id == pass_id).run()
    if VisitorPass.status in values:
        await plan_and_send(pass_holder(pass_id))


async def expire_passes(at: dt.datetime | None = None) -> int:
    at = at or now()
    rows = (
        await VisitorPass.update({VisitorPass.status: "expired", VisitorPass.ended_at: at})
        .where(VisitorPass.status.is_in(["active", "pending"]) & (VisitorPass.valid_until <= at))
        .returning(VisitorPass.id)
        .run()
    )
    await plan_and_send(*[pass_holder(r["id"]) for r in rows])
    return len(rows)


async def list_passes(
    host_person_id: int | None = None, people: frozenset[int] | None = None
) -> list[dict[str, Any]]:
    query = VisitorPass.select().order_by(VisitorPass.id, ascending=False)
    if people is not None:  # a grid worker: the passes of their grid's residents
        query = query.where(VisitorPass.host_person_id.is_in(sorted(people) or [0]))
    if host_person_id is not None:
        query = query.where(VisitorPass.host_person_id == host_person_id)
    return [public(r) for r in await query.limit(200).run()]
