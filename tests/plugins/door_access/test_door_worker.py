"""The same flow with a real broker and a real `linli worker`: nobody calls the sync by hand."""

from __future__ import annotations

import datetime as dt

from core.testing.jobs import WorkerProcess, fresh_broker, settings_env, wait_until

BASE = "/api/v1/c/comm-a/door_access"


async def test_move_in_and_out_reach_the_device_through_jobs(build_world, tmp_path):
    world = await build_world(broker_url=fresh_broker("redis"))
    env = settings_env(world.h.runtime.settings, ["door_access"], [])
    worker = WorkerProcess(env, tmp_path / "worker.log").start()
    try:
        resident = await world.move_in()
        pid = resident["person_id"]
        await world.card(pid, "10B0C0DE")
        await wait_until(lambda: f"p{pid}" in world.sim.holders, 60, what="the card on the device")
        assert (await world.enter("card", "10B0C0DE"))["result"] == "granted"
        r = await world.staff.post(
            f"/api/v1/c/comm-a/residencies/{resident['residency_id']}/move-out",
            json={"end_date": dt.date.today().isoformat(), "reason": "搬走"},
        )
        assert r.status_code == 200
        await wait_until(lambda: f"p{pid}" not in world.sim.holders, 60, what="the revoke on the device")
        state = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
        assert [(d["op"], d["status"]) for d in state["sync"]["devices"]] == [("delete", "ok")]
    finally:
        worker.stop()
    assert "Traceback" not in worker.output()
