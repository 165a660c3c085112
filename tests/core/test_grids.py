"""Grids, assignments, visit plans from the vulnerability register, due lists, visits, coverage."""

from __future__ import annotations

import datetime as dt

import pytest

BASE = "/api/v1/c/comm-a"


@pytest.fixture
async def area(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    elder = await h.resident(
        "comm-a",
        "独居王奶奶",
        building="8栋",
        dwelling="301",
        birth_date=dt.date(1941, 2, 2),
        categories=["elderly_alone"],
    )
    other = await h.resident(
        "comm-a",
        "9栋李爷爷",
        building="9栋",
        dwelling="101",
        birth_date=dt.date(1945, 3, 3),
        categories=["disabled"],
    )
    grid = (await admin.post(f"{BASE}/grids", json={"name": "第一网格"})).json()
    r = await admin.post(f"{BASE}/grids/{grid['id']}/places", json={"building_id": elder["building_id"]})
    assert r.status_code == 201, r.text
    worker = await h.user(role="grid_worker", community="comm-a")
    r = await admin.post(
        f"{BASE}/grids/{grid['id']}/assignments",
        json={"user_id": worker["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    assert r.status_code == 201, r.text
    return h, admin, grid, elder, other, await h.login(worker["username"])


async def test_a_place_belongs_to_one_grid_and_assignments_are_checked(area):
    h, admin, grid, elder, _other, _w = area
    second = (await admin.post(f"{BASE}/grids", json={"name": "第二网格"})).json()
    r = await admin.post(f"{BASE}/grids/{second['id']}/places", json={"building_id": elder["building_id"]})
    assert r.status_code == 409
    stranger = await h.user()
    r = await admin.post(
        f"{BASE}/grids/{grid['id']}/assignments",
        json={"user_id": stranger["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    assert r.status_code == 400 and r.json()["field"] == "user_id"
    r = await admin.post(
        f"{BASE}/grids/{grid['id']}/assignments",
        json={
            "user_id": stranger["id"],
            "role": "grid_worker",
            "valid_from": "2026-02-01",
            "valid_to": "2026-01-01",
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "valid_to"


async def test_plans_due_visits_and_coverage(area):
    _h, admin, _grid, elder, other, worker = area
    r = await admin.post(f"{BASE}/visits/plans/generate")
    assert r.json() == {"changed": 2}
    assert (await admin.post(f"{BASE}/visits/plans/generate")).json() == {"changed": 0}  # idempotent
    due = (await worker.get(f"{BASE}/visits/due")).json()
    assert [d["name"] for d in due] == ["独居王奶奶"]  # only their grid
    staff_due = (await admin.get(f"{BASE}/visits/due")).json()
    assert {d["name"] for d in staff_due} == {"独居王奶奶", "9栋李爷爷"}
    r = await worker.post(
        f"{BASE}/visits", json={"person_id": elder["id"], "kind": "home", "findings": "身体好，需要换灯泡"}
    )
    assert r.status_code == 201, r.text
    assert (await worker.get(f"{BASE}/visits/due")).json() == []
    later = (dt.date.today() + dt.timedelta(days=31)).isoformat()  # tier 2: monthly
    assert [d["name"] for d in (await worker.get(f"{BASE}/visits/due", params={"on": later})).json()] == [
        "独居王奶奶"
    ]
    figures = (await admin.get(f"{BASE}/grids/figures")).json()
    assert figures["planned"] == 2 and figures["covered"] == 1 and figures["coverage"] == 0.5
    # The worker cannot visit (or even see) someone outside their grid.
    r = await worker.post(f"{BASE}/visits", json={"person_id": other["id"], "kind": "phone"})
    assert r.status_code == 404
    assert [g["name"] for g in (await worker.get(f"{BASE}/grids")).json()] == ["第一网格"]
    r = await worker.post(f"{BASE}/visits", json={"person_id": elder["id"], "kind": "telepathy"})
    assert r.status_code == 400 and r.json()["field"] == "kind"


async def test_a_visit_opens_a_case_in_one_step(area):
    _h, admin, grid, elder, _other, worker = area
    r = await worker.post(
        f"{BASE}/visits",
        json={
            "person_id": elder["id"],
            "kind": "home",
            "findings": "水管漏水",
            "open_case": {"type": "general_request", "title": "王奶奶家水管漏水"},
        },
    )
    assert r.status_code == 201, r.text
    case = r.json()["case"]
    assert case["channel"] == "grid_visit" and case["requester_person_id"] == elder["id"]
    assert case["grid_id"] == grid["id"] and case["level"] == "grid"
    r = await worker.post(
        f"{BASE}/visits", json={"person_id": elder["id"], "open_case": {"type": "nonsense", "title": "x"}}
    )
    assert r.status_code == 400 and r.json()["field"] == "type"
    visits = (await admin.get(f"{BASE}/visits", params={"person_id": elder["id"]})).json()
    assert len(visits) == 1 and visits[0]["case_id"] == case["id"]  # the failed one left nothing


async def test_a_community_sets_its_own_visit_frequency(area):
    _h, admin, _grid, _elder, _other, worker = area
    await admin.post(f"{BASE}/visits/plans/generate")
    r = await admin.post(f"{BASE}/visits/frequency", json={"tier": 2, "every_days": 14})
    assert r.status_code == 200 and r.json()["plans_changed"] == 2  # both residents are tier 2
    assert (await worker.get(f"{BASE}/visits/frequency")).json() == {"1": 7, "2": 14, "3": 90}
    r = await admin.post(f"{BASE}/visits/frequency", json={"tier": 4, "every_days": 14})
    assert r.status_code == 400 and r.json()["field"] == "tier"
    assert (
        await worker.post(f"{BASE}/visits/frequency", json={"tier": 2, "every_days": 1})
    ).status_code == 403


async def test_a_grid_worker_sees_only_the_buildings_of_their_grid_through_the_api(make_linli):
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    inside = await h.resident("comm-a", "王秀英", building="1栋", dwelling="101")
    outside = await h.resident("comm-a", "谢德明", building="9栋", dwelling="901")
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第一网格"})).json()
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": inside["building_id"]}
    )
    user = await h.user(role="grid_worker", community="comm-a")
    r = await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/assignments",
        json={"user_id": user["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    assert r.status_code in (200, 201), r.text
    worker = await h.login(user["username"])
    listed = (await worker.get("/api/v1/c/comm-a/buildings")).json()
    assert [b["id"] for b in listed] == [inside["building_id"]]
    assert (await worker.get(f"/api/v1/c/comm-a/buildings/{inside['building_id']}")).status_code == 200
    for path in (
        f"/api/v1/c/comm-a/buildings/{outside['building_id']}",
        f"/api/v1/c/comm-a/buildings/{outside['building_id']}/dwellings",
    ):
        assert (await worker.get(path)).status_code == 404, path  # like another community's
    assert len((await admin.get("/api/v1/c/comm-a/buildings")).json()) == 2  # staff see all


async def test_a_grid_workers_case_figures_count_only_the_cases_they_can_see(make_linli):
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    inside = await h.resident("comm-a", "王秀英", building="1栋", dwelling="101")
    outside = await h.resident("comm-a", "谢德明", building="9栋", dwelling="901")
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第一网格"})).json()
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": inside["building_id"]}
    )
    other = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第二网格"})).json()
    await admin.post(
        f"/api/v1/c/comm-a/grids/{other['id']}/places", json={"building_id": outside["building_id"]}
    )
    user = await h.user(role="grid_worker", community="comm-a")
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/assignments",
        json={"user_id": user["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    for person in (inside, outside):
        r = await admin.post(
            "/api/v1/c/comm-a/cases",
            json={"type": "general_request", "title": "楼道灯坏了", "dwelling_id": person["dwelling_id"]},
        )
        assert r.status_code in (200, 201), r.text
    worker = await h.login(user["username"])
    assert (await worker.get("/api/v1/c/comm-a/cases/figures")).json()["open"] == 1
    assert (await admin.get("/api/v1/c/comm-a/cases/figures")).json()["open"] == 2
