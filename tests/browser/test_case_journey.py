"""A resident reports a matter with a photo; staff take it through; the resident confirms it."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.browser.conftest import ARTIFACTS, log_in


def photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buf, "JPEG")
    return buf.getvalue()


async def test_resident_reports_staff_resolve_resident_confirms(
    served: Any, browser: Any, tmp_path: Any
) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    resident = await h.user(role="resident", community="comm-a")
    staff = await h.user(role="community_staff", community="comm-a")
    phone = {"width": 390, "height": 844}

    me = await log_in(browser, base, resident["username"], lands="/c/comm-a/home", viewport=phone)
    await me.goto(f"{base}/c/comm-a/cases/new")
    await me.get_by_role("button", name="提交").click()  # empty title: refused, form kept
    await me.get_by_role("alert").wait_for()
    assert "请用一句话写明" in await me.get_by_role("alert").inner_text()
    await me.get_by_label("什么事？（一句话）").fill("楼道灯坏了")
    await me.get_by_label("详细情况：在哪里、从什么时候开始").fill("8栋2单元三楼，昨晚开始")
    await me.get_by_role("button", name="提交").click()
    await me.get_by_role("heading", name="楼道灯坏了").wait_for()
    case_url = me.url
    jpeg = tmp_path / "light.jpg"
    jpeg.write_bytes(photo())
    await me.get_by_label("添加照片").set_input_files(str(jpeg))
    await me.get_by_role("button", name="上传").click()
    thumb = me.get_by_role("img", name="light.jpg")
    await thumb.wait_for()  # the page reloads with the stored photo, a thumbnail
    # Drawn from the app's own origin (the CSP allows no other): the image really loads.
    await me.wait_for_function(
        "() => [...document.images].some(i => i.alt === 'light.jpg' && i.naturalWidth > 0)"
    )
    await me.screenshot(path=str(ARTIFACTS / "case-resident-phone.png"), full_page=True)

    desk = await log_in(
        browser, base, staff["username"], lands="/c/comm-a/", viewport={"width": 1280, "height": 900}
    )
    await desk.goto(f"{base}/c/comm-a/cases")
    await desk.get_by_role("link", name="楼道灯坏了").click()
    for step, state in (
        ("→ 已接收", "已接收"),
        ("派给我", "已派单"),
        ("→ 处理中", "处理中"),
        ("→ 已解决", "已解决"),
    ):
        await desk.get_by_role("button", name=step).click()
        await desk.locator(".state", has_text=state).wait_for()
    await desk.screenshot(path=str(ARTIFACTS / "case-staff-desktop.png"), full_page=True)

    await me.goto(case_url)
    await me.get_by_role("button", name="已解决", exact=True).click()
    await me.locator(".state", has_text="已办结").wait_for()
    history = await me.locator(".history").inner_text()
    assert "居民答复：已解决" in history
