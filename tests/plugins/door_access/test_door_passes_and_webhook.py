"""Visitor passes end to end, and the device webhook's signature, timestamp and replay checks."""

from __future__ import annotations

import datetime as dt
import time

BASE = "/api/v1/c/comm-a/door_access"


async def linked_resident(world):
    """A resident with a login linked to their person, living in the building."""
    resident = await world.move_in(name="李桂芳")
    return resident["person_id"], await world.resident_login(resident["person_id"], "13900000001")


async def test_visitor_pass_is_used_up_after_its_uses_and_leaves_every_device(world):
    pid, me = await linked_resident(world)
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).isoformat()
    r = await me.post(
        f"{BASE}/me/passes",
        json={
            "visitor_name": "王师傅",
            "valid_until": until,
            "access_point_ids": [world.point_id],
            "max_uses": 2,
        },
    )
    assert r.status_code == 201, r.text
    issued = r.json()
    assert issued["qr_svg"].startswith("<svg") and len(issued["pin"]) == 6 and issued["status"] == "active"
    assert (await world.sync())["ok"] == 1
    holder = f"v{issued['id']}"
    assert holder in world.sim.holders
    first = await world.enter("qr", f"LINLI-PASS:{issued['qr_token']}")
    second = await world.enter("pin", issued["pin"])
    assert [first["result"], second["result"]] == ["granted", "granted"]
    mine = (await me.get(f"{BASE}/me")).json()
    assert [(p["uses"], p["status"]) for p in mine["passes"]] == [(2, "used_up")]
    third = await world.enter("qr", issued["qr_token"])
    assert (third["result"], third["reason"]) == ("refused", "used_up")
    assert (await world.sync())["ok"] == 1  # the used-up pass is deleted from the device
    assert holder not in world.sim.holders
    refused = (await world.staff.get(f"{BASE}/log", params={"result": "refused"})).json()
    assert [e["reason_label"]["zh"] for e in refused] == ["通行证次数已用完"]
    # Revoking what is no longer active is a clear 404, not a silent success.
    assert (await me.post(f"{BASE}/me/passes/{issued['id']}/revoke")).status_code == 404
    assert pid


async def test_a_visitor_at_the_gate_waits_for_the_host(world):
    pid, me = await linked_resident(world)
    r = await world.staff.post(
        f"{BASE}/gate-requests",
        json={"host_person_id": pid, "visitor_name": "快递员", "access_point_id": world.point_id},
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert (await world.sync()) == {"ok": 0, "failed": 0}  # nothing on the door before approval
    approved = (await me.post(f"{BASE}/me/passes/{r.json()['id']}/approve")).json()
    assert approved["status"] == "active" and approved["max_uses"] == 1
    assert (await world.sync())["ok"] == 1
    assert (await world.enter("pin", approved["pin"]))["result"] == "granted"
    assert (await me.post(f"{BASE}/me/passes/{r.json()['id']}/approve")).status_code == 404


async def test_forged_stale_replayed_and_unknown_pushes_are_refused_and_logged(world):
    event = world.sim.door_event("heartbeat")
    path = f"{BASE}/devices/{world.device_id}/events"
    client = world.h.client()

    body, headers = world.sim.signed_push([event], path, secret="f" * 40)  # forged: wrong secret
    r = await client.post(path, content=body, headers=headers)
    assert (r.status_code, r.json()["reason"]) == (401, "bad_signature")

    body, headers = world.sim.signed_push([event], path, at=time.time() - 3600)  # an hour old
    r = await client.post(path, content=body, headers=headers)
    assert (r.status_code, r.json()["reason"]) == (401, "stale_timestamp")

    body, headers = world.sim.signed_push([event], path)
    assert (await client.post(path, content=body, headers=headers)).status_code == 200
    r = await client.post(path, content=body, headers=headers)  # the same request again
    assert (r.status_code, r.json()["reason"]) == (401, "replayed")

    tampered = body.replace(b"heartbeat", b"forced\x20\x20\x20")
    _, fresh = world.sim.signed_push([event], path)
    r = await client.post(path, content=tampered, headers=fresh)
    assert (r.status_code, r.json()["reason"]) == (401, "bad_signature")

    other = f"{BASE}/devices/999/events"
    body, headers = world.sim.signed_push([event], other)
    r = await client.post(other, content=body, headers=headers)
    assert (r.status_code, r.json()["reason"]) == (401, "unknown_device")

    r = await client.post(path, content=b'{"events": []}')
    assert (r.status_code, r.json()["reason"]) == (401, "missing_signature")

    refusals = (await world.staff.get(f"{BASE}/webhook-refusals")).json()
    assert [x["reason"] for x in refusals] == [
        "missing_signature",
        "unknown_device",
        "bad_signature",
        "replayed",
        "stale_timestamp",
        "bad_signature",
    ]
    stored = (await world.staff.get(f"{BASE}/log")).json()
    assert [e["event_uid"] for e in stored] == [event["id"]]  # the accepted push, once; no refused one


async def test_a_malformed_push_is_a_400_and_nothing_is_stored(world):
    good = world.sim.door_event("forced")
    bad = {"id": "x1", "at": "yesterday", "type": "access", "result": "granted"}
    r = await world.push([good, bad])
    assert r.status_code == 400 and r.json()["field"] == "events.at", r.text
    assert (await world.staff.get(f"{BASE}/alerts")).json() == []  # the good event rolled back too
    r = await world.push([good, good])  # the same event twice in a push: stored once
    assert r.status_code == 200 and r.json() == {"received": 2, "stored": 1}
    assert [a["kind"] for a in (await world.staff.get(f"{BASE}/alerts")).json()] == ["forced"]


async def test_an_expired_pass_leaves_the_device_and_a_revoked_one_too(world):
    pid, me = await linked_resident(world)
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    first = (
        await me.post(
            f"{BASE}/me/passes",
            json={"visitor_name": "甲", "valid_until": soon, "access_point_ids": [world.point_id]},
        )
    ).json()
    second = (
        await me.post(
            f"{BASE}/me/passes",
            json={
                "visitor_name": "乙",
                "valid_until": soon,
                "access_point_ids": [world.point_id],
                "max_uses": 3,
            },
        )
    ).json()
    assert (await world.sync())["ok"] == 2
    assert {f"v{first['id']}", f"v{second['id']}"} <= set(world.sim.holders)
    # Another resident can neither revoke nor see this host's (active) passes.
    stranger_pid = (await world.move_in(name="赵", dwelling_index=1))["person_id"]
    stranger = await world.resident_login(stranger_pid, "13900000002")
    assert (await stranger.post(f"{BASE}/me/passes/{first['id']}/revoke")).status_code == 404
    assert (await stranger.get(f"{BASE}/me")).json()["passes"] == []
    assert (await me.post(f"{BASE}/me/passes/{second['id']}/revoke")).status_code == 200
    async with world.h.tenant("comm-a"):
        from plugins.door_access.passes import expire_passes

        assert await expire_passes(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)) == 1
    assert (await world.sync())["ok"] == 2
    assert not any(h.startswith("v") for h in world.sim.holders)
    statuses = sorted((p["visitor_name"], p["status"]) for p in (await me.get(f"{BASE}/me")).json()["passes"])
    assert statuses == [("乙", "revoked"), ("甲", "expired")]
    assert pid
