"""Repairs in a browser: a resident reports on the phone with a photo, staff dispatch, the
volunteer records the work with an "after" photo on the phone, the resident signs off and rates."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from tests.browser.conftest import ARTIFACTS, log_in


def photo(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return buf.getvalue()


async def test_report_dispatch_work_sign_off_and_rate(served: Any, browser: Any, tmp_path: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a", plugins=["repairs"])
    home = await h.resident("comm-a", "张桂兰", building="8栋", dwelling="301")
    resident = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", home["id"], resident)  # she reports for her own flat
    staff = await h.user(role="community_staff", community="comm-a")
    volunteer = await h.user(role="volunteer", community="comm-a")
    api = await h.login(staff["username"])
    member = (
        await api.post("/api/v1/c/comm-a/repairs/team", json={"name": "谭仕权", "user_id": volunteer["id"]})
    ).json()
    await api.post(
        f"/api/v1/c/comm-a/repairs/team/{member['id']}/skills", json={"skill": "plumber", "level": 2}
    )
    phone = {"width": 390, "height": 844}

    me = await log_in(browser, base, resident["username"], lands="/c/comm-a/home", viewport=phone)
    await me.get_by_role("link", name="报修", exact=True).first.click()
    await me.get_by_label("哪类问题").select_option("water_pipe")
    await me.get_by_label("楼栋").select_option(label="8栋")
    await me.get_by_label("门牌号（家里报修时填写）").fill("301")
    await me.get_by_role("button", name="提交报修").click()  # no description: refused, form kept
    await me.get_by_role("alert").wait_for()
    assert await me.get_by_label("门牌号（家里报修时填写）").input_value() == "301"
    await me.get_by_label("哪里坏了").fill("厨房水管漏水，地上都是水")
    await me.get_by_role("button", name="提交报修").click()
    await me.get_by_role("heading", name="水管 · " + str(dt.date.today().year), exact=False).wait_for()
    repair_url = me.url
    leak = tmp_path / "leak.jpg"
    leak.write_bytes(photo((40, 90, 200)))
    await me.get_by_label("添加照片").set_input_files(str(leak))
    await me.get_by_role("button", name="上传").click()
    await me.get_by_text("leak.jpg").wait_for()
    await me.screenshot(path=str(ARTIFACTS / "repairs-resident-phone.png"), full_page=True)

    desk = await log_in(
        browser, base, staff["username"], lands="/c/comm-a/", viewport={"width": 1280, "height": 900}
    )
    await desk.get_by_role("link", name="维修派单").click()
    await desk.get_by_role("link", name=str(dt.date.today().year), exact=False).first.click()
    await desk.get_by_role("button", name="派单").click()
    await desk.get_by_role("heading", name="派单记录").wait_for()
    await desk.screenshot(path=str(ARTIFACTS / "repairs-dispatch-desktop.png"), full_page=True)

    vol = await log_in(browser, base, volunteer["username"], lands="/c/comm-a/", viewport=phone)
    await vol.get_by_role("link", name="我的维修任务").click()
    await vol.get_by_text("登记维修").click()
    await vol.get_by_label("用时（分钟）").fill("45")
    await vol.get_by_label("材料（每行：名称, 金额）").fill("三通, 12")
    await vol.get_by_role("button", name="提交维修记录").click()
    await vol.get_by_role("link", name="上传维修前后照片，请居民签字确认").click()
    fixed = tmp_path / "fixed.jpg"
    fixed.write_bytes(photo((40, 200, 90)))
    await vol.get_by_label("照片类型").select_option("after")
    await vol.get_by_label("添加照片").set_input_files(str(fixed))
    await vol.get_by_role("button", name="上传").click()
    await vol.get_by_text("fixed.jpg").wait_for()
    await vol.screenshot(path=str(ARTIFACTS / "repairs-volunteer-phone.png"), full_page=True)

    await me.goto(repair_url)
    await me.get_by_label("实际付款（元）").fill("12")
    await me.get_by_role("button", name="确认已维修").click()
    await me.get_by_role("heading", name="评价").wait_for()
    await me.get_by_label("已修好", exact=True).check()
    await me.get_by_role("button", name="提交评价").click()
    await me.get_by_text("已完成").first.wait_for()
    detail = (await api.get(f"/api/v1/c/comm-a/repairs/{repair_url.rsplit('/', 1)[1]}")).json()
    assert detail["state"] == "closed" and detail["work"][0]["paid_yuan"] == 12.0
    assert [f["file_name"] for f in detail["work"][0]["files"]] == ["fixed.jpg"]
    assert [f["file_name"] for f in detail["files"]] == ["leak.jpg"]
