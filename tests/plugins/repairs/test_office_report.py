"""The street office's pages with repairs on and no repair fixed yet: the figures with no data
say so instead of breaking the page (it answered 500 on the demo before)."""

from __future__ import annotations

from core.testing.harness import DEFAULT_PASSWORD


async def test_the_office_overview_and_drill_down_show_no_data_for_repairs_not_fixed_yet(world):
    await world.report()  # reported, never fixed: no on-time rate, no median, no satisfaction
    official = await world.h.user(role="office_admin", office="office-a")
    client = world.h.client()
    r = await client.post(
        "/login", data={"username": official["username"], "password": DEFAULT_PASSWORD, "next": "/"}
    )
    assert r.status_code == 303
    for period in ("month", "last_month", "year"):
        page = await client.get("/o/office-a/", params={"period": period})
        assert page.status_code == 200, period
        assert "按时修复率" in page.text and "暂无数据" in page.text
    drill = await client.get("/o/office-a/c/comm-a")
    assert drill.status_code == 200 and "暂无数据" in drill.text and "报修数" in drill.text
