"""A module's settings from the modules page: labelled in Chinese from the plugin's catalogue,
saved over what is stored (fields the page does not show keep their values), a bad number
refused naming the field with nothing saved, and only for those who may manage modules."""

from __future__ import annotations

from typing import Any


async def test_staff_change_a_modules_settings_from_the_page(make_linli: Any) -> None:
    h = await make_linli(plugins=["canteen"])
    await h.community("comm-a")
    await h.enable("comm-a", "canteen", meals=["lunch", "dinner"])
    admin = await h.as_role("community_admin", "comm-a")
    page = await admin.get("/c/comm-a/modules")
    assert page.status_code == 200
    assert "开餐前多少小时截止订餐" in page.text and "每餐供餐份数上限" in page.text
    assert "cut_off_hours" not in page.text.replace('name="cut_off_hours"', "").replace(
        "ms-canteen-cut_off_hours", ""
    )
    assert 'name="meals"' not in page.text  # a list of codes is not a page field
    r = await admin.post(
        "/c/comm-a/modules/canteen/settings",
        data={"cut_off_hours": "3", "capacity": "80", "route_late_minutes": "45", "welfare_case_tier": "1"},
    )
    assert r.status_code == 303, r.text
    tenant = await h.runtime.tenants.by_slug("comm-a")
    stored = tenant.settings_for("canteen")
    assert (stored["cut_off_hours"], stored["capacity"], stored["meals"]) == (3.0, 80, ["lunch", "dinner"])
    r = await admin.post("/c/comm-a/modules/canteen/settings", data={"capacity": "很多"})
    assert r.status_code == 400 and "每餐供餐份数上限：请填写数字" in r.text
    assert (await h.runtime.tenants.by_slug("comm-a")).settings_for("canteen")["capacity"] == 80
    staff = await h.as_role("community_staff", "comm-a")
    assert (await staff.post("/c/comm-a/modules/canteen/settings", data={"capacity": "1"})).status_code == 403
