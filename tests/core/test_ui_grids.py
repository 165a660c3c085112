"""Grids from the page: staff make a grid, put a building and a unit in it, and assign a grid
worker by user name; refusals are shown beside their field in Chinese with nothing saved; the
grid worker then sees their grid (and only theirs) and their residents' visits."""

from __future__ import annotations

from typing import Any

P = "/c/comm-a/grids"
API = "/api/v1/c/comm-a"


async def test_staff_set_a_grid_up_from_the_page(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    worker = await h.user(role="grid_worker", community="comm-a")
    wang = await h.resident("comm-a", "王秀英", building="3栋", dwelling="201")
    await h.resident("comm-a", "李建国", building="5栋", dwelling="101")
    r = await admin.post(f"{API}/buildings/{wang['building_id']}/units", json={"name": "2单元"})
    assert r.status_code == 201, r.text

    page = await admin.get(P)
    assert page.status_code == 200 and "还没有网格。" in page.text
    r = await admin.post(P, data={"name": "第三网格", "notes": "3栋、5栋"})
    assert r.status_code == 303, r.text
    r = await admin.post(P, data={"name": "第三网格"})
    assert r.status_code == 409 and "已经有同名的网格" in r.text
    grid = (await admin.get(f"{API}/grids")).json()[0]
    r = await admin.post(f"{P}/{grid['id']}/places", data={"building_id": str(wang["building_id"])})
    assert r.status_code == 303, r.text
    r = await admin.post(
        f"{P}/{grid['id']}/places", data={"building_id": str(wang["building_id"]), "unit": "9单元"}
    )
    assert r.status_code == 400 and "这栋楼没有这个单元" in r.text
    r = await admin.post(P, data={"name": "第九网格"})
    other = next(g for g in (await admin.get(f"{API}/grids")).json() if g["name"] == "第九网格")
    r = await admin.post(
        f"{P}/{other['id']}/places", data={"building_id": str(wang["building_id"]), "unit": "2单元"}
    )
    assert r.status_code == 409 and "已经在别的网格里了" in r.text

    r = await admin.post(f"{P}/{grid['id']}/people", data={"username": "nobody", "role": "grid_worker"})
    assert r.status_code == 400 and "社区成员中没有这个用户名" in r.text
    r = await admin.post(
        f"{P}/{grid['id']}/people",
        data={"username": worker["username"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    assert r.status_code == 303, r.text
    page = await admin.get(P)
    assert "3栋" in page.text and "专职网格员" in page.text and worker["username"] in page.text
    import re

    assert "grid_worker" not in re.sub(r'="[^"]*"', "", page.text)  # no role code shown as text

    # The grid worker sees their grid only, and can change nothing.
    w = await h.login(worker["username"])
    page = await w.get(P)
    assert page.status_code == 200 and "第三网格" in page.text and "第九网格" not in page.text
    assert "建立网格" not in page.text
    assert (await w.post(P, data={"name": "我的网格"})).status_code == 403
