"""A grid worker's visits: due people grouped by building with their flat, care reason and
last visit; the visit form says who, where and why (and the phone, masked as the rules say);
a saved visit says so on the list."""

from __future__ import annotations

from typing import Any

API = "/api/v1/c/comm-a"


async def test_the_grid_worker_sees_who_where_and_why(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    wang = await h.resident("comm-a", "王秀英", building="3栋", dwelling="201", phone="13912345678")
    li = await h.resident("comm-a", "李建国", building="10栋", dwelling="101")
    for person, category in ((wang, "elderly_alone"), (li, "disabled")):
        r = await admin.post(
            f"{API}/persons/{person['id']}/vulnerabilities", json={"category": category, "tier": 1}
        )
        assert r.status_code == 201, r.text
    assert (await admin.post(f"{API}/visits/plans/generate")).status_code in (200, 201)
    grid = (await admin.post(f"{API}/grids", json={"name": "第一网格"})).json()
    for b in (wang["building_id"], li["building_id"]):
        await admin.post(f"{API}/grids/{grid['id']}/places", json={"building_id": b})
    worker = await h.user(role="grid_worker", community="comm-a")
    await admin.post(
        f"{API}/grids/{grid['id']}/assignments",
        json={"user_id": worker["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    w = await h.login(worker["username"])

    page = await w.get("/c/comm-a/visits")
    assert page.status_code == 200
    text = page.text
    assert (
        "<h2>3栋</h2>" in text
        and "<h2>10栋</h2>" in text
        and text.index("<h2>3栋</h2>") < text.index("<h2>10栋</h2>")
    )
    assert "独居老人" in text and "残疾人" in text and "201" in text

    form = await w.get(f"/c/comm-a/visits/{wang['id']}")
    assert "3栋 201" in form.text and "独居老人" in form.text
    assert "139****5678" in form.text and "13912345678" not in form.text  # masked for a grid worker
    r = await w.post(
        f"/c/comm-a/visits/{wang['id']}", data={"kind": "phone", "findings": "电话联系，身体很好"}
    )
    assert r.status_code == 303
    done = await w.get(r.headers["location"])
    assert "已记录对王秀英的走访。" in done.text
    # A person outside the grid worker's grids is not named, even by a crafted link.
    far = await h.resident("comm-a", "赵明", building="9栋", dwelling="101")
    other = await w.get(f"/c/comm-a/visits?done={far['id']}")
    assert "赵明" not in other.text
