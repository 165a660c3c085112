"""The canteen in a browser, on 360 px phones: an elderly resident in large text orders
tomorrow's lunch and then says not that day; the volunteer works the round and finds no one
at the door, which puts the diner at the top of the grid worker's visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plugins.canteen.clock import CST
from tests.browser.conftest import ARTIFACTS, log_in

C = "/api/v1/c/comm-a/canteen"
PHONE = {"width": 360, "height": 740}


async def published_week(h: Any, cook: Any) -> dict[str, Any]:
    ids = []
    for name, kind in (
        ("红烧肉", "meat"),
        ("清炒土豆丝", "vegetable"),
        ("冬瓜汤", "soup"),
        ("米饭", "staple"),
    ):
        ids.append((await cook.post(f"{C}/dishes", json={"name": name, "kind": kind})).json()["id"])
    today = dt.datetime.now(CST).date()
    menu = (
        await cook.post(
            f"{C}/menus", json={"week_start": (today - dt.timedelta(days=today.weekday())).isoformat()}
        )
    ).json()
    for s in menu["services"]:
        await cook.put(f"{C}/services/{s['id']}/dishes", json={"dish_ids": ids})
    return (await cook.post(f"{C}/menus/{menu['id']}/publish")).json()


async def test_an_elderly_resident_orders_on_her_phone_in_large_text(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    await h.enable("comm-a", "canteen", weekdays=[0, 1, 2, 3, 4, 5, 6])
    wang = await h.resident(
        "comm-a", "王秀英", building="3栋", dwelling="201", birth_date=dt.date(1940, 3, 1)
    )
    user = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", wang["id"], user)
    cook = await h.as_role("canteen_cook", "comm-a")
    await published_week(h, cook)
    r = await cook.post(f"{C}/diners", json={"person_id": wang["id"]})
    assert r.status_code == 201, r.text

    phone = await log_in(browser, base, user["username"], lands="/c/comm-a/home", viewport=PHONE)
    await phone.get_by_role("link", name="大字模式").click()
    await phone.goto(f"{base}/c/comm-a/canteen")
    await phone.get_by_text("王秀英的餐").wait_for()
    order = phone.get_by_role("button", name="订这一餐").first
    box = await order.bounding_box()
    assert (
        box is not None and box["x"] + box["width"] <= 360 and box["height"] >= 40
    )  # a big button on the phone
    await order.click()
    await phone.get_by_text("已订餐。").wait_for()
    await phone.screenshot(path=str(ARTIFACTS / "canteen-resident-phone.png"), full_page=True)
    await phone.get_by_role("button", name="这天不要").first.click()
    await phone.get_by_text("这一餐已取消。").wait_for()
    orders = (await cook.get(f"{C}/diners/1/orders")).json()
    assert [o["state"] for o in orders] == ["cancelled"] and orders[0]["source"] == "phone"


async def test_a_volunteer_finds_no_one_at_the_door(served: Any, browser: Any) -> None:
    h, base = served
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    await h.enable("comm-a", "canteen", weekdays=[0, 1, 2, 3, 4, 5, 6])
    zhang = await h.resident("comm-a", "张桂芳", building="3栋", dwelling="502")
    admin = await h.as_role("community_admin", "comm-a")
    cook = await h.as_role("canteen_cook", "comm-a")
    menu = await published_week(h, cook)
    diner = (await admin.post(f"{C}/diners", json={"person_id": zhang["id"], "eats": "delivered"})).json()
    tomorrow = (dt.datetime.now(CST).date() + dt.timedelta(days=1)).isoformat()
    lunch = next(s for s in menu["services"] if s["day"] == tomorrow)
    assert (
        await admin.post(f"{C}/orders", json={"diner_id": diner["id"], "service_id": lunch["id"]})
    ).status_code == 201
    volunteer = await h.user(role="canteen_volunteer", community="comm-a")
    route = (
        await admin.post(f"{C}/routes", json={"name": "三栋线", "volunteer_user_id": volunteer["id"]})
    ).json()
    await admin.post(f"{C}/routes/{route['id']}/stops", json={"diner_id": diner["id"], "note": "敲门要大声"})

    phone = await log_in(browser, base, volunteer["username"], lands="/c/comm-a/", viewport=PHONE)
    await phone.goto(f"{base}/c/comm-a/canteen/deliveries/{route['id']}/{lunch['id']}")
    await phone.get_by_text("敲门要大声").wait_for()
    await phone.get_by_label("备注（如有）").fill("敲门无人应答")
    await phone.get_by_role("button", name="无人应答").click()
    await phone.get_by_text("已记录无人应答，网格员今天会上门查看。").wait_for()
    await phone.screenshot(path=str(ARTIFACTS / "canteen-volunteer-phone.png"), full_page=True)
    due = (await admin.get("/api/v1/c/comm-a/visits/due")).json()
    assert due[0]["person_id"] == zhang["id"] and due[0]["reasons"] == ["送餐未应答（3栋 502）：敲门无人应答"]
