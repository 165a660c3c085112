"""Access points (doors, gates) and the devices on them, with their sync state."""

from __future__ import annotations

from typing import Any

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from core.api import requires
from plugins.door_access import doors, sync
from plugins.door_access.api.bodies import (
    DeviceIn,
    PointIn,
    PointPatch,
)
from plugins.door_access.callers import MANAGE, VIEW
from plugins.door_access.tables import Device


class DoorsController(Controller):
    path = "/"

    @get("/points", guards=[requires(VIEW)])
    async def list_points(self) -> list[dict[str, Any]]:
        return await doors.list_points()

    @post("/points", guards=[requires(MANAGE)])
    async def create_point(self, data: JSONBody[PointIn]) -> dict[str, Any]:
        return await doors.create_point(
            name=data.name,
            kind=data.kind,
            building_id=data.building_id,
            mode=data.mode,
            held_open_hours=data.held_open_hours,
        )

    @patch("/points/{point_id:int}", guards=[requires(MANAGE)])
    async def update_point(self, point_id: FromPath[int], data: JSONBody[PointPatch]) -> dict[str, Any]:
        return await doors.update_point(point_id, mode=data.mode, held_open_hours=data.held_open_hours)

    @delete("/points/{point_id:int}", guards=[requires(MANAGE)], status_code=200)
    async def delete_point(self, point_id: FromPath[int]) -> dict[str, Any]:
        return await doors.delete_point(point_id)

    @get("/devices", guards=[requires(VIEW)])
    async def list_devices(self) -> list[dict[str, Any]]:
        counts = await sync.device_counts()
        rows = await Device.select(*Device.all_columns(exclude=[Device.secret_enc])).order_by(Device.id).run()
        empty = {"queued": 0, "sent": 0, "ok": 0, "failed": 0}
        return [{**r, "commands": counts.get(r["id"], empty)} for r in rows]

    @post("/devices", guards=[requires(MANAGE)])
    async def create_device(self, data: JSONBody[DeviceIn]) -> dict[str, Any]:
        return await doors.create_device(
            access_point_id=data.access_point_id,
            name=data.name,
            address=data.address,
            protocol=data.protocol,
            vendor=data.vendor,
            model=data.model,
            firmware=data.firmware,
            secret=data.secret,
        )

    @get("/devices/{device_id:int}", guards=[requires(VIEW)])
    async def get_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        device = await doors.get_device(device_id)
        return {**device, "commands": (await sync.device_counts()).get(device_id, {})}

    @delete("/devices/{device_id:int}", guards=[requires(MANAGE)], status_code=200)
    async def delete_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        return await doors.delete_device(device_id)

    @post("/devices/{device_id:int}/retry", guards=[requires(MANAGE)], status_code=200)
    async def retry_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        await doors.get_device(device_id)
        return {"device_id": device_id, "retrying": await sync.retry_device(device_id)}

    @post("/devices/{device_id:int}/reconcile", guards=[requires(MANAGE)], status_code=200)
    async def reconcile_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        await doors.get_device(device_id)
        return await sync.reconcile(device_id)
