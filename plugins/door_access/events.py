"""The access log: signed pushes from devices, stored as events with the reason for each refusal."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from core.api import InvalidInput
from plugins.door_access.adapters import DeviceEvent
from plugins.door_access.holders import parse_holder
from plugins.door_access.tables import AccessEvent, AccessPoint, Device, WebhookNonce, WebhookRefusal

log = logging.getLogger("linli.door_access")

# Why a device refused someone, in words staff can act on.
REASONS: dict[str, tuple[str, str]] = {
    "no_permission": ("无此门权限", "No permission for this door"),
    "expired": ("权限或通行证已过期", "Access or pass expired"),
    "not_yet_valid": ("尚未生效", "Not valid yet"),
    "outside_schedule": ("不在允许的时段", "Outside the allowed hours"),
    "unknown_credential": ("未登记的卡/码/人脸", "Unknown card, code or face"),
    "used_up": ("通行证次数已用完", "Pass used up"),
    "revoked": ("已注销", "Revoked"),
    "door_disabled": ("门已停用", "Door disabled"),
    "no_credential": ("没有有效凭证", "No active credential"),
    "not_synced": ("尚未同步到门禁设备", "Not yet synced to the device"),
    "device_offline": ("设备离线", "Device offline"),
    "grant_revoked": ("权限已收回", "Access revoked"),
}
EVENT_TYPES = ("access", "open_too_long", "forced", "closed", "heartbeat")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def label(reason: str) -> dict[str, str]:
    zh, en = REASONS.get(reason, (reason, reason))
    return {"code": reason, "zh": zh, "en": en}


async def refuse(device_id: int | None, reason: str, remote: str) -> None:
    """Written in its own transaction by the caller: the 401 itself rolls nothing back."""
    log.warning("door webhook refused", extra={"device_id": device_id, "reason": reason, "remote": remote})
    await WebhookRefusal.insert(
        WebhookRefusal(device_id=device_id, reason=reason, remote=remote[:60], at=now())
    ).run()


async def nonce_seen(device_id: int, nonce: str) -> bool:
    return bool(
        await WebhookNonce.exists()
        .where((WebhookNonce.device_id == device_id) & (WebhookNonce.nonce == nonce))
        .run()
    )


def _when(value: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("must be an ISO 8601 time", field="events.at") from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


async def ingest(device: dict[str, Any], nonce: str, events: list[DeviceEvent]) -> dict[str, int]:
    """Store a checked push: the nonce, each new event (by its id), and what follows from it."""
    from plugins.door_access import alerts, passes

    stamp = now()
    await WebhookNonce.insert(WebhookNonce(device_id=device["id"], nonce=nonce, seen_at=stamp)).run()
    uids = [e.uid for e in events]
    known = (
        {
            r["event_uid"]
            for r in await AccessEvent.select(AccessEvent.event_uid)
            .where((AccessEvent.device_id == device["id"]) & AccessEvent.event_uid.is_in(uids))
            .run()
        }
        if uids
        else set()
    )
    rows, stored = [], 0
    for e in events:
        if e.type not in EVENT_TYPES:
            raise InvalidInput(f"must be one of {', '.join(EVENT_TYPES)}", field="events.type")
        if e.type == "access" and e.result not in ("granted", "refused"):
            raise InvalidInput("must be granted or refused", field="events.result")
        if e.uid in known:
            continue  # the device sent it before: at-least-once delivery from its side
        known.add(e.uid)
        person_id = pass_id = None
        if e.holder:
            try:
                kind, ident = parse_holder(e.holder)
            except ValueError:
                raise InvalidInput("must be a holder id such as p12 or v5", field="events.holder") from None
            person_id, pass_id = (ident, None) if kind == "p" else (None, ident)
        rows.append(
            AccessEvent(
                device_id=device["id"],
                access_point_id=device["access_point"],
                event_uid=e.uid,
                occurred_at=_when(e.at),
                received_at=stamp,
                type=e.type,
                holder=e.holder,
                person_id=person_id,
                pass_id=pass_id,
                credential_kind=e.credential,
                direction=e.direction,
                result=e.result,
                reason=e.reason if e.result == "refused" else "",
            )
        )
        if e.type == "access" and e.result == "granted" and pass_id is not None:
            await passes.record_use(pass_id)
        elif e.type in ("open_too_long", "forced", "closed"):
            await alerts.door_state(device["access_point"], device["id"], e.type, _when(e.at))
        stored += 1
    if rows:
        await AccessEvent.insert(*rows).run()
    await (
        Device.update({Device.last_seen_at: stamp, Device.online: True})
        .where(Device.id == device["id"])
        .run()
    )
    await alerts.device_seen(device["id"])
    return {"received": len(events), "stored": stored}


async def search(
    *,
    person_id: int | None = None,
    access_point_id: int | None = None,
    result: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    query = (
        AccessEvent.select().order_by(AccessEvent.occurred_at, ascending=False).limit(min(max(limit, 1), 500))
    )
    if person_id is not None:
        query = query.where(AccessEvent.person_id == person_id)
    if access_point_id is not None:
        query = query.where(AccessEvent.access_point_id == access_point_id)
    if result is not None:
        if result not in ("granted", "refused"):
            raise InvalidInput("must be granted or refused", field="result")
        query = query.where(AccessEvent.result == result)
    if since is not None:
        query = query.where(AccessEvent.occurred_at >= since)
    rows = await query.run()
    for r in rows:
        r["reason_label"] = label(r["reason"]) if r["reason"] else None
    return rows


async def refusals(limit: int = 50) -> list[dict[str, Any]]:
    return await WebhookRefusal.select().order_by(WebhookRefusal.id, ascending=False).limit(limit).run()


async def last_activity(person_id: int) -> dt.datetime | None:
    row = (
        await AccessEvent.select(AccessEvent.occurred_at)
        .where((AccessEvent.person_id == person_id) & (AccessEvent.result == "granted"))
        .order_by(AccessEvent.occurred_at, ascending=False)
        .first()
        .run()
    )
    return None if row is None else row["occurred_at"]


async def point_of(access_point_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await AccessPoint.select().where(AccessPoint.id == access_point_id).first().run()
    )
    return row
