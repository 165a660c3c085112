"""The repair team from its page: a volunteer added with their login (by user name), a member's
login linked afterwards — then they see their jobs — made unavailable or taken off the team, a
rota shift added; refusals beside their field in Chinese, nothing saved."""

from __future__ import annotations

from typing import Any

P = "/c/comm-a/repairs"
API = "/api/v1/c/comm-a/repairs"


async def test_the_coordinator_keeps_the_team_from_the_page(make_linli: Any) -> None:
    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    admin = await h.as_role("community_admin", "comm-a")
    volunteer = await h.user(role="volunteer", community="comm-a")
    r = await admin.post(f"{P}/team", data={"name": "刘师傅", "phone": "13800000009", "username": "nobody"})
    assert r.status_code == 400 and "社区成员中没有这个用户名" in r.text
    assert (await admin.get(f"{API}/team")).json() == []
    r = await admin.post(f"{P}/team", data={"name": "刘师傅", "phone": "13800000009"})
    assert r.status_code == 303, r.text
    [member] = (await admin.get(f"{API}/team")).json()
    assert member["user_id"] is None
    page = await admin.get(f"{P}/team")
    assert "还没有关联" in page.text

    # The volunteer logs in and is not on the team yet; linking their login fixes that.
    vol = await h.login(volunteer["username"])
    assert "你还没有加入维修队" in (await vol.get(f"{P}/jobs")).text
    r = await admin.post(
        f"{P}/team/{member['id']}",
        data={"phone": "13800000009", "username": volunteer["username"], "available": "1", "active": "1"},
    )
    assert r.status_code == 303, r.text
    page = await admin.get(f"{P}/team")
    assert "已关联" in page.text and volunteer["username"] in page.text
    assert "你还没有加入维修队" not in (await vol.get(f"{P}/jobs")).text

    # Another member cannot take the same login.
    await admin.post(f"{P}/team", data={"name": "王师傅"})
    other = next(m for m in (await admin.get(f"{API}/team")).json() if m["name"] == "王师傅")
    r = await admin.post(f"{P}/team/{other['id']}", data={"username": volunteer["username"], "active": "1"})
    assert r.status_code == 409 and "已经在维修队里了" in r.text

    # Off duty, then off the team.
    r = await admin.post(f"{P}/team/{member['id']}", data={"username": volunteer["username"], "active": "1"})
    assert r.status_code == 303
    row = next(m for m in (await admin.get(f"{API}/team")).json() if m["id"] == member["id"])
    assert (row["available"], row["active"]) == (False, True)
    r = await admin.post(f"{P}/team/{member['id']}", data={})
    row = next(m for m in (await admin.get(f"{API}/team")).json() if m["id"] == member["id"])
    assert row["active"] is False and row["user_id"] == volunteer["id"]

    # A rota shift; a bad time is refused beside its field.
    r = await admin.post(
        f"{P}/team/shifts",
        data={
            "member": str(other["id"]),
            "kind": "night",
            "day": "2026-12-10",
            "start": "晚上",
            "hours": "12",
        },
    )
    assert r.status_code == 400 and "请按 08:00 这样的格式填写时间" in r.text
    r = await admin.post(
        f"{P}/team/shifts",
        data={
            "member": str(other["id"]),
            "kind": "night",
            "day": "2026-12-10",
            "start": "20:00",
            "hours": "12",
        },
    )
    assert r.status_code == 303, r.text


async def test_staff_report_a_repair_for_a_resident(make_linli: Any) -> None:
    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    admin = await h.as_role("community_admin", "comm-a")
    wang = await h.resident("comm-a", "王秀英", building="3栋", dwelling="201")
    form = {
        "category": "water_pipe",
        "location": "dwelling",
        "building_id": str(wang["building_id"]),
        "dwelling_number": "201",
        "description": "厨房水管漏水",
        "requester_name": "李四",
    }
    r = await admin.post(f"{P}/report", data=form)
    assert r.status_code == 400 and "这个住址没有这个名字的人" in r.text
    page = await admin.get(f"{P}/report")
    assert "代报" in page.text
    r = await admin.post(f"{P}/report", data={**form, "requester_name": "王秀英"})
    assert r.status_code == 303, r.text
    repair_id = int(r.headers["location"].rsplit("/", 1)[1])
    repair = (await admin.get(f"{API}/{repair_id}")).json()
    assert repair["requester_person_id"] == wang["id"] and repair["dwelling_id"] == wang["dwelling_id"]
    # A resident's own form has no such field.
    resident = await h.as_role("resident", "comm-a")
    assert "代报" not in (await resident.get(f"{P}/report")).text


async def test_staff_make_a_shared_cost_project_from_the_page(make_linli: Any) -> None:
    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    admin = await h.as_role("community_admin", "comm-a")
    wang = await h.resident("comm-a", "王秀英", building="3栋", dwelling="201")
    await h.resident("comm-a", "李建国", building="3栋", dwelling="301")
    r = await admin.post(
        f"{P}/projects",
        data={"title": "外墙安全网", "building_id": str(wang["building_id"]), "per_household_yuan": "0"},
    )
    assert r.status_code == 400 and "请填写大于零的金额" in r.text
    r = await admin.post(
        f"{P}/projects",
        data={
            "title": "外墙安全网",
            "building_id": str(wang["building_id"]),
            "per_household_yuan": "600",
            "description": "高空坠物防护",
        },
    )
    assert r.status_code == 303, r.text
    page = await admin.get(r.headers["location"])
    assert page.status_code == 200 and "外墙安全网" in page.text and "¥600.00" in page.text
    listed = await admin.get(f"{P}/projects")
    assert "外墙安全网" in listed.text and "新建分摊项目" in listed.text
