"""The plugin's pages: staff's doors with sync state, the log answering "why", a resident's passes."""

from __future__ import annotations

BASE = "/api/v1/c/comm-a/door_access"
PAGES = "/c/comm-a/door_access"


async def test_staff_see_doors_sync_state_and_why_on_the_log_page(world):
    pid = (await world.move_in(name="王奶奶"))["person_id"]
    await world.card(pid, "0A0B0C0D")
    world.sim.fail_rate = 1.0
    await world.sync()
    page = await world.staff.get(f"{PAGES}/")
    assert page.status_code == 200 and "<h1>门禁管理</h1>" in page.text
    assert "1栋门口机" in page.text and "失败 1</span>" in page.text
    assert f'action="{PAGES}/devices/{world.device_id}/retry"' in page.text
    retry = await world.staff.post(f"{PAGES}/devices/{world.device_id}/retry")
    assert retry.status_code == 303
    why = await world.staff.get(f"{PAGES}/log", params={"person_id": pid, "access_point_id": world.point_id})
    assert why.status_code == 200 and "尚未同步到门禁设备" in why.text and "device answered 503" in why.text
    person = await world.staff.get(f"{PAGES}/persons/{pid}")
    assert person.status_code == 200 and "已同步 0/1 个门" in person.text


async def test_a_resident_issues_a_pass_and_sees_its_qr_code_once(world):
    resident = await world.move_in(name="李桂芳")
    unlinked = await world.h.as_role("resident", "comm-a")  # a login that is nobody in the register
    assert "还没有关联到居民信息" in (await unlinked.get(f"{PAGES}/me")).text
    assert (await unlinked.get(f"{BASE}/me")).status_code == 404
    me = await world.resident_login(resident["person_id"], "13800000001")
    page = await me.get(f"{PAGES}/me")
    assert page.status_code == 200 and "给访客开通行证" in page.text
    bad = await me.post(
        f"{PAGES}/me/passes",
        data={"visitor_name": " ", "hours": "4", "max_uses": "1", "access_point_id": str(world.point_id)},
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    ok = await me.post(
        f"{PAGES}/me/passes",
        data={
            "visitor_name": "王师傅",
            "hours": "4",
            "max_uses": "2",
            "access_point_id": str(world.point_id),
        },
    )
    assert ok.status_code == 200 and "<svg" in ok.text and "访客通行证已生成" in ok.text
    passes = (await me.get(f"{BASE}/me")).json()["passes"]
    assert [(p["visitor_name"], p["max_uses"]) for p in passes] == [("王师傅", 2)]
    assert "<svg" not in (await me.get(f"{PAGES}/me")).text  # shown once only
    no_csrf = world.h.client()
    no_csrf.cookies = me.cookies
    assert (await no_csrf.post(f"{PAGES}/me/passes/{passes[0]['id']}/revoke")).status_code == 403
    assert (await me.post(f"{PAGES}/me/passes/{passes[0]['id']}/revoke")).status_code == 303
    staff_only = await me.get(f"{PAGES}/")
    assert staff_only.status_code == 403


async def test_the_resident_page_shows_their_door_access_and_the_dashboard_the_alerts(world):
    pid = (await world.move_in(name="王奶奶"))["person_id"]
    await world.card(pid, "0A0B0C0E")
    await world.sync()
    page = await world.staff.get(f"/c/comm-a/residents/{pid}")
    assert page.status_code == 200, page.text[:300]
    assert "已同步 1/1 个门" in page.text and f'href="{PAGES}/persons/{pid}"' in page.text
    await world.push([world.sim.door_event("forced")])
    dashboard = await world.staff.get("/c/comm-a")
    assert "门禁告警 / 待同步" in dashboard.text and "1 / 0" in dashboard.text
    assert f'href="{PAGES}"' in dashboard.text  # the navigation entry


async def test_staff_grant_and_issue_a_card_from_the_person_page(world):
    pid = (await world.move_in(name="保洁员"))["person_id"]
    group = (
        await world.staff.post(
            f"{BASE}/groups",
            json={"name": "保洁 早班", "hours": "06:00-08:00", "access_point_ids": [world.point_id]},
        )
    ).json()
    bad = await world.staff.post(
        f"{PAGES}/persons/{pid}/grants", data={"group_id": str(group["id"]), "valid_until": "明天"}
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    ok = await world.staff.post(
        f"{PAGES}/persons/{pid}/grants", data={"group_id": str(group["id"]), "valid_until": "2099-01-01"}
    )
    assert ok.status_code == 303
    assert (
        await world.staff.post(f"{PAGES}/persons/{pid}/cards", data={"card_number": "zz"})
    ).status_code == 400
    assert (
        await world.staff.post(f"{PAGES}/persons/{pid}/cards", data={"card_number": "C0FFEE00"})
    ).status_code == 303
    access = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    assert sorted(g["group_name"] for g in access["grants"]) == ["1栋 住户 / residents", "保洁 早班"]
    assert [c["card_number"] for c in access["credentials"]] == ["C0FFEE00"]
    page = await world.staff.get(f"{PAGES}/persons/{pid}")
    assert "C0FFEE00" in page.text and "保洁 早班 (06:00-08:00)" in page.text


async def test_a_resident_gives_face_consent_on_their_page(build_world, s3_settings):
    import base64

    world = await build_world(**s3_settings)
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    resident = await world.move_in(name="李桂芳")
    me = await world.resident_login(resident["person_id"], "13800000002")
    files = {"photo": ("me.png", png, "image/png")}
    refused = await me.post(f"{PAGES}/me/face", files=files, data={"consent_text": "x"})
    assert refused.status_code == 400 and "face_consent" in refused.text
    assert (await me.get(f"{BASE}/me")).json()["credentials"] == []
    given = await me.post(f"{PAGES}/me/face", files=files, data={"consent": "1", "consent_text": "x"})
    assert given.status_code == 303
    creds = (await me.get(f"{BASE}/me")).json()["credentials"]
    assert [(c["kind"], c["face_stored"]) for c in creds] == [("face", True)]
    assert "撤回同意并删除人脸" in (await me.get(f"{PAGES}/me")).text
