"""Move-in to entry and move-out to revocation, against a simulated controller over real HTTP."""

from __future__ import annotations

BASE = "/api/v1/c/comm-a/door_access"


async def test_move_in_card_synced_entry_accepted_and_logged(world):
    resident = await world.move_in()
    pid = resident["person_id"]
    r = await world.staff.post(f"{BASE}/persons/{pid}/credentials", json={"kind": "card", "card_number": "A1B2C3D4"})
    assert r.status_code == 201, r.text
    assert await world.sync() == {"ok": 1, "failed": 0}
    assert f"p{pid}" in world.sim.holders
    event = await world.enter("card", "a1b2c3d4")
    assert event["result"] == "granted" and event["holder"] == f"p{pid}"
    log = (await world.staff.get(f"{BASE}/log", params={"person_id": pid})).json()
    assert [(e["result"], e["event_uid"]) for e in log] == [("granted", event["id"])]
    access = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    assert access["sync"]["summary_en"] == "synced on 1 of 1 doors"
