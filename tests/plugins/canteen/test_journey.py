"""From the menu to the door: standing orders → the cut-off → the kitchen's count → labels →
the round → not home → the grid worker's visit, as Wanquanjie's canteen runs."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from tests.plugins.canteen.conftest import BASE, C, World, service_on, tomorrow


async def run_round(w: World) -> dict[str, int]:
    """The canteen's scheduled round, as the worker runs it for the community."""
    from plugins.canteen.jobs import canteen_round

    async with w.h.tenant("comm-a"):
        return await canteen_round()


async def test_standing_orders_to_the_kitchen_labels_and_a_door_no_one_opens(world: World):
    w = world
    await w.rules()
    menu = await w.week()
    wang = await w.sign_up(w.grid_worker, w.wang, eats="dine_in", avoid=["芹菜"])
    zhang = await w.sign_up(
        w.admin,
        w.zhang,
        eats="delivered",
        texture="minced",
        allergies=[],
        diets=["low_salt"],
        emergency_name="张丽",
        emergency_phone="13900000002",
    )
    li = await w.sign_up(w.admin, w.li, eats="pick_up")
    for diner in (wang, zhang, li):
        await w.standing(diner, diner["eats"])
    lunch = service_on(menu, tomorrow())

    # The round makes tomorrow's orders from the standing orders, priced to the fen.
    made = await run_round(w)
    assert made["orders_made"] >= 3
    r = await w.cook.get(f"{C}/services/{lunch['id']}/orders")
    orders = {o["diner.name"]: o for o in r.json()}
    assert set(orders) == {"王秀英", "张桂芳", "李建华"}
    # 王秀英, 86 and 低保: the 低保 rule (pays ¥3.00) saves more than 80+ (¥5.00 off ¥15.00).
    assert (orders["王秀英"]["subsidy_fen"], orders["王秀英"]["payable_fen"], orders["王秀英"]["funder"]) == (
        1200,
        300,
        "民政",
    )
    assert orders["王秀英"]["warning"] == "忌口：西芹百合"
    assert (orders["张桂芳"]["subsidy_fen"], orders["张桂芳"]["payable_fen"]) == (500, 1000)
    assert (orders["李建华"]["subsidy_fen"], orders["李建华"]["payable_fen"]) == (0, 1500)
    # Made once: the next round adds nothing.
    assert (await run_round(w))["orders_made"] == 0

    # 李建华 will not come tomorrow: his exception cancels that day only.
    r = await w.admin.post(f"{C}/orders/{orders['李建华']['id']}/cancel")
    assert r.status_code == 201, r.text

    # The cut-off passes: the round closes the meal, and an order now is refused.
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    r = await w.cook.patch(f"{C}/services/{lunch['id']}", json={"cut_off": past})
    assert r.status_code == 200, r.text
    assert (await run_round(w))["closed"] >= 1
    r = await w.admin.post(f"{C}/orders", json={"diner_id": li["id"], "service_id": lunch["id"]})
    assert r.status_code == 409 and "cut-off" in r.text

    # The kitchen's count: two meals, one minced and low salt, a warning on 王秀英's tray.
    r = await w.cook.get(f"{C}/services/{lunch['id']}/counts")
    counts = r.json()
    assert counts["meals"] == 2
    assert counts["textures"] == {"normal": 1, "minced": 1}
    assert counts["how"] == {"dine_in": 1, "delivered": 1}
    assert counts["diets"] == {"low_salt": 1}
    assert {d["dish"]: d["total"] for d in counts["dishes"]}["红烧肉"] == 2
    assert counts["warnings"] == [{"name": "王秀英", "address": "3栋 201", "warning": "忌口：西芹百合"}]

    # A route with 张桂芳 as its stop, the volunteer on it.
    r = await w.admin.post(
        f"{C}/routes", json={"name": "三栋线", "volunteer_user_id": w.volunteer_user["id"]}
    )
    assert r.status_code == 201, r.text
    route = r.json()
    r = await w.admin.post(
        f"{C}/routes/{route['id']}/stops", json={"diner_id": zhang["id"], "note": "敲门要大声"}
    )
    assert r.status_code == 201, r.text

    # The labels: one per delivered meal, in packing order, with what the diner must not have.
    r = await w.cook.get(f"{C}/services/{lunch['id']}/labels.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages]
    assert len(pages) == 1
    assert "张桂芳" in pages[0] and "3栋 502" in pages[0] and "三栋线 第1站" in pages[0]
    assert "切碎" in pages[0] and "低盐" in pages[0]

    # The volunteer's round: no one opens 张桂芳's door.
    r = await w.volunteer.get(f"{C}/routes/{route['id']}/rounds/{lunch['id']}")
    assert r.status_code == 200, r.text
    stop = r.json()["stops"][0]
    assert stop["diner.name"] == "张桂芳" and stop["note"] == "敲门要大声"
    r = await w.volunteer.post(
        f"{C}/routes/{route['id']}/rounds/{lunch['id']}/deliveries",
        json={"order_id": stop["order"]["id"], "result": "not_home", "note": "敲门无人应答，电话未接"},
    )
    assert r.status_code == 201, r.text
    delivery = r.json()
    assert delivery["welfare_visit_id"] is not None
    # She lives alone at care tier 1: an urgent case too, routed to her grid.
    assert delivery["welfare_case_id"] is not None
    await w.h.deliver_events()

    # The grid worker of her building sees the visit at the top of today's list, with why.
    r = await w.grid_worker.get(f"{BASE}/visits/due")
    due = r.json()
    assert due[0]["person_id"] == w.zhang["id"]
    assert due[0]["reasons"] == ["送餐未应答（3栋 502）：敲门无人应答，电话未接"]
    # The grid worker elsewhere does not.
    r = await w.other_grid_worker.get(f"{BASE}/visits/due")
    assert all(d["person_id"] != w.zhang["id"] for d in r.json())
    r = await w.grid_worker.get(f"{BASE}/cases/{delivery['welfare_case_id']}")
    assert r.status_code == 200, r.text
    assert r.json()["priority"] == "urgent"

    # The visit is made: the check shows as seen, with what was found.
    r = await w.grid_worker.post(
        f"{BASE}/visits",
        json={"person_id": w.zhang["id"], "kind": "home", "findings": "老人在家睡着了，助听器没戴，身体无恙"},
    )
    assert r.status_code == 201, r.text
    r = await w.grid_worker.get(f"{BASE}/visits/due")
    assert all(d["person_id"] != w.zhang["id"] or not d["reasons"] for d in r.json())
    r = await w.admin.get(
        f"{C}/figures", params={"from": tomorrow().isoformat(), "to": tomorrow().isoformat()}
    )
    f = r.json()
    assert (f["not_home_checks"], f["not_home_seen"]) == (1, 1)
