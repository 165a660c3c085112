"""`linli-door-sim` as a real process driven by Linli; event idempotency; privacy export and erase."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import httpx

from core.testing.jobs import wait_until
from devtools.door_sim.simulator import _free_port

BASE = "/api/v1/c/comm-a/door_access"
SECRET = "c" * 40


async def test_the_door_sim_command_answers_linli_and_the_door(world):
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.door_sim",
            "--port",
            str(port),
            "--secret",
            SECRET,
            "--heartbeat",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(f"{url}/sim/state", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        await wait_until(up, 30, what="door-sim listening")
        r = await world.staff.post(
            f"{BASE}/devices",
            json={"access_point_id": world.point_id, "name": "进程模拟器", "address": url, "secret": SECRET},
        )
        device_id = r.json()["id"]
        pid = (await world.move_in())["person_id"]
        await world.card(pid, "5151AA00")
        assert await world.sync(device_id) == {"ok": 1, "failed": 0}
        assert httpx.get(f"{url}/sim/state").json()["holders"] == [f"p{pid}"]
        decided = httpx.post(f"{url}/sim/present", json={"credential": "card", "value": "5151AA00"}).json()
        assert decided["event"]["result"] == "granted" and decided["pushed"] is None  # no webhook given
        httpx.post(f"{url}/sim/offline", json={"offline": True})
        await world.card(pid, "5151AA01")
        assert await world.sync(device_id) == {"ok": 0, "failed": 1}  # answers 503 while offline
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


async def test_a_redelivered_move_in_grants_once(world):
    resident = await world.move_in()
    from plugins.door_access.grants import grant_for_residency

    async with world.h.tenant("comm-a"):
        again = await grant_for_residency(
            person_id=resident["person_id"],
            residency_id=resident["residency_id"],
            building_id=world.building_id,
            start=dt.date.today(),
        )
    assert again is False
    grants = (await world.staff.get(f"{BASE}/persons/{resident['person_id']}/access")).json()["grants"]
    assert len(grants) == 1 and grants[0]["source"] == "residency"


async def test_erasing_a_person_takes_them_off_every_device_and_out_of_the_log(world):
    pid = (await world.move_in())["person_id"]
    await world.card(pid, "E2A5E000")
    await world.sync()
    await world.enter("card", "E2A5E000")
    async with world.h.tenant("comm-a") as tenant:
        from plugins.door_access.hooks import privacy_erase, privacy_export

        exported = await privacy_export(tenant, pid)
        assert [c["card_number"] for c in exported["credentials"]] == ["E2A5E000"]
        assert len(exported["access_log"]) == 1
        assert await privacy_erase(tenant, pid) == 2  # one credential, one log entry
    await world.sync()
    assert f"p{pid}" not in world.sim.holders
    assert (await world.staff.get(f"{BASE}/log", params={"person_id": pid})).json() == []
    async with world.h.tenant("comm-a") as tenant:
        assert [c["card_number"] for c in (await privacy_export(tenant, pid))["credentials"]] == [""]


async def test_purging_the_community_removes_every_row_and_stored_face(build_world, s3_settings):
    import base64

    from plugins.door_access.tables import TABLES

    world = await build_world(**s3_settings)
    pid = (await world.move_in())["person_id"]
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    r = await world.staff.post(
        f"{BASE}/persons/{pid}/credentials",
        json={
            "kind": "face",
            "face_image_b64": base64.b64encode(png).decode(),
            "face_consent": True,
            "consent_text": "同意",
        },
    )
    assert r.status_code == 201
    await world.enter("card", "nothing")
    async with world.h.tenant("comm-a") as tenant:
        from core.files.tables import Attachment
        from plugins.door_access.hooks import on_tenant_purge

        assert await Attachment.count().run() == 1
        assert await on_tenant_purge(tenant) > 5
        assert [await t.count().run() for t in TABLES] == [0] * len(TABLES)
        assert await Attachment.count().run() == 0
