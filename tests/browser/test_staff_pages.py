"""A staff member and a resident in a real browser: log in, search, switch language, walls."""

from __future__ import annotations

from typing import Any

from core.testing.harness import DEFAULT_PASSWORD
from tests.browser.conftest import ARTIFACTS, log_in


async def test_staff_logs_in_searches_and_switches_to_english(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    await h.resident("comm-a", "王秀英", phone="13800000001")
    staff = await h.user(role="community_staff", community="comm-a")

    page = await browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    await page.goto(f"{base}/c/comm-a/residents")
    assert page.url.endswith("/login?next=/c/comm-a/residents")  # sent to log in first
    await page.get_by_label("用户名或手机号").fill(staff["username"])
    await page.get_by_label("密码").fill("not-the-password")
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("alert").wait_for()
    assert "用户名或密码错误" in await page.get_by_role("alert").inner_text()
    assert await page.get_by_label("用户名或手机号").input_value() == staff["username"]  # kept
    await page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{base}/c/comm-a/residents")

    await page.get_by_label("姓名（开头）").fill("王")
    await page.get_by_role("button", name="查找").click()
    await page.get_by_role("cell", name="王秀英").wait_for()
    row = await page.get_by_role("row").filter(has_text="王秀英").inner_text()
    assert "13800000001" not in row  # masked for staff without "view sensitive"
    await page.screenshot(path=str(ARTIFACTS / "residents-zh-phone.png"), full_page=True)

    await page.get_by_role("link", name="English").click()
    await page.get_by_role("link", name="Dashboard").click()
    await page.get_by_text("Open cases").wait_for()
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.screenshot(path=str(ARTIFACTS / "dashboard-en-phone.png"), full_page=True)
    await page.get_by_role("link", name="Large text").click()
    assert "large" in (await page.locator("body").get_attribute("class") or "")

    # A resident of the same community gets the "not allowed" page, not the register.
    resident = await h.user(role="resident", community="comm-a")
    other = await browser.new_page()
    await other.goto(f"{base}/login")
    await other.get_by_label("用户名或手机号").fill(resident["username"])
    await other.get_by_label("密码").fill(DEFAULT_PASSWORD)
    await other.get_by_role("button", name="登录").click()
    await other.wait_for_url(f"{base}/c/comm-a/home")  # a resident's start page
    response = await other.goto(f"{base}/c/comm-a/residents")
    assert response.status == 403 and "没有权限" in await other.content()


async def test_switching_a_module_on_and_off_changes_the_navigation(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    admin = await h.user(role="community_admin", community="comm-a")
    page = await log_in(
        browser, base, admin["username"], lands="/c/comm-a/", viewport={"width": 1280, "height": 800}
    )
    nav = page.get_by_role("navigation", name="主导航")
    assert await nav.get_by_role("link", name="社区公告").count() == 0
    await nav.get_by_role("link", name="功能模块").click()
    await page.get_by_role("button", name="开启 社区公告").click()
    await nav.get_by_role("link", name="社区公告").wait_for()  # its navigation entry appears
    await page.screenshot(path=str(ARTIFACTS / "modules-desktop.png"), full_page=True)
    await page.get_by_role("button", name="关闭 社区公告").click()
    await page.get_by_role("button", name="开启 社区公告").wait_for()
    assert await nav.get_by_role("link", name="社区公告").count() == 0  # and goes again


async def test_the_street_office_page(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    for slug in ("hongguang", "yuetang"):
        await h.community(slug, office="office-a")
    official = await h.user(role="office_admin", office="office-a")
    page = await log_in(
        browser, base, official["username"], lands="/o/office-a/", viewport={"width": 1280, "height": 800}
    )
    figures = page.locator("table.wide")
    assert await figures.get_by_role("columnheader").count() == 3  # the figure, then two communities
    await page.screenshot(path=str(ARTIFACTS / "office-desktop.png"), full_page=True)


async def test_a_grid_worker_records_a_visit_on_a_phone_and_opens_a_case(served: Any, browser: Any) -> None:
    import datetime as dt

    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    admin = await h.as_role("community_admin", "comm-a")
    elder = await h.resident(
        "comm-a",
        "独居王奶奶",
        building="8栋",
        dwelling="301",
        birth_date=dt.date(1941, 2, 2),
        categories=["elderly_alone"],
    )
    await h.resident(
        "comm-a",
        "9栋李爷爷",
        building="9栋",
        dwelling="101",
        birth_date=dt.date(1945, 3, 3),
        categories=["disabled"],
    )
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第一网格"})).json()
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": elder["building_id"]}
    )
    worker = await h.user(role="grid_worker", community="comm-a")
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/assignments",
        json={"user_id": worker["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    await admin.post("/api/v1/c/comm-a/visits/plans/generate")

    page = await log_in(
        browser, base, worker["username"], lands="/c/comm-a/", viewport={"width": 390, "height": 844}
    )
    await page.get_by_role("link", name="走访").click()
    assert await page.get_by_text("9栋李爷爷").count() == 0  # not in this worker's grid
    await page.get_by_role("link", name="独居王奶奶").click()
    await page.get_by_label("入户").check()
    await page.get_by_label("走访情况").fill("身体还好，楼道灯坏了")
    await page.get_by_label("需要交办的问题？填写后直接生成诉求").fill("8栋楼道灯坏了")
    await page.screenshot(path=str(ARTIFACTS / "visit-phone.png"), full_page=True)
    await page.get_by_role("button", name="保存走访记录").click()
    await page.get_by_text("今天没有需要走访的人。").wait_for()
    staff = await h.as_role("community_staff", "comm-a")
    cases = (await staff.get("/api/v1/c/comm-a/cases")).json()["items"]
    assert [c["title"] for c in cases] == ["8栋楼道灯坏了"] and cases[0]["channel"] == "grid_visit"
    visits = (await staff.get("/api/v1/c/comm-a/visits", params={"person_id": elder["id"]})).json()
    assert visits[0]["findings"] == "身体还好，楼道灯坏了" and visits[0]["kind"] == "home"


async def test_staff_shows_numbers_with_a_purpose_and_moves_a_resident_out(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    person = await h.resident("comm-a", "王秀英", phone="13800000001", building="8栋", dwelling="301")
    admin = await h.user(role="community_admin", community="comm-a")
    page = await log_in(
        browser, base, admin["username"], lands="/c/comm-a/", viewport={"width": 390, "height": 844}
    )
    await page.goto(f"{base}/c/comm-a/residents?q=王")
    await page.get_by_role("link", name="王秀英").click()
    assert "138****0001" in await page.locator(".phone").inner_text()
    await page.get_by_label("显示完整号码——用途？（将记入审计日志）").fill("联系家属")
    await page.get_by_role("button", name="显示", exact=True).click()
    await page.locator(".phone", has_text="13800000001").wait_for()
    await page.get_by_label("原因").fill("搬去子女家")
    await page.get_by_role("button", name="办理迁出").click()
    await page.get_by_text("搬去子女家").wait_for()  # the home stays in the history, with the reason
    assert await page.get_by_role("button", name="办理迁出").count() == 0
    await page.screenshot(path=str(ARTIFACTS / "person-phone.png"), full_page=True)
    api = await h.as_role("community_admin", "comm-a")
    audit = (await api.get("/api/v1/c/comm-a/audit")).json()
    assert any(e["action"] == "person.unmasked" and e["purpose"] == "联系家属" for e in audit)
    person_api = (await api.get(f"/api/v1/c/comm-a/persons/{person['id']}")).json()
    assert person_api["residencies"][0]["end_reason"] == "搬去子女家"


async def test_the_import_wizard_shows_bad_rows_then_imports_the_good_ones(
    served: Any, browser: Any, tmp_path: Any
) -> None:
    from openpyxl import Workbook

    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    admin = await h.user(role="community_admin", community="comm-a")
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "楼栋", "房号", "手机号"])
    sheet.append(["赵大爷", "3栋", "201", "13700000001"])
    sheet.append(["", "3栋", "202", "bad"])
    path = tmp_path / "名册.xlsx"
    book.save(path)
    page = await log_in(
        browser, base, admin["username"], lands="/c/comm-a/", viewport={"width": 1280, "height": 800}
    )
    await page.goto(f"{base}/c/comm-a/residents")
    await page.get_by_role("link", name="导入居民名册").click()
    await page.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(str(path))
    await page.get_by_role("button", name="导入", exact=True).click()
    await page.get_by_text("没有导入任何数据").wait_for()
    assert await page.get_by_role("cell", name="3", exact=True).count() >= 1  # file row 3 is named
    await page.screenshot(path=str(ARTIFACTS / "import-refused-desktop.png"), full_page=True)
    await page.get_by_label("名册文件（.xlsx 或 .csv）").set_input_files(str(path))
    await page.get_by_label("只导入正确的行，跳过有问题的行").check()
    await page.get_by_role("button", name="导入", exact=True).click()
    await page.get_by_text("新增居民1人").wait_for()
    await page.goto(f"{base}/c/comm-a/residents?q=赵")
    await page.get_by_role("link", name="赵大爷").wait_for()
