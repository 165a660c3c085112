"""Skills and certificates, tiers and quotes, who may sign off, and every refused input:
a clear 4xx naming the field, and nothing written."""

from __future__ import annotations

import datetime as dt

from plugins.repairs.tables import TABLES
from tests.plugins.repairs.conftest import C


async def snapshot(world) -> dict[str, int]:
    async with world.h.tenant("comm-a"):
        counts = {t.__name__: await t.count().run() for t in TABLES}
    cases = (await world.staff.get("/api/v1/c/comm-a/cases?limit=200")).json()["items"]
    counts["cases"] = len(cases)
    return counts


async def test_expired_certificate_blocks_assignment_and_grab(world):
    stair = await world.report(
        category="stair_lights",
        location="common",
        building_id=world.home["building_id"],
        description="楼道灯不亮",
    )
    assert stair["tier"] == "free" and stair["skill"] == "electrician"
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    lapsed, member = await world.volunteer(
        "周电工",
        [{"skill": "electrician", "level": 3, "certificate_no": "T-1", "certificate_expires": yesterday}],
    )
    before = await snapshot(world)
    r = await world.staff.post(f"{C}/{stair['id']}/assign", json={"member_id": member["id"]})
    assert r.status_code == 400 and r.json()["field"] == "member_id"
    assert f"certificate expired on {yesterday}" in r.json()["detail"]
    assert (await lapsed.get(f"{C}/jobs/open")).json() == []  # cannot use the skill today
    r = await lapsed.post(f"{C}/jobs/{stair['id']}/grab")
    assert r.status_code == 400 and r.json()["field"] == "skill", r.text
    # The plumber has no electrician skill at all.
    r = await world.staff.post(f"{C}/{stair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    assert r.status_code == 400 and "no electrician skill" in r.json()["detail"]
    assert await snapshot(world) == before
    # A valid certificate is fine.
    r = await world.staff.post(
        f"{C}/{stair['id']}/assign", json={"member_id": world.electrician_member["id"]}
    )
    assert r.status_code == 200, r.text
    # Renewing the certificate lifts the block.
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    r = await world.staff.post(
        f"{C}/team/{member['id']}/skills",
        json={"skill": "electrician", "level": 3, "certificate_no": "T-1b", "certificate_expires": next_year},
    )
    assert r.status_code == 200
    ranked = (await world.staff.get(f"{C}/{stair['id']}/suggestions")).json()
    assert member["id"] in [s["member_id"] for s in ranked]


async def test_certificate_skills_need_a_certificate_on_record(world):
    r = await world.staff.post(f"{C}/team/{world.plumber_member['id']}/skills", json={"skill": "welder"})
    assert r.status_code == 400 and r.json()["field"] == "certificate_no"
    r = await world.staff.post(
        f"{C}/team/{world.plumber_member['id']}/skills", json={"skill": "welder", "certificate_no": "W-9"}
    )
    assert r.status_code == 400 and r.json()["field"] == "certificate_expires"


async def test_paid_job_needs_a_quote_the_resident_confirmed(world):
    _, mason = await world.volunteer("石匠老陈", [{"skill": "bricklayer", "level": 2}])
    mason_client = _
    repair = await world.report(category="exterior_wall", description="阳台外墙瓷砖松动")
    assert repair["tier"] == "paid"
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": mason["id"]})
    r = await mason_client.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 60})
    assert r.status_code == 400 and r.json()["field"] == "quote" and "needs a quote" in r.json()["detail"]
    r = await mason_client.post(f"{C}/jobs/{repair['id']}/quote", json={"amount_yuan": -5})
    assert r.status_code == 400 and r.json()["field"] == "amount_yuan"
    r = await mason_client.post(
        f"{C}/jobs/{repair['id']}/quote", json={"amount_yuan": 180.5, "note": "材料+人工"}
    )
    assert r.status_code == 200 and r.json()["quote_yuan"] == 180.5
    r = await mason_client.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 60})
    assert r.status_code == 400 and "not confirmed" in r.json()["detail"]
    # Only the requester confirms; the volunteer cannot do it for them.
    assert (await mason_client.post(f"{C}/{repair['id']}/quote/confirm")).status_code == 403
    r = await world.resident.post(f"{C}/{repair['id']}/quote/confirm")
    assert r.status_code == 200 and r.json()["quote_confirmed_by"] == world.resident_user["id"]
    r = await mason_client.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 60, "cost_yuan": 40})
    assert r.status_code == 201, r.text
    r = await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 180.5})
    assert r.status_code == 200 and r.json()["work"][0]["paid_yuan"] == 180.5


async def test_tiers_common_area_and_vulnerability_register_are_free(world):
    h = world.h
    elderly = await h.resident(
        "comm-a", "刘奶奶", building="8栋", dwelling="502", categories=["elderly_alone"]
    )
    grid_worker = await h.as_role("grid_worker", "comm-a")
    r = await grid_worker.post(
        C,
        json={
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": elderly["dwelling_id"],
            "description": "水龙头坏了",
            "requester_person_id": elderly["id"],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["tier"] == "free" and "elderly_alone" in r.json()["tier_reason"]
    case = (await world.staff.get(f"/api/v1/c/comm-a/cases/{r.json()['case_id']}")).json()
    assert case["channel"] == "on_behalf" and case["requester_person_id"] == elderly["id"]
    common = await world.report(
        location="common",
        building_id=world.home["building_id"],
        dwelling_id=None,
        description="一楼总水管漏水",
    )
    assert common["tier"] == "free" and common["tier_reason"] == "common area"
    ordinary = await world.report()
    assert ordinary["tier"] == "low_cost"
    # A community can stop the free service for a category of the register.
    await h.enable("comm-a", "repairs", free_for_categories=["disabled"])
    r = await grid_worker.post(
        C,
        json={
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": elderly["dwelling_id"],
            "description": "又坏了",
            "requester_person_id": elderly["id"],
        },
    )
    assert r.json()["tier"] == "low_cost"
    # Free work takes no payment and no quote.
    r = await world.staff.post(f"{C}/{common['id']}/assign", json={"member_id": world.plumber_member["id"]})
    r = await world.plumber.post(f"{C}/jobs/{common['id']}/quote", json={"amount_yuan": 10})
    assert r.status_code == 400 and r.json()["field"] == "amount_yuan"


async def test_sign_off_only_by_the_requester_or_their_proxy(world):
    h = world.h
    person = await h.resident("comm-a", "孙爷爷", building="8栋", dwelling="601")
    son = await h.user(role="resident", community="comm-a")
    son_client = await h.login(son["username"])
    r = await world.staff.post(
        C,
        json={
            "category": "drain",
            "location": "dwelling",
            "dwelling_id": person["dwelling_id"],
            "description": "下水道堵了",
            "requester_person_id": person["id"],
        },
    )
    assert r.status_code == 201, r.text
    repair = r.json()
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    # The volunteer holding the job gets the requester's name from the register; the son does not.
    job = (await world.plumber.get(f"{C}/{repair['id']}")).json()
    assert job["contact"]["name"] == "孙爷爷" and job["place"] == "8栋 601"
    await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 20})
    before = await snapshot(world)
    # Staff who reported it may not sign off for him; volunteers hold no right to sign off at all.
    r = await world.staff.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    assert r.status_code == 403 and "requester or their registered proxy" in r.json()["detail"], r.text
    assert (
        await world.plumber.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    ).status_code == 403
    assert (await son_client.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})).status_code == 404
    assert await snapshot(world) == before
    # Registered as his father's proxy for repairs, the son may sign off.
    admin = await h.as_role("community_admin", "comm-a")
    r = await admin.post(
        f"/api/v1/c/comm-a/persons/{person['id']}/proxies",
        json={"proxy_user_id": son["id"], "scope": "repairs", "valid_from": "2024-01-01"},
    )
    assert r.status_code == 201, r.text
    r = await son_client.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    assert r.status_code == 200 and r.json()["work"][0]["signed_off_by"] == son["id"], r.text
    assert r.json()["contact"] is None  # a proxy signs off, but the phone stays with staff and volunteer


async def test_bad_input_is_refused_with_the_field_and_nothing_written(world):
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    _, lapsed = await world.volunteer(
        "周电工",
        [{"skill": "electrician", "level": 1, "certificate_no": "T-1", "certificate_expires": yesterday}],
    )
    repair = await world.report()
    home = world.home["dwelling_id"]
    other_flat = (await world.h.resident("comm-a", "谢德明", building="8栋", dwelling="302"))["dwelling_id"]
    before = await snapshot(world)
    cases = [
        (
            world.resident,
            "post",
            C,
            {"category": "spaceship", "location": "dwelling", "dwelling_id": home, "description": "x"},
            400,
            "category",
        ),
        (
            world.resident,
            "post",
            C,
            {"category": "drain", "location": "roof", "description": "x"},
            400,
            "location",
        ),
        (
            world.resident,
            "post",
            C,
            {"category": "drain", "location": "dwelling", "description": "x", "dwelling_id": other_flat},
            400,
            "dwelling_id",  # another household's flat: a resident reports for her own home only
        ),
        (
            world.resident,
            "post",
            C,
            {"category": "drain", "location": "dwelling", "dwelling_id": 999999, "description": "x"},
            400,
            "dwelling_id",
        ),
        (
            world.resident,
            "post",
            C,
            {"category": "drain", "location": "dwelling", "dwelling_id": home, "description": "  "},
            400,
            "description",
        ),
        (
            world.resident,
            "post",
            C,
            {
                "category": "drain",
                "location": "dwelling",
                "dwelling_id": home,
                "description": "x",
                "urgency": "whenever",
            },
            400,
            "urgency",
        ),
        (
            world.resident,
            "post",
            C,
            {
                "category": "drain",
                "location": "dwelling",
                "dwelling_id": home,
                "description": "x",
                "requester_person_id": world.home["id"],
            },
            400,
            "requester_person_id",
        ),
        (
            world.resident,
            "post",
            C,
            {
                "category": "drain",
                "location": "dwelling",
                "dwelling_id": home,
                "description": "x",
                "colour": "red",
            },
            400,
            None,
        ),
        (world.staff, "post", f"{C}/{repair['id']}/assign", {"member_id": lapsed["id"]}, 400, "member_id"),
        (
            world.staff,
            "post",
            f"{C}/{repair['id']}/assign",
            {"member_id": world.electrician_member["id"]},
            400,
            "member_id",
        ),
        (world.staff, "post", f"{C}/{repair['id']}/assign", {"member_id": 999999}, 404, None),
        (world.staff, "post", f"{C}/{repair['id']}/assign", {"member_id": 2**40}, 400, "member_id"),
        (world.staff, "post", f"{C}/{2**40}/assign", {"member_id": 1}, 404, None),  # names nothing
        (world.staff, "post", f"{C}/{repair['id']}/tier", {"tier": "luxury", "reason": "x"}, 400, "tier"),
        (world.staff, "post", f"{C}/team", {"name": ""}, 400, "name"),
        (world.staff, "post", f"{C}/team", {"name": "x", "phone": "call me"}, 400, "phone"),
        (world.staff, "post", f"{C}/team", {"name": "x", "user_id": 999999}, 400, "user_id"),
        (world.staff, "post", f"{C}/team/{lapsed['id']}/skills", {"skill": "juggler"}, 400, "skill"),
        (
            world.staff,
            "post",
            f"{C}/team/{lapsed['id']}/skills",
            {"skill": "painter", "level": 7},
            400,
            "level",
        ),
        (
            world.staff,
            "post",
            f"{C}/team/{lapsed['id']}/rota",
            {"kind": "night", "starts_at": "2026-12-01T20:00:00Z", "ends_at": "2026-12-01T08:00:00Z"},
            400,
            "ends_at",
        ),
        (
            world.staff,
            "post",
            f"{C}/team/{lapsed['id']}/rota",
            {"kind": "night", "starts_at": "2026-12-01T20:00:00+08:00", "ends_at": "2026-12-02T08:00:00"},
            400,
            "ends_at",
        ),
        (world.staff, "post", f"{C}/{repair['id']}/appointment", {"at": "2026-12-01T20:00:00"}, 400, "at"),
        (
            world.staff,
            "post",
            f"{C}/projects",
            {"title": "x", "building_id": world.home["building_id"], "per_household_yuan": -600},
            400,
            "per_household_yuan",
        ),
        (
            world.staff,
            "post",
            f"{C}/projects",
            {"title": "x", "building_id": 999999, "per_household_yuan": 600},
            400,
            "building_id",
        ),
        (
            world.staff,
            "post",
            f"{C}/projects",
            {"title": "x", "building_id": world.home["building_id"], "per_household_yuan": 600.001},
            400,
            "per_household_yuan",
        ),
    ]
    for client, method, url, body, status, field in cases:
        r = await getattr(client, method)(url, json=body)
        assert r.status_code == status, f"{url} {body}: {r.status_code} {r.text}"
        if field:
            assert r.json()["field"] == field, f"{body}: {r.text}"
        assert r.json()["detail"], r.text
    assert await snapshot(world) == before

    # Work: negative amounts and times, on a dispatched job.
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    mid = await snapshot(world)
    for body, field in [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 30, "cost_yuan": -1}, "cost_yuan"),
        ({"minutes": 30, "materials": [{"name": "管", "cost_yuan": -3}]}, "materials"),
        ({"minutes": 30, "materials": [{"name": "管", "quantity": 0}]}, "materials"),
        ({"minutes": 30, "materials": [{"name": "管", "cost_yuan": "twelve"}]}, "materials"),
        ({"minutes": 30, "materials": [{"name": "管", "quantity": "two"}]}, "materials"),
    ]:
        r = await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json=body)
        assert r.status_code == 400 and r.json()["field"] == field, r.text
    assert await snapshot(world) == mid
    await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 30})
    mid = await snapshot(world)
    r = await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": -10})
    assert r.status_code == 400 and r.json()["field"] == "paid_yuan"
    r = await world.resident.post(
        f"{C}/{repair['id']}/feedback", json={"outcome": "fixed", "speed_score": 5, "service_score": 5}
    )
    assert r.status_code == 409  # not signed off yet
    assert await snapshot(world) == mid
    await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    mid = await snapshot(world)
    for body, field in [
        ({"outcome": "meh", "speed_score": 3, "service_score": 3}, "outcome"),
        ({"outcome": "fixed", "speed_score": 6, "service_score": 3}, "speed_score"),
        ({"outcome": "fixed", "speed_score": 3, "service_score": 0}, "service_score"),
    ]:
        r = await world.resident.post(f"{C}/{repair['id']}/feedback", json=body)
        assert r.status_code == 400 and r.json()["field"] == field, r.text
    assert await snapshot(world) == mid


async def test_a_resident_whose_login_is_linked_to_the_register_reports_for_their_home(world):
    h = world.h
    elderly = await h.resident(
        "comm-a", "刘奶奶", building="8栋", dwelling="502", categories=["elderly_alone"]
    )
    admin = await h.as_role("community_admin", "comm-a")
    r = await admin.post(
        f"/api/v1/c/comm-a/persons/{elderly['id']}/account",
        json={"phone": "13900000002", "password": "correct-horse-battery"},
    )
    assert r.status_code == 201, r.text
    grandma = await h.login("p13900000002")
    form = await grandma.get("/c/comm-a/repairs/report")
    assert "（8栋 502）" in form.text  # her home, from the register
    r = await grandma.post(
        C, json={"category": "water_pipe", "location": "dwelling", "description": "水龙头坏了"}
    )
    assert r.status_code == 201, r.text
    repair = r.json()
    assert repair["dwelling_id"] == elderly["dwelling_id"] and repair["requester_person_id"] == elderly["id"]
    assert repair["tier"] == "free" and "elderly_alone" in repair["tier_reason"]  # from the register
    # A repair staff entered for her shows in her list, and she signs it off herself.
    r = await world.staff.post(
        C,
        json={
            "category": "drain",
            "location": "dwelling",
            "dwelling_id": elderly["dwelling_id"],
            "description": "下水道堵了",
            "requester_person_id": elderly["id"],
        },
    )
    on_behalf = r.json()
    mine = [x["id"] for x in (await grandma.get(C)).json()["items"]]
    assert sorted(mine) == sorted([repair["id"], on_behalf["id"]])
    await world.staff.post(f"{C}/{on_behalf['id']}/assign", json={"member_id": world.plumber_member["id"]})
    await world.plumber.post(f"{C}/jobs/{on_behalf['id']}/work", json={"minutes": 25})
    r = await grandma.post(f"{C}/{on_behalf['id']}/sign-off", json={"paid_yuan": 0})
    assert r.status_code == 200 and r.json()["state"] == "resolved", r.text
    # Through the form, with no flat given, the report goes to her home too.
    r = await grandma.post(
        "/c/comm-a/repairs/report",
        data={
            "category": "stair_lights",
            "location": "dwelling",
            "building_id": "",
            "dwelling_number": "",
            "description": "家门口的灯不亮",
            "urgency": "",
            "preferred_time": "",
            "location_note": "",
        },
    )
    assert r.status_code == 303, r.text


async def test_changing_a_category_named_in_the_path_that_does_not_exist_is_404(world):
    admin = await world.h.as_role("community_admin", "comm-a")
    missing = await admin.patch(f"{C}/categories/spaceship", json={"sla_hours": 4})
    assert missing.status_code == 404, missing.text
    changed = await admin.patch(f"{C}/categories/stair_lights", json={"sla_hours": 4})
    assert changed.status_code == 200 and changed.json()["sla_hours"] == 4
    bad = await admin.patch(f"{C}/categories/stair_lights", json={"sla_hours": 0})
    assert bad.status_code == 400 and bad.json()["field"] == "sla_hours"
