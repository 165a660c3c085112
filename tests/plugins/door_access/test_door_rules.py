"""Bad input, "why can't grandma get in?", alerts, longer open time, the welfare signal, isolation."""

from __future__ import annotations

import datetime as dt

BASE = "/api/v1/c/comm-a/door_access"


async def counts(world) -> dict[str, int]:
    from plugins.door_access.tables import TABLES

    async with world.h.tenant("comm-a"):
        return {t._meta.tablename: await t.count().run() for t in TABLES}


async def test_every_bad_input_is_a_4xx_naming_the_field_and_nothing_is_written(world):
    pid = (await world.move_in())["person_id"]
    now = dt.datetime.now(dt.UTC)
    before = await counts(world)
    cases = [
        (
            "post",
            "/passes",
            {
                "host_person_id": pid,
                "visitor_name": "王",
                "access_point_ids": [world.point_id],
                "valid_until": (now - dt.timedelta(hours=1)).isoformat(),
            },
            400,
            "valid_until",
        ),
        (
            "post",
            "/passes",
            {
                "host_person_id": pid,
                "visitor_name": "王",
                "access_point_ids": [world.point_id],
                "valid_until": (now + dt.timedelta(days=30)).isoformat(),
            },
            400,
            "valid_until",
        ),
        (
            "post",
            "/passes",
            {
                "host_person_id": pid,
                "visitor_name": "王",
                "access_point_ids": [999],
                "valid_until": (now + dt.timedelta(hours=1)).isoformat(),
            },
            400,
            "access_point_ids",
        ),
        (
            "post",
            "/passes",
            {
                "host_person_id": pid,
                "visitor_name": "",
                "access_point_ids": [world.point_id],
                "valid_until": (now + dt.timedelta(hours=1)).isoformat(),
            },
            400,
            "visitor_name",
        ),
        (
            "post",
            "/passes",
            {
                "host_person_id": pid,
                "visitor_name": "王",
                "access_point_ids": [world.point_id],
                "max_uses": 0,
                "valid_until": (now + dt.timedelta(hours=1)).isoformat(),
            },
            400,
            "max_uses",
        ),
        (
            "post",
            f"/persons/{pid}/credentials",
            {"kind": "face", "face_image_b64": "aGk="},
            400,
            "face_consent",
        ),
        ("post", f"/persons/{pid}/credentials", {"kind": "card", "card_number": "xyz"}, 400, "card_number"),
        ("post", f"/persons/{pid}/credentials", {"kind": "pin", "pin": "12"}, 400, "pin"),
        ("post", f"/persons/{pid}/credentials", {"kind": "iris"}, 400, "kind"),
        ("post", "/persons/99999/credentials", {"kind": "card", "card_number": "ABCD"}, 404, None),
        (
            "post",
            "/devices",
            {"access_point_id": 999, "name": "x", "address": "http://10.0.0.9"},
            400,
            "access_point_id",
        ),
        (
            "post",
            "/devices",
            {"access_point_id": world.point_id, "name": "x", "address": "ftp://x"},
            400,
            "address",
        ),
        (
            "post",
            "/devices",
            {"access_point_id": world.point_id, "name": "x", "address": "http://x", "protocol": "nope"},
            400,
            "protocol",
        ),
        ("post", "/points", {"name": "门", "kind": "building"}, 400, "building_id"),
        ("post", "/points", {"name": "门", "kind": "gate", "mode": "party"}, 400, "mode"),
        (
            "post",
            "/groups",
            {"name": "晚班", "hours": "25:00-26:00", "access_point_ids": [world.point_id]},
            400,
            "hours",
        ),
        ("post", "/grants", {"person_id": pid, "group_id": 999}, 400, "group_id"),
        ("post", "/grants", {"person_id": 99999, "group_id": 1}, 400, "person_id"),
        ("post", "/grants/999/revoke", {"reason": "x"}, 404, None),
        ("post", "/credentials/999/revoke", None, 404, None),
        ("post", "/passes/999/revoke", None, 404, None),
        ("post", "/devices/999/retry", None, 404, None),
        ("delete", "/devices/999", None, 404, None),
        ("get", "/why?person_id=99999&access_point_id=1", None, 404, None),
        ("post", "/passes", {"host_person_id": pid, "surprise": 1}, 400, None),
    ]
    for method, path, body, status, field in cases:
        kwargs = {"json": body} if body is not None else {}
        r = await getattr(world.staff, method)(f"{BASE}{path}", **kwargs)
        assert r.status_code == status, (path, body, r.text)
        if field:
            assert r.json().get("field") == field, (path, r.json())
    assert await counts(world) == before


async def test_why_cant_grandma_get_in(world):
    grandma = (await world.move_in(name="王奶奶"))["person_id"]
    why = (
        await world.staff.get(f"{BASE}/why", params={"person_id": grandma, "access_point_id": world.point_id})
    ).json()
    assert [p["code"] for p in why["problems"]] == ["no_credential"] and not why["can_enter"]
    await world.card(grandma, "0A0B0C0D")
    world.sim.fail_rate = 1.0
    await world.sync()
    why = (
        await world.staff.get(f"{BASE}/why", params={"person_id": grandma, "access_point_id": world.point_id})
    ).json()
    assert [(p["code"], p.get("status")) for p in why["problems"]] == [("not_synced", "failed")]
    assert why["devices"][0]["last_error"].startswith("device answered 503")
    world.sim.fail_rate = 0
    assert (await world.staff.post(f"{BASE}/devices/{world.device_id}/retry")).json()["retrying"] == 1
    await world.sync()
    # A stranger's card at the door, then grandma's: the log says why each was or was not let in.
    assert (await world.enter("card", "FFFF0000"))["reason"] == "unknown_credential"
    assert (await world.enter("card", "0a0b0c0d"))["result"] == "granted"
    why = (
        await world.staff.get(f"{BASE}/why", params={"person_id": grandma, "access_point_id": world.point_id})
    ).json()
    assert why["can_enter"] and why["problems"] == []
    assert [e["result"] for e in why["recent_events"]] == ["granted"]
    # Her access revoked by staff: the reason changes, and the device is told.
    grant = (await world.staff.get(f"{BASE}/persons/{grandma}/access")).json()["grants"][0]
    assert (
        await world.staff.post(f"{BASE}/grants/{grant['id']}/revoke", json={"reason": "测试"})
    ).status_code == 200
    why = (
        await world.staff.get(f"{BASE}/why", params={"person_id": grandma, "access_point_id": world.point_id})
    ).json()
    assert [p["code"] for p in why["problems"]] == ["grant_revoked"]
    await world.sync()
    assert f"p{grandma}" not in world.sim.holders


async def test_outside_the_groups_hours_the_device_refuses_with_that_reason(world):
    pid = (await world.move_in())["person_id"]
    group = (
        await world.staff.post(
            f"{BASE}/groups",
            json={"name": "保洁 早班", "hours": "06:00-08:00", "access_point_ids": [world.point_id]},
        )
    ).json()
    cleaner = (await world.staff.post("/api/v1/c/comm-a/persons", json={"name": "保洁员"})).json()["id"]
    r = await world.staff.post(
        f"{BASE}/grants",
        json={
            "person_id": cleaner,
            "group_id": group["id"],
            "valid_until": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    await world.card(cleaner, "C1EA0001")
    await world.sync()
    noon_cst = dt.datetime.now(dt.UTC).replace(hour=4, minute=0)  # 12:00 China time
    seven_cst = noon_cst.replace(hour=23) - dt.timedelta(days=1)  # 07:00 China time
    assert world.sim.present("card", "C1EA0001", at=noon_cst)["reason"] == "outside_schedule"
    assert world.sim.present("card", "C1EA0001", at=seven_cst)["result"] == "granted"
    assert pid


async def test_impaired_mobility_gets_a_longer_open_time_on_the_device(world):
    pid = (await world.move_in(name="赵大爷"))["person_id"]
    r = await world.staff.post(
        f"/api/v1/c/comm-a/persons/{pid}/vulnerabilities", json={"category": "impaired_mobility", "tier": 1}
    )
    assert r.status_code == 201, r.text
    other = (await world.move_in(name="钱女士", dwelling_index=1))["person_id"]
    await world.card(pid, "0000AAAA")
    await world.card(other, "0000BBBB")
    await world.sync()
    assert world.sim.holders[f"p{pid}"]["open_seconds"] == 15
    assert world.sim.holders[f"p{other}"]["open_seconds"] == 5


async def test_door_alerts_reach_the_dashboard_and_a_persisting_one_becomes_a_case(world):
    r = await world.push([world.sim.door_event("forced"), world.sim.door_event("open_too_long")])
    assert r.status_code == 200
    alerts = (await world.staff.get(f"{BASE}/alerts")).json()
    assert sorted(a["kind"] for a in alerts) == ["forced", "open_too_long"]
    points = (await world.staff.get(f"{BASE}/points")).json()
    assert points[0]["state"] == "open_too_long"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31)
    async with world.h.tenant("comm-a"):
        from plugins.door_access.alerts import watch

        assert await watch(later) == {"offline": 1, "cases": 2}  # the device also went silent
        assert (await watch(later))["cases"] == 0  # not raised twice; the offline alert is new
        assert (await watch(later + dt.timedelta(minutes=31)))["cases"] == 1  # now it has lasted too
    cases = (await world.staff.get("/api/v1/c/comm-a/cases")).json()
    items = cases["items"] if isinstance(cases, dict) else cases
    assert sorted(c["type"] for c in items) == ["door_access.fault"] * 3
    assert (await world.push([world.sim.door_event("closed")])).status_code == 200
    assert (await world.staff.get(f"{BASE}/alerts")).json() == []  # closed, and the device is back


async def test_welfare_signal_raises_one_visit_task_for_a_consenting_elder_not_seen(build_world):
    world = await build_world()
    await world.h.enable("comm-a", "door_access", welfare_hours=24)
    elder = (await world.move_in(name="孙奶奶"))["person_id"]
    refuses = (await world.move_in(name="周爷爷", dwelling_index=1))["person_id"]
    await world.staff.post(
        f"/api/v1/c/comm-a/persons/{elder}/vulnerabilities",
        json={"category": "elderly_alone", "tier": 1, "consent_on": dt.date.today().isoformat()},
    )
    await world.staff.post(
        f"/api/v1/c/comm-a/persons/{refuses}/vulnerabilities", json={"category": "elderly_alone", "tier": 1}
    )  # no consent: never watched
    await world.card(elder, "E1DE0001")
    await world.sync()
    from plugins.door_access.welfare import check

    async with world.h.tenant("comm-a"):
        assert await check(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)) == 0
    await world.enter("card", "E1DE0001")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    async with world.h.tenant("comm-a"):
        assert await check(later) == 1
        assert await check(later + dt.timedelta(hours=1)) == 0  # once per quiet spell
    cases = (await world.staff.get("/api/v1/c/comm-a/cases")).json()
    items = cases["items"] if isinstance(cases, dict) else cases
    assert [(c["type"], c["requester_person_id"]) for c in items] == [("door_access.welfare_visit", elder)]


async def test_another_communitys_doors_answer_404(world):
    await world.h.community("comm-b", plugins=["door_access"])
    admin_b = await world.h.as_role("community_admin", "comm-b")
    pid = (await world.move_in())["person_id"]
    base_b = "/api/v1/c/comm-b/door_access"
    foreign = await admin_b.get(f"{base_b}/devices/{world.device_id}")
    missing = await admin_b.get(f"{base_b}/devices/424242")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert (await admin_b.get(f"{base_b}/persons/{pid}/access")).status_code == 404
    assert (await admin_b.get(f"{base_b}/devices")).json() == []
    # A comm-a device's signature does not open comm-b's webhook either.
    path = f"{base_b}/devices/{world.device_id}/events"
    body, headers = world.sim.signed_push([world.sim.door_event("heartbeat")], path)
    r = await world.h.client().post(path, content=body, headers=headers)
    assert (r.status_code, r.json()["reason"]) == (401, "unknown_device")


async def test_a_disabled_door_is_told_to_its_devices_and_refuses_with_that_reason(world):
    pid = (await world.move_in())["person_id"]
    await world.card(pid, "D15AB1ED")
    await world.sync()
    r = await world.staff.patch(f"{BASE}/points/{world.point_id}", json={"mode": "disabled"})
    assert r.status_code == 200 and r.json()["mode"] == "disabled"
    assert (await world.sync())["ok"] == 1 and world.sim.holders["door"]["mode"] == "disabled"
    assert (await world.enter("card", "D15AB1ED"))["reason"] == "door_disabled"
    why = (
        await world.staff.get(f"{BASE}/why", params={"person_id": pid, "access_point_id": world.point_id})
    ).json()
    assert [p["code"] for p in why["problems"]] == ["door_disabled"]
    await world.staff.patch(f"{BASE}/points/{world.point_id}", json={"mode": "normal"})
    assert (await world.sync())["ok"] == 1 and "door" not in world.sim.holders
    assert (await world.enter("card", "D15AB1ED"))["result"] == "granted"
    bad = await world.staff.patch(f"{BASE}/points/{world.point_id}", json={"mode": "open"})
    assert bad.status_code == 400 and bad.json()["field"] == "mode"
