"""Device sync: every change becomes one command per device, carried out and retried by jobs.

``plan(holder)`` compares what each device should hold for the holder with the last command it
was given and queues a new command where they differ (older unsent ones are superseded).
``run_device`` sends a device its due commands through its adapter and records each outcome:
queued -> sent -> ok, or failed with a later retry. Nothing here ever waits for a device inside
a resident's request: an offline device only leaves commands in the queue.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import uuid
from typing import Any

from core.api import NotFound, Unavailable, read_private_file, write_transaction
from plugins.door_access import holders
from plugins.door_access.adapters import Command, DeviceError, DeviceRef, adapter_for
from plugins.door_access.sealing import unseal, unseal_text
from plugins.door_access.tables import Credential, Device, DeviceCommand

log = logging.getLogger("linli.door_access")
PENDING = ("queued", "sent", "failed")
MAX_BACKOFF = dt.timedelta(minutes=15)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=10 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def latest_commands(holder: str) -> dict[int, dict[str, Any]]:
    """device id -> the latest command (not superseded) for ``holder``."""
    rows = (
        await DeviceCommand.select()
        .where((DeviceCommand.holder == holder) & (DeviceCommand.status != "superseded"))
        .order_by(DeviceCommand.id)
        .run()
    )
    return {r["device"]: r for r in rows}


async def queue_command(device_id: int, holder: str, payload: dict[str, Any] | None) -> None:
    stamp = now()
    await (
        DeviceCommand.update({DeviceCommand.status: "superseded", DeviceCommand.updated_at: stamp})
        .where(
            (DeviceCommand.device == device_id)
            & (DeviceCommand.holder == holder)
            & DeviceCommand.status.is_in(["queued", "failed"])
        )
        .run()
    )
    await DeviceCommand.insert(
        DeviceCommand(
            device=device_id,
            uid=str(uuid.uuid4()),
            holder=holder,
            op="delete" if payload is None else "upsert",
            payload=json.dumps(payload or {}, ensure_ascii=False),
            digest="" if payload is None else holders.digest(payload),
            status="queued",
            created_at=stamp,
            updated_at=stamp,
        )
    ).run()


async def plan(holder: str) -> list[int]:
    """Queue what ``holder``'s devices need; returns the ids of devices given a command."""
    desired = await holders.desired_for(holder)
    latest = await latest_commands(holder)
    touched = []
    for device_id, payload in desired.items():
        last = latest.get(device_id)
        if payload is None:
            if last is None or last["op"] == "delete":
                continue
        elif last is not None and last["op"] == "upsert" and last["digest"] == holders.digest(payload):
            continue
        await queue_command(device_id, holder, payload)
        touched.append(device_id)
    return touched


async def plan_and_send(*holder_list: str) -> list[int]:
    """Plan the holders and wake the devices' sync jobs once the transaction commits."""
    touched: set[int] = set()
    for holder in holder_list:
        touched.update(await plan(holder))
    await wake(sorted(touched))
    return sorted(touched)


async def wake(device_ids: list[int]) -> None:
    from plugins.door_access.jobs import sync_device

    for device_id in device_ids:
        try:
            await sync_device.send_after_commit(device_id=device_id)
        except Unavailable:  # no broker here (tests, tools): the periodic retry picks it up
            return


async def device_ref(device_id: int) -> DeviceRef:
    row = (
        await Device.select(Device.id, Device.address, Device.secret_enc, Device.protocol)
        .where(Device.id == device_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such device")
    return DeviceRef(
        id=row["id"],
        address=row["address"],
        protocol=row["protocol"],
        secret=unseal_text("device-secret", row["secret_enc"]),
    )


async def _with_face_images(payload: dict[str, Any]) -> dict[str, Any]:
    """The face credentials with their image, while the encrypted image is still kept."""
    creds = []
    for cred in payload.get("credentials", []):
        if cred.get("kind") == "face":
            row = (
                await Credential.select(Credential.face_attachment_id)
                .where(Credential.id == cred.get("credential_id"))
                .first()
                .run()
            )
            if row and row["face_attachment_id"]:
                image = unseal("face-image", await read_private_file(row["face_attachment_id"]))
                cred = {**cred, "image_b64": base64.b64encode(image).decode()}
        creds.append(cred)
    return {**payload, "credentials": creds}


async def _due_commands(device_id: int, at: dt.datetime) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await DeviceCommand.select()
        .where(
            (DeviceCommand.device == device_id)
            & DeviceCommand.status.is_in(["queued", "sent", "failed"])
            & (DeviceCommand.next_attempt_at.is_null() | (DeviceCommand.next_attempt_at <= at))
        )
        .order_by(DeviceCommand.id)
        .run()
    )
    return rows


async def _record(row: dict[str, Any], device_id: int, at: dt.datetime, error: DeviceError | None) -> None:
    attempts = row["attempts"] + 1
    values: dict[Any, Any]
    if error is None:
        values = {
            DeviceCommand.status: "ok",
            DeviceCommand.last_error: "",
            DeviceCommand.next_attempt_at: None,
        }
        await (
            Device.update({Device.online: True, Device.last_seen_at: at}).where(Device.id == device_id).run()
        )
    else:
        values = {
            DeviceCommand.status: "failed",
            DeviceCommand.last_error: str(error)[:300],
            DeviceCommand.next_attempt_at: at + backoff(attempts),
        }
        if error.offline:
            await Device.update({Device.online: False}).where(Device.id == device_id).run()
    # Only a command still in flight: one superseded meanwhile stays superseded.
    await (
        DeviceCommand.update({**values, DeviceCommand.attempts: attempts, DeviceCommand.updated_at: at})
        .where((DeviceCommand.id == row["id"]) & (DeviceCommand.status == "sent"))
        .run()
    )


async def run_device(device_id: int, at: dt.datetime | None = None) -> dict[str, int]:
    """Send the device its due commands, in order; returns counts of ok and failed.

    The device is called outside any database transaction (a slow or dark device must not hold
    SQLite's writer lock or a pooled connection); each outcome is written in a short transaction.
    Commands are idempotent by uid, so a job delivered twice only repeats harmless commands.
    """
    at = at or now()
    async with write_transaction():
        ref = await device_ref(device_id)
        due = await _due_commands(device_id, at)
        if due:
            await (
                DeviceCommand.update({DeviceCommand.status: "sent", DeviceCommand.updated_at: at})
                .where(DeviceCommand.id.is_in([r["id"] for r in due]))
                .run()
            )
    adapter = adapter_for(ref.protocol)
    counts = {"ok": 0, "failed": 0}
    for index, row in enumerate(due):
        payload = json.loads(row["payload"])
        if row["op"] == "upsert":
            async with write_transaction():
                payload = await _with_face_images(payload)
        error: DeviceError | None = None
        try:
            await adapter.apply(
                ref,
                Command(
                    uid=row["uid"], holder=row["holder"], op=row["op"], payload=payload, digest=row["digest"]
                ),
            )
        except DeviceError as exc:
            error = exc
        async with write_transaction():
            await _record(row, device_id, at, error)
            rest = [r["id"] for r in due[index + 1 :]]
            if error is not None and error.offline and rest:  # the rest would fail alike: back to the queue
                await (
                    DeviceCommand.update({DeviceCommand.status: "queued", DeviceCommand.updated_at: at})
                    .where(DeviceCommand.id.is_in(rest) & (DeviceCommand.status == "sent"))
                    .run()
                )
        counts["ok" if error is None else "failed"] += 1
        if error is not None and error.offline:
            break
    if counts["ok"]:
        from plugins.door_access.credentials import release_enrolled_faces

        async with write_transaction():
            await release_enrolled_faces()
    return counts


async def retry_device(device_id: int) -> int:
    """Make a device's failed commands due now (staff's "retry"); returns how many."""
    rows = (
        await DeviceCommand.update({DeviceCommand.next_attempt_at: None, DeviceCommand.updated_at: now()})
        .where((DeviceCommand.device == device_id) & DeviceCommand.status.is_in(["failed", "sent"]))
        .returning(DeviceCommand.id)
        .run()
    )
    await wake([device_id])
    return len(rows)


async def devices_with_due_commands(at: dt.datetime) -> list[int]:
    rows = (
        await DeviceCommand.select(DeviceCommand.device)
        .where(
            DeviceCommand.status.is_in(["queued", "sent", "failed"])
            & (DeviceCommand.next_attempt_at.is_null() | (DeviceCommand.next_attempt_at <= at))
        )
        .run()
    )
    return sorted({r["device"] for r in rows})


async def holder_state(holder: str) -> dict[str, Any]:
    """Per device, the state of the holder's latest command: "synced on 3 of 4 doors"."""
    latest = await latest_commands(holder)
    names = {r["id"]: r["name"] for r in await Device.select(Device.id, Device.name).run()}
    devices = [
        {
            "device_id": d,
            "device": names.get(d, ""),
            "op": c["op"],
            "status": c["status"],
            "attempts": c["attempts"],
            "last_error": c["last_error"],
        }
        for d, c in sorted(latest.items())
    ]
    relevant = [d for d in devices if not (d["op"] == "delete" and d["status"] == "ok")]
    synced = sum(1 for d in devices if d["status"] == "ok")
    return {
        "holder": holder,
        "devices": devices,
        "synced": synced,
        "total": len(devices),
        "summary_zh": f"已同步 {synced}/{len(devices)} 个门",
        "summary_en": f"synced on {synced} of {len(devices)} doors",
        "pending": len([d for d in relevant if d["status"] != "ok"]),
    }


async def device_counts() -> dict[int, dict[str, int]]:
    """device id -> {queued, sent, ok, failed} over the latest command of each holder."""
    rows = (
        await DeviceCommand.select(DeviceCommand.device, DeviceCommand.holder, DeviceCommand.status)
        .where(DeviceCommand.status != "superseded")
        .order_by(DeviceCommand.id)
        .run()
    )
    latest: dict[tuple[int, str], str] = {}
    for r in rows:
        latest[(r["device"], r["holder"])] = r["status"]
    out: dict[int, dict[str, int]] = {}
    for (device_id, _), status in latest.items():
        counts = out.setdefault(device_id, {"queued": 0, "sent": 0, "ok": 0, "failed": 0})
        counts[status] += 1
    return out


async def reconcile(device_id: int) -> dict[str, int]:
    """Compare what the device holds with what it should hold; queue commands for differences.

    The device is asked outside any transaction; the comparison and the commands are one."""
    async with write_transaction():
        ref = await device_ref(device_id)
    try:
        held = await adapter_for(ref.protocol).holdings(ref)
    except DeviceError as exc:
        log.info("reconcile: device %s unreachable: %s", device_id, exc)
        async with write_transaction():
            await Device.update({Device.online: False}).where(Device.id == device_id).run()
        return {"unreachable": 1}
    async with write_transaction():
        queued = await _queue_differences(device_id, held)
        if queued:
            await wake([device_id])
    return {"queued": queued, "held": len(held)}


async def _queue_differences(device_id: int, held: dict[str, str]) -> int:
    queued = 0
    known = set(await holders.all_holders())
    pending = {
        r["holder"]
        for r in await DeviceCommand.select(DeviceCommand.holder)
        .where((DeviceCommand.device == device_id) & DeviceCommand.status.is_in(list(PENDING)))
        .run()
    }
    for holder in sorted(known | set(held)):
        if holder in pending:
            continue  # a command is on its way; compare after it lands
        try:
            desired = (await holders.desired_for(holder)).get(device_id)
        except ValueError:
            desired = None  # a holder the device made up: remove it
        want = None if desired is None else holders.digest(desired)
        if held.get(holder) != want:
            await queue_command(device_id, holder, desired)
            queued += 1
    return queued
