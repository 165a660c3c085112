"""Access points (gates, building and unit doors, garages, lift readers) and their devices."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from core.api import Conflict, InvalidInput, NotFound
from plugins.door_access.adapters import adapters
from plugins.door_access.people import building_or_none
from plugins.door_access.sealing import seal_text
from plugins.door_access.tables import AccessGroupPoint, AccessPoint, Device, DeviceCommand

KINDS = ("gate", "building", "unit", "garage", "lift")
MODES = ("normal", "held_open", "disabled")
HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


def check_hours(value: str, field: str) -> str:
    value = value.strip()
    if value and not HOURS.match(value):
        raise InvalidInput("must be HH:MM-HH:MM (e.g. 06:00-23:00) or empty for always", field=field)
    return value


def check_text(value: str, field: str, max_len: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > max_len:
        raise InvalidInput(f"must be 1-{max_len} characters", field=field)
    return value


async def get_point(point_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = await AccessPoint.select().where(AccessPoint.id == point_id).first().run()
    if row is None:
        raise NotFound("no such access point")
    return row


async def create_point(
    *, name: str, kind: str, building_id: int | None, mode: str = "normal", held_open_hours: str = ""
) -> dict[str, Any]:
    name = check_text(name, "name", 100)
    if kind not in KINDS:
        raise InvalidInput(f"must be one of {', '.join(KINDS)}", field="kind")
    if mode not in MODES:
        raise InvalidInput(f"must be one of {', '.join(MODES)}", field="mode")
    if building_id is not None and await building_or_none(building_id) is None:
        raise InvalidInput("no such building in this community", field="building_id")
    if kind in ("building", "unit") and building_id is None:
        raise InvalidInput("a building or unit door needs its building", field="building_id")
    row = AccessPoint(
        name=name,
        kind=kind,
        building_id=building_id,
        mode=mode,
        held_open_hours=check_hours(held_open_hours, "held_open_hours"),
        created_at=dt.datetime.now(dt.UTC),
    )
    await row.save().run()
    if building_id is not None or kind == "gate":
        from plugins.door_access.grants import add_point_to_building_groups

        await add_point_to_building_groups(row.id, building_id)
    return row.to_dict()


async def update_point(point_id: int, *, mode: str | None, held_open_hours: str | None) -> dict[str, Any]:
    await get_point(point_id)
    values: dict[Any, Any] = {}
    if mode is not None:
        if mode not in MODES:
            raise InvalidInput(f"must be one of {', '.join(MODES)}", field="mode")
        values[AccessPoint.mode] = mode
    if held_open_hours is not None:
        values[AccessPoint.held_open_hours] = check_hours(held_open_hours, "held_open_hours")
    if values:
        await AccessPoint.update(values).where(AccessPoint.id == point_id).run()
        from plugins.door_access.holders import DOOR
        from plugins.door_access.sync import plan_and_send

        await plan_and_send(DOOR)  # the devices on this door learn its mode
    return await get_point(point_id)


async def list_points() -> list[dict[str, Any]]:
    return await AccessPoint.select().order_by(AccessPoint.id).run()


async def get_device(device_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await Device.select(*Device.all_columns(exclude=[Device.secret_enc]))
        .where(Device.id == device_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such device")
    return row


async def create_device(
    *,
    access_point_id: int,
    name: str,
    address: str,
    protocol: str = "generic_http",
    vendor: str = "",
    model: str = "",
    firmware: str = "",
    secret: str | None = None,
) -> dict[str, Any]:
    """A new device; the answer carries its HMAC secret, shown this once."""
    if not await AccessPoint.exists().where(AccessPoint.id == access_point_id).run():
        raise InvalidInput("no such access point in this community", field="access_point_id")
    name = check_text(name, "name", 100)
    if protocol not in adapters():
        raise InvalidInput(
            f"no adapter for this protocol; one of {', '.join(sorted(adapters()))}", field="protocol"
        )
    address = (address or "").strip()
    if not re.match(r"^https?://[^\s/]+", address) or len(address) > 300:
        raise InvalidInput("must be the device's base URL (http:// or https://)", field="address")
    if secret is not None and not (32 <= len(secret) <= 128):
        raise InvalidInput("must be 32-128 characters", field="secret")
    secret = secret or secrets.token_urlsafe(32)
    row = Device(
        access_point=access_point_id,
        name=name,
        vendor=vendor[:50],
        model=model[:50],
        protocol=protocol,
        address=address,
        firmware=firmware[:50],
        secret_enc=seal_text("device-secret", secret),
        created_at=dt.datetime.now(dt.UTC),
    )
    await row.save().run()
    await plan_everyone()  # the new device gets everyone who may pass its door
    return {**(await get_device(row.id)), "secret": secret}


async def plan_everyone() -> None:
    """Plan every holder: in a job when there is a broker (thousands of residents), else now."""
    from core.api import Unavailable
    from plugins.door_access.jobs import plan_all

    try:
        await plan_all.send_after_commit()
    except Unavailable:
        from plugins.door_access.holders import all_holders
        from plugins.door_access.sync import plan_and_send

        await plan_and_send(*await all_holders())


async def delete_device(device_id: int) -> dict[str, Any]:
    await get_device(device_id)
    await DeviceCommand.delete().where(DeviceCommand.device == device_id).run()
    await Device.delete().where(Device.id == device_id).run()
    return {"id": device_id, "deleted": True}


async def delete_point(point_id: int) -> dict[str, Any]:
    await get_point(point_id)
    if await Device.exists().where(Device.access_point == point_id).run():
        raise Conflict("the access point still has devices; remove them first")
    await AccessGroupPoint.delete().where(AccessGroupPoint.access_point == point_id).run()
    await AccessPoint.delete().where(AccessPoint.id == point_id).run()
    return {"id": point_id, "deleted": True}
