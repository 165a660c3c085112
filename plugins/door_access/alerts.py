"""Alerts: a door open too long, forced open, a device offline. A persisting one becomes a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import open_case
from plugins.door_access.settings import settings as door_settings
from plugins.door_access.tables import AccessPoint, Alert, Device

KINDS = {
    "open_too_long": ("门长时间未关", "Door open too long"),
    "forced": ("门被强行打开", "Door forced open"),
    "offline": ("门禁设备离线", "Door device offline"),
}
CASE_TYPE = "door_access.fault"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _open(kind: str, point_id: int, device_id: int | None, at: dt.datetime) -> None:
    where = (Alert.kind == kind) & (Alert.access_point_id == point_id) & Alert.cleared_at.is_null()
    if device_id is not None:
        where = where & (Alert.device_id == device_id)
    if not await Alert.exists().where(where).run():
        await Alert.insert(
            Alert(kind=kind, access_point_id=point_id, device_id=device_id, opened_at=at)
        ).run()


async def _clear(where: Any, at: dt.datetime) -> None:
    await Alert.update({Alert.cleared_at: at}).where(where & Alert.cleared_at.is_null()).run()


async def door_state(point_id: int, device_id: int, event_type: str, at: dt.datetime) -> None:
    state = {"open_too_long": "open_too_long", "forced": "forced", "closed": "shut"}[event_type]
    await (
        AccessPoint.update({AccessPoint.state: state, AccessPoint.state_since: at})
        .where(AccessPoint.id == point_id)
        .run()
    )
    if event_type == "closed":
        await _clear((Alert.access_point_id == point_id) & Alert.kind.is_in(["open_too_long", "forced"]), at)
    else:
        await _open(event_type, point_id, device_id, at)


async def device_seen(device_id: int) -> None:
    await _clear((Alert.device_id == device_id) & (Alert.kind == "offline"), now())


async def watch(at: dt.datetime | None = None) -> dict[str, int]:
    """Mark silent devices offline and raise a case for alerts that have lasted too long."""
    at = at or now()
    settings = door_settings()
    silent_since = at - dt.timedelta(minutes=settings.offline_minutes)
    offline = 0
    for d in await Device.select(
        Device.id, Device.access_point, Device.last_seen_at, Device.created_at
    ).run():
        seen = d["last_seen_at"] or d["created_at"]
        if seen < silent_since:
            await Device.update({Device.online: False}).where(Device.id == d["id"]).run()
            await _open("offline", d["access_point"], d["id"], at)
            offline += 1
    cases = 0
    late = at - dt.timedelta(minutes=settings.alert_case_minutes)
    for alert in (
        await Alert.select()
        .where(Alert.cleared_at.is_null() & Alert.case_id.is_null() & (Alert.opened_at <= late))
        .run()
    ):
        point = (
            await AccessPoint.select(AccessPoint.name, AccessPoint.building_id)
            .where(AccessPoint.id == alert["access_point_id"])
            .first()
            .run()
        )
        zh, en = KINDS[alert["kind"]]
        case = await open_case(
            case_type=CASE_TYPE,
            channel="system",
            title=f"{zh}：{point['name'] if point else ''}"[:200],
            description=f"{en} since {alert['opened_at']:%Y-%m-%d %H:%M} UTC",
            building_id=point["building_id"] if point else None,
            priority="urgent",
            extra={"alert_id": alert["id"]},
        )
        await Alert.update({Alert.case_id: case.id}).where(Alert.id == alert["id"]).run()
        cases += 1
    return {"offline": offline, "cases": cases}


async def open_alerts() -> list[dict[str, Any]]:
    rows = await Alert.select().where(Alert.cleared_at.is_null()).order_by(Alert.opened_at).run()
    for r in rows:
        r["label_zh"], r["label_en"] = KINDS[r["kind"]]
    return rows
