"""Shared-cost projects (多退少补) and the figures, computed from known data."""

from __future__ import annotations

import datetime as dt

from tests.plugins.repairs.conftest import C


async def building_with_flats(world, n: int) -> tuple[int, list[int]]:
    admin = await world.h.as_role("community_admin", "comm-a")
    b = (
        await admin.post(
            "/api/v1/c/comm-a/buildings",
            json={"name": "廊桥花园", "floors": n, "units": 1, "dwellings_per_floor": 1},
        )
    ).json()
    flats = (await admin.get(f"/api/v1/c/comm-a/buildings/{b['id']}/dwellings")).json()
    assert len(flats) == n
    return b["id"], [f["id"] for f in flats]


async def test_exterior_wall_net_600_a_household_refund_and_top_up(world):
    h = world.h
    building, flats = await building_with_flats(world, 4)
    rep = await h.user(role="resident", community="comm-a")
    rep_client = await h.login(rep["username"])
    neighbour = await h.user(role="resident", community="comm-a")
    neighbour_client = await h.login(neighbour["username"])
    r = await world.staff.post(
        f"{C}/projects",
        json={
            "title": "外墙防护网",
            "building_id": building,
            "per_household_yuan": 600,
            "representative_user_id": rep["id"],
            "contacts": {str(flats[1]): neighbour["id"]},
        },
    )
    assert r.status_code == 201, r.text
    project = r.json()
    assert project["households"] == 4 and project["per_household_yuan"] == 600.0

    # The representative records collections: three households pay 600, one pays 500.
    for flat, amount in zip(flats, (600, 600, 600, 500), strict=True):
        r = await rep_client.post(
            f"{C}/projects/{project['id']}/collections", json={"dwelling_id": flat, "amount_yuan": amount}
        )
        assert r.status_code == 200, r.text
    assert r.json()["collected_yuan"] == 2300.0
    # A neighbour sees the accounts but records nothing; an unrelated resident sees nothing.
    assert (await neighbour_client.get(f"{C}/projects/{project['id']}")).status_code == 200
    r = await neighbour_client.post(
        f"{C}/projects/{project['id']}/collections", json={"dwelling_id": flats[0], "amount_yuan": 1}
    )
    assert r.status_code == 403
    assert (await world.resident.get(f"{C}/projects/{project['id']}")).status_code == 404
    assert (await world.resident.get(f"{C}/projects")).json() == []
    r = await rep_client.post(
        f"{C}/projects/{project['id']}/collections", json={"dwelling_id": 999999, "amount_yuan": 600}
    )
    assert r.status_code == 400 and r.json()["field"] == "dwelling_id"
    r = await rep_client.post(
        f"{C}/projects/{project['id']}/expenses",
        json={"description": "x", "amount_yuan": -1, "spent_on": "2026-04-01"},
    )
    assert r.status_code == 400 and r.json()["field"] == "amount_yuan"

    # Expenses with receipts: 2,000.03 yuan in all.
    for desc, amount in (("不锈钢防护网", 1600), ("拦截网两层", 300.03), ("安装人工", 100)):
        r = await rep_client.post(
            f"{C}/projects/{project['id']}/expenses",
            json={"description": desc, "amount_yuan": amount, "spent_on": "2026-04-01"},
        )
        assert r.status_code == 201 and r.json()["attach"]["owner_kind"] == "repairs.expense", r.text
    assert (await rep_client.post(f"{C}/projects/{project['id']}/settle")).status_code == 403  # staff settle
    r = await world.staff.post(f"{C}/projects/{project['id']}/settle")
    assert r.status_code == 200, r.text
    acc = r.json()
    assert acc["state"] == "settled" and acc["spent_yuan"] == 2000.03
    # 200003 fen over 4 households: 50001, 50001, 50001, 50000.
    assert [s["cost_yuan"] for s in acc["shares"]] == [500.01, 500.01, 500.01, 500.0]
    assert [s["refund_yuan"] for s in acc["shares"]] == [99.99, 99.99, 99.99, 0.0]
    assert [s["top_up_yuan"] for s in acc["shares"]] == [0.0, 0.0, 0.0, 0.0]
    assert acc["balance_yuan"] == 299.97
    for flat in flats[:3]:
        r = await rep_client.post(f"{C}/projects/{project['id']}/balances", json={"dwelling_id": flat})
        assert r.status_code == 200
    assert r.json()["balance_yuan"] == 0.0 and r.json()["refunded_yuan"] == 299.97
    # The public accounts page (公示) for the households concerned, and only for them.
    page = await neighbour_client.get(f"/c/comm-a/repairs/projects/{project['id']}")
    assert page.status_code == 200 and "外墙防护网" in page.text and "¥300.03" in page.text, page.text[-1500:]
    assert "退 ¥99.99 ✓" in page.text and "¥2000.03" in page.text
    assert "外墙防护网" in (await neighbour_client.get("/c/comm-a/repairs/projects")).text
    assert (await world.resident.get(f"/c/comm-a/repairs/projects/{project['id']}")).status_code == 404
    assert (
        await rep_client.post(
            f"{C}/projects/{project['id']}/collections", json={"dwelling_id": flats[0], "amount_yuan": 1}
        )
    ).status_code == 409


async def test_a_shortfall_is_topped_up(world):
    building, flats = await building_with_flats(world, 2)
    project = (
        await world.staff.post(
            f"{C}/projects", json={"title": "化粪池清掏", "building_id": building, "per_household_yuan": 100}
        )
    ).json()
    for flat in flats:
        await world.staff.post(
            f"{C}/projects/{project['id']}/collections", json={"dwelling_id": flat, "amount_yuan": 100}
        )
    await world.staff.post(
        f"{C}/projects/{project['id']}/expenses",
        json={"description": "清掏车", "amount_yuan": 250, "spent_on": "2026-05-01"},
    )
    acc = (await world.staff.post(f"{C}/projects/{project['id']}/settle")).json()
    assert [s["top_up_yuan"] for s in acc["shares"]] == [25.0, 25.0] and acc["balance_yuan"] == -50.0
    for flat in flats:
        acc = (
            await world.staff.post(f"{C}/projects/{project['id']}/balances", json={"dwelling_id": flat})
        ).json()
    assert acc["balance_yuan"] == 0.0 and acc["collected_yuan"] == 250.0


async def test_figures_from_known_data(world):
    """Five repairs with set times: the figures are worked out by hand below."""
    from plugins.repairs.tables import Repair, RepairFeedback, ServiceLog

    day = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)
    made = [
        await world.report(category=c) for c in ("water_pipe", "water_pipe", "drain", "electricity", "drain")
    ]
    # (hours to fix or None, due within hours, feedback (outcome, speed, service) or None)
    plan = [
        (1, 24, ("fixed", 5, 5)),
        (30, 24, ("fixed", 4, 2)),
        (5, 24, ("partly", 3, 3)),
        (None, 24, None),
        (2, 1, None),
    ]
    async with world.h.tenant("comm-a"):
        for r, (fix, due, fb) in zip(made, plan, strict=True):
            await (
                Repair.update(
                    {
                        Repair.created_at: day,
                        Repair.due_at: day + dt.timedelta(hours=due),
                        Repair.fixed_at: day + dt.timedelta(hours=fix) if fix else None,
                        Repair.state: "resolved" if fix else "assigned",
                    }
                )
                .where(Repair.id == r["id"])
                .run()
            )
            if fb:
                await RepairFeedback.insert(
                    RepairFeedback(
                        repair=r["id"], outcome=fb[0], speed_score=fb[1], service_score=fb[2], at=day
                    )
                ).run()
        await ServiceLog.insert(
            ServiceLog(
                member=world.plumber_member["id"], minutes=90, points=15, on_date=dt.date(2026, 6, 10)
            ),
            ServiceLog(
                member=world.electrician_member["id"], minutes=45, points=8, on_date=dt.date(2026, 6, 11)
            ),
            ServiceLog(
                member=world.electrician_member["id"], minutes=600, points=99, on_date=dt.date(2026, 7, 1)
            ),
        ).run()
    f = (await world.staff.get(f"{C}/figures?start=2026-06-01&end=2026-06-30")).json()
    assert f["reported"] == 5 and f["per_category"] == {"drain": 2, "electricity": 1, "water_pipe": 2}
    assert f["fixed"] == 4 and f["open"] == 1
    assert f["median_hours_to_fix"] == 3.5  # 1, 2, 5, 30
    assert f["on_time_rate"] == 0.5  # 1 h and 5 h within 24 h; 30 h late; 2 h against a 1 h limit late
    assert f["satisfaction"] == 3.67  # (5 + 3 + 3) / 3
    assert f["fixed_rate"] == 0.6667
    assert f["volunteer_hours"] == 2.25 and f["volunteers_active"] == 2  # July's 600 minutes excluded
    # The street office's report carries the same numbers in a 便民维修 section.
    office = await world.h.as_role("office_official", office="office-a")
    report = (await office.get("/api/v1/o/office-a/report?from=2026-06-01&to=2026-06-30")).json()
    comm_a = next(c for c in report["communities"] if c["slug"] == "comm-a")
    [section] = [s for s in comm_a["sections"] if s["plugin_id"] == "repairs"]
    values = {fig["key"]: fig["value"] for fig in section["figures"]}
    assert (
        section["title_zh"] == "便民维修" and values["reported"] == 5 and values["median_hours_to_fix"] == 3.5
    )
    assert (
        values["on_time_rate"] == 0.5 and values["volunteer_hours"] == 2.25 and values["category.drain"] == 2
    )
    assert (await world.resident.get(f"{C}/figures")).status_code == 403
    assert (await office.get(f"{C}/figures?start=2026-06-01&end=2026-06-30")).json()["reported"] == 5
    r = await world.staff.get(f"{C}/figures?start=2026-07-01&end=2026-06-01")
    assert r.status_code == 400 and r.json()["field"] == "start"
