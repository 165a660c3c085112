"""The case engine: the resident's journey, the state machine, SLA escalation, feedback, figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

BASE = "/api/v1/c/comm-a/cases"


@pytest.fixture
async def desk(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    resident_user = await h.user(role="resident", community="comm-a")
    resident = await h.login(resident_user["username"])
    return h, staff, resident, resident_user


async def test_resident_journey_with_hold_reason_and_feedback(desk):
    h, staff, resident, _resident_user = desk
    r = await resident.post(
        BASE, json={"type": "public_facility", "title": "楼道灯坏了", "description": "8栋2单元"}
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["state"] == "reported" and case["channel"] == "app" and case["number"].endswith("000001")
    cid = case["id"]
    for to in ("accepted",):
        assert (await staff.post(f"{BASE}/{cid}/transition", json={"to": to})).status_code == 200
    repairer = await h.user(role="community_staff", community="comm-a")
    r = await staff.post(f"{BASE}/{cid}/assign", json={"user_id": repairer["id"]})
    assert r.json()["state"] == "assigned" and r.json()["assignee_user_id"] == repairer["id"]
    r = await staff.post(f"{BASE}/{cid}/transition", json={"to": "on_hold"})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    await staff.post(f"{BASE}/{cid}/transition", json={"to": "on_hold", "reason": "等灯泡到货"})
    await staff.post(f"{BASE}/{cid}/notes", json={"body": "供应商周三到", "visibility": "internal"})
    await staff.post(f"{BASE}/{cid}/notes", json={"body": "灯泡已订购", "visibility": "public"})
    mine = (await resident.get(f"{BASE}/{cid}")).json()
    assert mine["state"] == "on_hold" and mine["hold_reason"] == "等灯泡到货"
    assert [n["body"] for n in mine["notes"]] == ["灯泡已订购"]  # internal notes stay internal
    resumed = (await staff.post(f"{BASE}/{cid}/transition", json={"to": "resume"})).json()
    assert resumed["state"] == "assigned"
    await staff.post(f"{BASE}/{cid}/transition", json={"to": "in_progress"})
    await staff.post(f"{BASE}/{cid}/transition", json={"to": "resolved"})
    r = await resident.post(f"{BASE}/{cid}/feedback", json={"outcome": "not_fixed", "score": 2})
    assert r.json()["state"] == "reopened" and r.json()["reopen_count"] == 1
    await staff.post(f"{BASE}/{cid}/transition", json={"to": "in_progress"})
    await staff.post(f"{BASE}/{cid}/transition", json={"to": "resolved"})
    r = await resident.post(f"{BASE}/{cid}/feedback", json={"outcome": "fixed", "score": 7})
    assert r.status_code == 400 and r.json()["field"] == "score"
    r = await resident.post(
        f"{BASE}/{cid}/feedback", json={"outcome": "fixed", "score": 5, "comment": "谢谢"}
    )
    assert r.json()["state"] == "closed"
    transitions = [t["to_state"] for t in (await staff.get(f"{BASE}/{cid}")).json()["transitions"]]
    assert transitions == [
        "reported",
        "accepted",
        "assigned",
        "on_hold",
        "assigned",
        "in_progress",
        "resolved",
        "reopened",
        "in_progress",
        "resolved",
        "closed",
    ]
    figures = (await staff.get(f"{BASE}/figures")).json()
    assert figures["satisfaction"] == 3.5 and figures["closed_this_month"] == 1 and figures["open"] == 0


async def test_forbidden_transitions_and_bad_input(desk):
    _h, staff, resident, _ = desk
    r = await staff.post(BASE, json={"type": "alien_invasion", "title": "x"})
    assert r.status_code == 400 and r.json()["field"] == "type"
    cid = (await staff.post(BASE, json={"type": "general_request", "title": "咨询低保"})).json()["id"]
    r = await staff.post(f"{BASE}/{cid}/transition", json={"to": "resolved"})
    assert r.status_code == 409 and "reported" in r.json()["detail"]
    r = await staff.post(f"{BASE}/{cid}/transition", json={"to": "rejected"})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = await resident.post(f"{BASE}/{cid}/feedback", json={"outcome": "fixed", "score": 5})
    assert r.status_code == 404  # not the resident's case: it does not exist for them
    assert (await resident.get(f"{BASE}/{cid}")).status_code == 404
    assert (await staff.get(f"{BASE}/{cid}")).json()["state"] == "reported"  # nothing half-written


async def test_sla_breach_escalates_grid_to_community_to_office(desk):
    from core.cases import engine
    from core.cases.routes import case_types

    h, staff, _, _ = desk
    admin = await h.as_role("community_admin", "comm-a")
    building = (await admin.post("/api/v1/c/comm-a/buildings", json={"name": "8栋", "floors": 7})).json()
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "一网格"})).json()
    await admin.post(f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": building["id"]})
    case = (
        await staff.post(
            BASE, json={"type": "general_request", "title": "下水道堵了", "building_id": building["id"]}
        )
    ).json()
    assert case["level"] == "grid" and case["grid_id"] == grid["id"]  # small matters stay in the grid
    types = case_types(h.runtime)
    created = dt.datetime.fromisoformat(case["created_at"])
    async with h.tenant("comm-a"):
        assert await engine.escalate_overdue(types, created + dt.timedelta(hours=23)) == 0
        assert await engine.escalate_overdue(types, created + dt.timedelta(hours=25)) == 1
        assert (await engine.get_case(case["id"]))["level"] == "community"
        assert await engine.escalate_overdue(types, created + dt.timedelta(hours=50)) == 1
        assert await engine.escalate_overdue(types, created + dt.timedelta(hours=80)) == 0  # office: top
        final = await engine.get_case(case["id"])
    assert final["level"] == "office" and final["breached"]
    detail = (await staff.get(f"{BASE}/{case['id']}")).json()
    assert [(e["from_level"], e["to_level"], e["automatic"]) for e in detail["escalations"]] == [
        ("grid", "community", True),
        ("community", "office", True),
    ]
    r = await staff.post(f"{BASE}/{case['id']}/escalate", json={"reason": "more"})
    assert r.status_code == 409


async def test_a_community_sets_its_own_sla(desk):
    from core.cases import engine
    from core.cases.routes import case_types

    h, staff, _, _ = desk
    admin = await h.as_role("community_admin", "comm-a")
    r = await staff.post(
        f"{BASE}/sla", json={"case_type": "general_request", "state": "reported", "hours": 2}
    )
    assert r.status_code == 403
    r = await admin.post(
        f"{BASE}/sla", json={"case_type": "general_request", "state": "reported", "hours": 2}
    )
    assert r.status_code == 200
    r = await admin.post(
        f"{BASE}/sla", json={"case_type": "general_request", "state": "dreaming", "hours": 2}
    )
    assert r.status_code == 400 and r.json()["field"] == "state"
    sla = {(x["case_type"], x["state"]): x["hours"] for x in (await admin.get(f"{BASE}/sla")).json()}
    assert sla[("general_request", "reported")] == 2 and sla[("complaint", "reported")] == 24
    case = (await staff.post(BASE, json={"type": "general_request", "title": "楼下噪音"})).json()
    created = dt.datetime.fromisoformat(case["created_at"])
    async with h.tenant("comm-a"):
        assert await engine.escalate_overdue(case_types(h.runtime), created + dt.timedelta(hours=3)) == 1


async def test_cases_filed_at_the_same_moment_never_share_a_number(make_linli: Any) -> None:
    """Numbers come from a per-community counter row taken in the filing transaction; before,
    ``count() + 1`` gave two concurrent filings on PostgreSQL the same number."""
    import asyncio

    from core.cases import engine as case_engine
    from core.cases.routes import case_types
    from core.db.engine import write_transaction
    from core.tenancy.context import tenant_scope

    h = await make_linli(plugins=[])
    await h.community("comm-a")
    await h.community("comm-b")
    types = case_types(h.runtime)

    async def file(slug: str, i: int) -> str:
        tenant = await h.runtime.tenants.by_slug(slug)
        with tenant_scope(tenant):
            async with write_transaction(h.runtime.engine):
                case = await case_engine.open_case(types, case_type="general_request", title=f"诉求 {i}")
                await asyncio.sleep(0)  # let the other filings interleave inside their transactions
                return str(case["number"])

    numbers = await asyncio.gather(*(file("comm-a", i) for i in range(12)))
    assert len(set(numbers)) == 12
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, 13))
    other = await file("comm-b", 0)  # each community counts its own
    assert other.endswith("-000001")


async def test_a_resident_files_only_for_their_own_home_or_one_they_are_proxy_for(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    mine = await h.resident("comm-a", "王秀英", building="3栋", dwelling="101")
    neighbour = await h.resident("comm-a", "谢德明", building="3栋", dwelling="102")
    user = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", mine["id"], user)
    client = await h.login(user["username"])
    case = {"type": "general_request", "title": "楼道灯坏了"}
    r = await client.post("/api/v1/c/comm-a/cases", json={**case, "dwelling_id": neighbour["dwelling_id"]})
    assert r.status_code == 404  # another household's flat answers like a missing one
    r = await client.post("/api/v1/c/comm-a/cases", json={**case, "dwelling_id": mine["dwelling_id"]})
    assert r.status_code in (200, 201), r.text
    async with h.tenant("comm-a"):
        from core.residents.tables import Proxy

        await Proxy.insert(
            Proxy(
                person=neighbour["id"], proxy_user_id=user["id"], scope="all", valid_from=dt.date(2020, 1, 1)
            )
        ).run()
    r = await client.post("/api/v1/c/comm-a/cases", json={**case, "dwelling_id": neighbour["dwelling_id"]})
    assert r.status_code in (200, 201), r.text  # a registered proxy acts for that home
