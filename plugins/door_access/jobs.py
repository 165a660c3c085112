"""Background jobs: device sync and its retries, reconciliation, expiry, alerts, welfare."""

from __future__ import annotations

import datetime as dt

from core.api import Schedule, job
from plugins.door_access.settings import settings


@job("door_access.sync_device", atomic=False, max_retries=3)
async def sync_device(device_id: int) -> dict[str, int]:
    """Send one device its due commands (failures are recorded, not raised: retried on schedule)."""
    from core.api import NotFound
    from plugins.door_access.sync import run_device

    try:
        return await run_device(device_id)
    except NotFound:  # the device was removed after the job was sent
        return {"ok": 0, "failed": 0}


@job("door_access.plan_all")
async def plan_all() -> int:
    """Plan every holder on every device (after a device is added); returns devices given commands."""
    from plugins.door_access.holders import all_holders
    from plugins.door_access.sync import plan_and_send

    return len(await plan_and_send(*await all_holders()))


@job("door_access.retry_due")
async def retry_due() -> int:
    """Every minute: wake the devices that have commands due (new, or failed and backed off)."""
    from plugins.door_access.sync import devices_with_due_commands, wake

    due = await devices_with_due_commands(dt.datetime.now(dt.UTC))
    await wake(due)
    return len(due)


@job("door_access.reconcile", atomic=False)
async def reconcile_all() -> int:
    """Hourly: compare every device's holders with what it should hold (devices asked one by one,
    outside any transaction)."""
    from core.api import write_transaction
    from plugins.door_access.sync import reconcile
    from plugins.door_access.tables import Device

    async with write_transaction():
        devices = await Device.select(Device.id).run()
    for d in devices:
        await reconcile(d["id"])
    return len(devices)


@job("door_access.housekeeping")
async def housekeeping() -> dict[str, int]:
    """Every minute: expire passes, watch for offline devices and persisting alerts, welfare signal."""
    from plugins.door_access import alerts, events, passes, welfare

    at = dt.datetime.now(dt.UTC)
    skew = settings().webhook_skew_seconds
    expired = await passes.expire_passes(at)
    watched = await alerts.watch(at)
    raised = await welfare.check(at)
    pruned = await events.prune_nonces(at, skew)
    return {"expired": expired, **watched, "welfare": raised, "nonces_pruned": pruned}


ACTORS = [sync_device, plan_all, retry_due, reconcile_all, housekeeping]
SCHEDULES = [
    Schedule("door_access.retry_due", "* * * * *", "door_access.retry_due"),
    Schedule("door_access.housekeeping", "* * * * *", "door_access.housekeeping"),
    Schedule("door_access.reconcile", "17 * * * *", "door_access.reconcile"),
]
