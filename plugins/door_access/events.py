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


def _when(value: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("must be an ISO 8601 time", field="events.at") from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


async def claim_nonce(device_id: int, nonce: str) -> bool:
    """Record the push's nonce; False when it was seen before (a replay). One statement."""
    claimed = (
        await WebhookNonce.insert(WebhookNonce(device_id=device_id, nonce=nonce, seen_at=now()))
        .on_conflict(action="DO NOTHING")
        .returning(WebhookNonce.id)
        .run()
    )
    return bool(claimed)


async def prune_nonces(at: dt.datetime, skew_seconds: int) -> int:
    """Nonces older than twice the allowed skew can go: a push that old fails the timestamp check."""
    gone = (
        await WebhookNonce.delete()
        .where(WebhookNonce.seen_at < at - dt.timedelta(seconds=2 * skew_seconds))
        .returning(WebhookNonce.id)
        .run()
    )
    return len(gone)


SEEN_PRECISION = dt.timedelta(seconds=30)  # last-seen is written at most this often per device


async def ingest(device: dict[str, Any], events: list[DeviceEvent]) -> dict[str, int]:
    """Store a checked push: each new event (by its id, once) and what follows from it."""
    from plugins.door_access import alerts, passes

    stamp = now()
    rows: dict[str, AccessEvent] = {}
    for e in events:
        if e.type not in EVENT_TYPES:
            raise InvalidInput(f"must be one of {', '.join(EVENT_TYPES)}", field="events.type")
        if e.type == "access" and e.result not in ("granted", "refused"):
            raise InvalidInput("must be granted or refused", field="events.result")
        person_id = pass_id = None
        if e.holder:
            try:
                kind, ident = parse_holder(e.holder)
            except ValueError:
                raise InvalidInput("must be a holder id such as p12 or v5", field="events.holder") from None
            person_id, pass_id = (ident, None) if kind == "p" else (None, ident)
        rows.setdefault(
            e.uid,
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
            ),
        )
    new: set[str] = set()
    if rows:
        # A device resends what it is not sure we got: the unique (device, event id) keeps one.
        inserted = (
            await AccessEvent.insert(*rows.values())
            .on_conflict(action="DO NOTHING")
            .returning(AccessEvent.event_uid)
            .run()
        )
        new = {r["event_uid"] for r in inserted}
    for uid, row in rows.items():
        if uid not in new:
            continue
        if row.type == "access" and row.result == "granted" and row.pass_id is not None:
            await passes.record_use(row.pass_id)
        elif row.type in ("open_too_long", "forced", "closed"):
            await alerts.door_state(device["access_point"], device["id"], row.type, row.occurred_at)
    seen = device.get("last_seen_at")
    if not device.get("online") or seen is None or stamp - seen > SEEN_PRECISION:
        await (
            Device.update({Device.last_seen_at: stamp, Device.online: True})
            .where(Device.id == device["id"])
            .run()
        )
    if not device.get("online"):
        await alerts.device_seen(device["id"])
    return {"received": len(events), "stored": len(new)}


async def search(
    *,
    person_id: int | None = None,
    access_point_id: int | None = None,
    result: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    people: frozenset[int] | None = None,
) -> list[dict[str, Any]]:
    """The newest access events, filtered; ``people`` limits them to those persons (a grid
    worker's scope, ``core.api.people_in_scope``)."""
    query = (
        AccessEvent.select().order_by(AccessEvent.occurred_at, ascending=False).limit(min(max(limit, 1), 500))
    )
    if people is not None:
        query = query.where(AccessEvent.person_id.is_in(sorted(people) or [0]))
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
