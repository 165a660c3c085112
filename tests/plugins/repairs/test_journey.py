"""The whole journey through HTTP: report -> dispatch -> work -> sign-off -> feedback."""

from __future__ import annotations

import datetime as dt

from tests.plugins.repairs.conftest import C


async def case_of(world, repair):
    r = await world.staff.get(f"/api/v1/c/comm-a/cases/{repair['case_id']}")
    assert r.status_code == 200, r.text
    return r.json()


async def test_resident_to_feedback_closes_the_case(world):
    repair = await world.report(urgency="urgent", preferred_time="周六上午")
    case = await case_of(world, repair)
    assert case["type"] == "repair" and case["state"] == "reported" and case["priority"] == "urgent"
    assert case["extra"] == {"category": "water_pipe"} and case["building_id"] == world.home["building_id"]

    # Staff dispatch to the plumber: the case is accepted, then assigned to the volunteer's login.
    r = await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["assignee"]["name"] == "谭仕权" and r.json()["state"] == "assigned"
    case = await case_of(world, repair)
    assert case["state"] == "assigned" and case["assignee_user_id"] == world.plumber_member["user_id"]

    # The volunteer holding the job sees where to go; the requester's phone only when known.
    job = (await world.plumber.get(f"{C}/{repair['id']}")).json()
    assert (
        job["place"] == "8栋 301" and job["contact"]["name"] == "张桂兰"
    )  # her login is her register person
    mine = (await world.plumber.get(f"{C}/jobs/mine")).json()
    assert [j["id"] for j in mine] == [repair["id"]]
    at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    r = await world.plumber.post(f"{C}/jobs/{repair['id']}/appointment", json={"at": at, "note": "上午十点"})
    assert r.status_code == 200 and r.json()["appointment_at"] is not None, r.text

    r = await world.plumber.post(
        f"{C}/jobs/{repair['id']}/work",
        json={
            "minutes": 90,
            "materials": [
                {"name": "生料带", "quantity": 2, "cost_yuan": 1.5},
                {"name": "三通", "quantity": 1, "cost_yuan": 12},
            ],
            "note": "换三通",
        },
    )
    assert r.status_code == 201, r.text
    work = r.json()
    assert work["cost_yuan"] == 15.0 and work["attach"]["owner_kind"] == "repairs.work"
    assert (await case_of(world, repair))["state"] == "in_progress"

    r = await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 15, "note": "修好了"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "resolved" and body["fixed_at"] is not None
    assert (
        body["work"][0]["paid_yuan"] == 15.0 and body["work"][0]["signed_off_by"] == world.resident_user["id"]
    )

    r = await world.resident.post(
        f"{C}/{repair['id']}/feedback",
        json={"outcome": "fixed", "speed_score": 5, "service_score": 4, "comment": "师傅很耐心"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "closed" and r.json()["feedback"][0]["speed_score"] == 5
    case = await case_of(world, repair)
    assert case["state"] == "closed" and case["feedback"][0]["outcome"] == "fixed"

    # Hours and points: 90 minutes at 10 points an hour.
    service = (await world.staff.get(f"{C}/team/{world.plumber_member['id']}/service")).json()
    assert service["hours"] == 1.5 and service["points"] == 15


async def test_not_fixed_reopens_and_a_second_visit_closes(world):
    repair = await world.report()
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 30})
    await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    r = await world.resident.post(
        f"{C}/{repair['id']}/feedback", json={"outcome": "not_fixed", "speed_score": 3, "service_score": 2}
    )
    assert r.status_code == 200 and r.json()["state"] == "reopened" and r.json()["fixed_at"] is None
    case = await case_of(world, repair)
    assert case["state"] == "reopened" and case["reopen_count"] == 1

    r = await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 45, "note": "第二次"})
    assert r.status_code == 201, r.text
    await world.resident.post(f"{C}/{repair['id']}/sign-off", json={"paid_yuan": 0})
    r = await world.resident.post(
        f"{C}/{repair['id']}/feedback", json={"outcome": "fixed", "speed_score": 4, "service_score": 5}
    )
    assert r.json()["state"] == "closed" and len(r.json()["work"]) == 2


async def test_volunteer_grabs_an_open_job_and_declines_it_with_a_reason(world):
    repair = await world.report()
    other_skill = await world.report(
        category="stair_lights",
        location="common",
        building_id=world.home["building_id"],
        description="3楼楼道灯不亮",
    )
    open_jobs = [j["id"] for j in (await world.plumber.get(f"{C}/jobs/open")).json()]
    assert open_jobs == [repair["id"]]  # the stair light needs an electrician
    assert (await world.plumber.get(f"{C}/{other_skill['id']}")).status_code == 404

    r = await world.plumber.post(f"{C}/jobs/{repair['id']}/grab")
    assert r.status_code == 200 and r.json()["assignee_member_id"] == world.plumber_member["id"], r.text
    second, _ = await world.volunteer("王师傅", [{"skill": "plumber", "level": 1}])
    # Once taken the job leaves the open list, and other volunteers no longer see it.
    assert (await second.get(f"{C}/jobs/open")).json() == []
    assert (await second.post(f"{C}/jobs/{repair['id']}/grab")).status_code == 404

    r = await world.plumber.post(f"{C}/jobs/{repair['id']}/decline", json={"reason": ""})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = await world.plumber.post(f"{C}/jobs/{repair['id']}/decline", json={"reason": "腰伤，这周干不了"})
    assert r.status_code == 200, r.text
    detail = (await world.staff.get(f"{C}/{repair['id']}")).json()
    assert detail["assignee_member_id"] is None
    assert [(d["action"], d["reason"]) for d in detail["dispatch"]] == [
        ("grabbed", ""),
        ("declined", "腰伤，这周干不了"),
    ]
    assert (await second.post(f"{C}/jobs/{repair['id']}/grab")).status_code == 200


async def test_reassignment_needs_a_reason(world):
    repair = await world.report()
    second, member = await world.volunteer("王师傅", [{"skill": "plumber", "level": 1}])
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    r = await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": member["id"]})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = await world.staff.post(
        f"{C}/{repair['id']}/assign", json={"member_id": member["id"], "reason": "离得近"}
    )
    assert r.status_code == 200 and r.json()["assignee"]["id"] == member["id"]
    assert r.json()["dispatch"][-1]["action"] == "reassigned"
    assert [j["id"] for j in (await second.get(f"{C}/jobs/mine")).json()] == [repair["id"]]
    assert (await world.plumber.get(f"{C}/jobs/mine")).json() == []


async def test_suggestions_rank_by_skill_grid_on_call_and_load(world):
    h = world.h
    admin = await h.as_role("community_admin", "comm-a")
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第一网格"})).json()
    r = await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": world.home["building_id"]}
    )
    assert r.status_code in (200, 201), r.text
    repair = await world.report()
    assert repair["grid_id"] == grid["id"]
    _, near = await world.volunteer("李师傅", [{"skill": "plumber", "level": 1}], grid_ids=[grid["id"]])
    _, busy = await world.volunteer("赵师傅", [{"skill": "plumber", "level": 3}])
    _, no_skill = await world.volunteer("钱师傅", [{"skill": "painter", "level": 3}])
    for _ in range(2):  # two open jobs for 赵师傅
        other = await world.report()
        await world.staff.post(f"{C}/{other['id']}/assign", json={"member_id": busy["id"]})
    now = dt.datetime.now(dt.UTC)
    r = await world.staff.post(
        f"{C}/team/{world.plumber_member['id']}/rota",
        json={
            "kind": "night",
            "starts_at": (now - dt.timedelta(hours=1)).isoformat(),
            "ends_at": (now + dt.timedelta(hours=8)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text

    rota = (await world.staff.get(f"{C}/team/rota")).json()
    assert [(s["name"], s["kind"]) for s in rota] == [("谭仕权", "night")]
    r = await world.staff.get(f"{C}/team/rota?days=100")
    assert r.status_code == 400 and r.json()["field"] == "days"
    ranked = (await world.staff.get(f"{C}/{repair['id']}/suggestions")).json()
    # 李 10 + grid 20 = 30; 谭 20 + on call 15 = 35; 赵 30 - 2 x 12 = 6; 钱 has no plumbing.
    assert [(s["name"], s["score"]) for s in ranked] == [("谭仕权", 35), ("李师傅", 30), ("赵师傅", 6)]
    assert no_skill["id"] not in [s["member_id"] for s in ranked]
    assert ranked[0]["parts"] == {"skill": 20, "grid": 0, "on_call": 15, "load": 0}
    assert ranked[1]["member_id"] == near["id"] and ranked[1]["parts"]["grid"] == 20
    # A volunteer who marks themself unavailable drops out of the suggestions and cannot grab.
    r = await world.plumber.post(f"{C}/jobs/availability", json={"available": False})
    assert r.status_code == 200 and r.json()["available"] is False
    ranked = (await world.staff.get(f"{C}/{repair['id']}/suggestions")).json()
    assert "谭仕权" not in [s["name"] for s in ranked]
    assert (await world.plumber.post(f"{C}/jobs/{repair['id']}/grab")).status_code == 409


async def test_two_volunteers_grabbing_at_once_get_one_job_holder(world):
    import asyncio

    repair = await world.report()
    second, member = await world.volunteer("王师傅", [{"skill": "plumber", "level": 1}])
    answers = await asyncio.gather(
        world.plumber.post(f"{C}/jobs/{repair['id']}/grab"), second.post(f"{C}/jobs/{repair['id']}/grab")
    )
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200 and codes[1] in (404, 409), codes  # the loser finds it taken (or gone)
    detail = (await world.staff.get(f"{C}/{repair['id']}")).json()
    assert [d["action"] for d in detail["dispatch"]] == ["grabbed"]
    assert detail["assignee_member_id"] in (world.plumber_member["id"], member["id"])
