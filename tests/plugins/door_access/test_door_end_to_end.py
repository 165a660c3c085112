"""Move-in to entry and move-out to revocation, against a simulated controller over real HTTP."""

from __future__ import annotations

BASE = "/api/v1/c/comm-a/door_access"


async def test_move_in_card_synced_entry_accepted_and_logged(world):
    resident = await world.move_in()
    pid = resident["person_id"]
    r = await world.staff.post(
        f"{BASE}/persons/{pid}/credentials", json={"kind": "card", "card_number": "A1B2C3D4"}
    )
    assert r.status_code == 201, r.text
    assert await world.sync() == {"ok": 1, "failed": 0}
    assert f"p{pid}" in world.sim.holders
    event = await world.enter("card", "a1b2c3d4")
    assert event["result"] == "granted" and event["holder"] == f"p{pid}"
    log = (await world.staff.get(f"{BASE}/log", params={"person_id": pid})).json()
    assert [(e["result"], e["event_uid"]) for e in log] == [("granted", event["id"])]
    access = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    assert access["sync"]["summary_en"] == "synced on 1 of 1 doors"


async def test_move_out_revokes_everywhere_and_an_offline_device_never_blocks_it(world, sims):
    import datetime as dt

    from tests.plugins.door_access.conftest import add_device

    gate = sims()
    device2 = await add_device(
        world.h, world.staff, world.point_id, f"http://127.0.0.1:{gate.port}", name="1栋后门"
    )
    resident = await world.move_in()
    pid = resident["person_id"]
    await world.card(pid, "CAFE0001")
    assert (await world.sync())["ok"] == 1 and (await world.sync(device2))["ok"] == 1
    assert f"p{pid}" in world.sim.holders and f"p{pid}" in gate.holders

    gate.stop()  # the back door's controller goes dark
    r = await world.staff.post(
        f"/api/v1/c/comm-a/residencies/{resident['residency_id']}/move-out",
        json={"end_date": dt.date.today().isoformat(), "reason": "搬走"},
    )
    assert r.status_code == 200, r.text
    await world.h.deliver_events()  # the plugin's handler completes without touching any device

    assert (await world.sync())["ok"] == 1
    assert f"p{pid}" not in world.sim.holders
    offline = await world.sync(device2)
    assert offline == {"ok": 0, "failed": 1}
    state = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    assert [c["status"] for c in state["credentials"]] == ["revoked"]
    by_device = {d["device_id"]: d for d in state["sync"]["devices"]}
    assert by_device[device2]["status"] == "failed" and by_device[device2]["op"] == "delete"
    assert "unreachable" in by_device[device2]["last_error"]

    gate.serve()  # back on the same port: the revoke waiting in the queue goes through
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert await world.sync(device2, at=later) == {"ok": 1, "failed": 0}
    assert f"p{pid}" not in gate.holders
    event = await world.enter("card", "CAFE0001")
    assert (event["result"], event["reason"]) == ("refused", "unknown_credential")


async def test_a_device_failing_half_its_commands_ends_fully_synced_after_retries(world):
    import datetime as dt

    world.sim.fail_rate = 0.5
    people = []
    for i in range(8):
        resident = await world.move_in(name=f"住户{i}", dwelling_index=i % 2)
        await world.card(resident["person_id"], f"BEEF{i:04d}")
        people.append(resident["person_id"])
    at = dt.datetime.now(dt.UTC)
    rounds, failures = 0, 0
    while True:
        result = await world.sync(at=at)
        failures += result["failed"]
        rounds += 1
        devices = (await world.staff.get(f"{BASE}/devices")).json()
        counts = devices[0]["commands"]
        if counts["ok"] == len(people):
            break
        assert rounds < 30, counts
        at += dt.timedelta(minutes=16)  # past the longest backoff
    assert failures > 0 and world.sim.failed == failures
    assert counts == {"queued": 0, "sent": 0, "ok": 8, "failed": 0}
    assert sorted(world.sim.holders) == sorted(f"p{p}" for p in people)
    assert (await world.reconcile())["queued"] == 0  # what it holds is what it should
    world.sim.holders.pop(f"p{people[0]}")  # the controller lost one (a reset): reconciliation notices
    assert (await world.reconcile())["queued"] == 1
    world.sim.fail_rate = 0
    assert (await world.sync(at=at))["ok"] == 1 and f"p{people[0]}" in world.sim.holders
