"""The pages, as each kind of user works them: the grid worker signs a diner up, the cook makes
and publishes the week's menu, the resident orders and skips a day on her phone, the kitchen
counts and serves, the volunteer works the round — in Chinese, with no code or id where a person
expects words, every form redirecting after its post and refusals saving nothing."""

from __future__ import annotations

import datetime as dt
import re

from plugins.canteen.clock import CST
from tests.plugins.canteen.conftest import C, World, service_on, tomorrow

P = "/c/comm-a/canteen"
CODES = ("dine_in", "pick_up", "delivered", "low_salt", "not_home", "ordered", "lunch", "minced")


def words_only(html: str) -> None:
    """No vocabulary code is shown as text (attribute values and URLs may carry them)."""
    shown = re.sub(r'="[^"]*"', "", re.sub(r"<script.*?</script>", "", html, flags=re.S))
    for code in CODES:
        assert code not in shown, code


async def test_a_week_of_the_canteen_through_the_pages(world: World):
    w = world
    # The cook adds the dishes and makes the week's menu.
    for name, kind in (
        ("红烧肉", "meat"),
        ("清炒土豆丝", "vegetable"),
        ("冬瓜汤", "soup"),
        ("米饭", "staple"),
    ):
        r = await w.cook.post(f"{P}/dishes", data={"name": name, "kind": kind, "components": name})
        assert r.status_code == 303, r.text
    r = await w.cook.post(f"{P}/dishes", data={"name": "", "kind": "meat"})
    assert r.status_code == 400 and "请填写此项" in r.text
    monday = dt.datetime.now(CST).date() - dt.timedelta(days=dt.datetime.now(CST).weekday())
    r = await w.cook.post(f"{P}/menus", data={"week": monday.isoformat()})
    assert r.status_code == 303, r.text
    page = await w.cook.get(r.headers["location"])
    assert page.status_code == 200 and "红烧肉" in page.text and "未发布" in page.text
    r = await w.cook.post(f"{P}/menus/publish", data={"week": monday.isoformat()})
    assert r.status_code == 400 and "请先为每一餐选好菜品" in r.text
    menu = (await w.cook.get(f"{C}/menus")).json()
    dishes = ",".join(str(d["id"]) for d in (await w.cook.get(f"{C}/dishes")).json())
    for s in menu["services"]:
        r = await w.cook.post(
            f"{P}/menus/meal", data={"service_id": str(s["id"]), "dish_ids": dishes, "capacity": "80"}
        )
        assert r.status_code == 303, r.text
    r = await w.cook.post(f"{P}/menus/publish", data={"week": monday.isoformat()})
    assert r.status_code == 303, r.text

    # The grid worker signs 王秀英 up; a wrong flat is refused beside its field, nothing saved.
    form = {
        "person_name": "王秀英",
        "person_building": str(w.wang["building_id"]),
        "person_number": "999",
        "eats": "dine_in",
        "texture": "soft",
        "diets": "low_salt",
        "avoid": "芹菜、香菜",
    }
    r = await w.grid_worker.post(f"{P}/diners", data=form)
    assert r.status_code == 400 and "这栋楼没有这个门牌号" in r.text and "王秀英" in r.text
    assert (await w.grid_worker.get(f"{C}/diners")).json() == []
    r = await w.grid_worker.post(f"{P}/diners", data={**form, "person_number": "201"})
    assert r.status_code == 303, r.text
    page = await w.grid_worker.get(r.headers["location"])
    assert page.status_code == 200 and "软烂" in page.text and "芹菜、香菜" in page.text
    words_only(page.text)
    diner_id = int(r.headers["location"].rsplit("/", 1)[1])

    # 王秀英 on her phone: tomorrow's lunch, ordered with one button, then not this day.
    lunch = service_on(menu, tomorrow())
    home = await w.wang_login.get(P)
    assert home.status_code == 200 and "订这一餐" in home.text and "王秀英的餐" in home.text
    words_only(home.text)
    r = await w.wang_login.post(
        f"{P}/order", data={"diner_id": str(diner_id), "service_id": str(lunch["id"])}
    )
    assert r.status_code == 303, r.text
    home = await w.wang_login.get(P)
    assert "已订" in home.text and "自付" in home.text and "这天不要" in home.text
    r = await w.wang_login.post(
        f"{P}/order", data={"diner_id": str(diner_id), "service_id": str(lunch["id"])}
    )
    assert r.status_code == 409 and "已经订了这一餐" in r.text
    r = await w.wang_login.post(f"{P}/skip", data={"diner_id": str(diner_id), "service_id": str(lunch["id"])})
    assert r.status_code == 303
    r = await w.wang_login.post(
        f"{P}/order", data={"diner_id": str(diner_id), "service_id": str(lunch["id"])}
    )
    assert r.status_code == 303
    # She cannot open another diner's page, nor the kitchen.
    assert (await w.wang_login.get(f"{P}/kitchen")).status_code == 403

    # A standing order from her page (Mon–Fri).
    r = await w.grid_worker.post(
        f"{P}/diners/{diner_id}/standing",
        data={"meal": "lunch", "weekdays": "0,1,2,3,4", "portion": "small", "how": "dine_in"},
    )
    assert r.status_code == 303, r.text

    # The kitchen: counts and the counter.
    page = await w.cook.get(f"{P}/kitchen?service={lunch['id']}")
    assert page.status_code == 200 and "王秀英" in page.text and "忌口" not in page.text
    assert "软烂 1" in page.text and "低盐 1" in page.text
    words_only(page.text)
    order = (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()[0]
    r = await w.cook.post(
        f"{P}/kitchen/serve",
        data={"service_id": str(lunch["id"]), "order_id": str(order["id"]), "pay": "counter"},
    )
    assert r.status_code == 303, r.text
    assert (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()[0]["state"] == "served"
    # 李建华 comes to the counter without an order: ordered there and then.
    r = await w.admin.post(f"{C}/diners", json={"person_id": w.li["id"], "eats": "pick_up"})
    li = r.json()
    r = await w.cook.post(
        f"{P}/kitchen/order", data={"service_id": str(lunch["id"]), "diner_id": str(li["id"])}
    )
    assert r.status_code == 303, r.text
    orders = {o["diner"]: o for o in (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()}
    assert orders[li["id"]]["source"] == "counter" and orders[li["id"]]["how"] == "dine_in"
    r = await w.cook.post(
        f"{P}/kitchen/serve",
        data={"service_id": str(lunch["id"]), "order_id": str(orders[li["id"]]["id"]), "pay": "monthly"},
    )
    assert r.status_code == 303
    month = tomorrow().strftime("%Y-%m")
    r = await w.cook.post(f"{P}/diners/{li['id']}/pay-month", data={"month": month})
    assert r.status_code == 303, r.text
    page = await w.cook.get(r.headers["location"])
    assert "已结清 1 餐，共 ¥15.00。" in page.text
    r = await w.cook.post(f"{P}/diners/{li['id']}/pay-month", data={"month": month})
    assert r.status_code == 409 and "那个月没有待付的餐费" in r.text
    r = await w.cook.post(f"{P}/kitchen/sample", data={"service_id": str(lunch["id"]), "grams": "50"})
    assert r.status_code == 400 and "至少留样 125 克" in r.text
    r = await w.cook.post(f"{P}/kitchen/sample", data={"service_id": str(lunch["id"]), "grams": "150"})
    assert r.status_code == 303

    # Staff: the front page, the setup page with a rule added in yuan.
    page = await w.admin.get(P)
    assert page.status_code == 200 and "今天" in page.text
    r = await w.admin.post(
        f"{P}/setup/rules",
        data={"name": "80岁以上", "min_age": "80", "kind": "subsidy", "amount": "5", "funder": "街道"},
    )
    assert r.status_code == 303, r.text
    r = await w.admin.post(
        f"{P}/setup/rules",
        data={"name": "低保", "hardship": "low_income", "kind": "pays", "amount": "0.5", "funder": "民政"},
    )
    assert r.status_code == 400 and "街道" in r.text  # below what the street office asks every diner to pay
    page = await w.admin.get(f"{P}/setup")
    assert "减 ¥5.00" in page.text and "80 岁以上" in page.text


async def test_the_volunteer_works_the_round_on_the_phone(world: World):
    w = world
    menu = await w.week()
    zhang = await w.sign_up(w.admin, w.zhang, eats="delivered")
    lunch = service_on(menu, tomorrow())
    r = await w.admin.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201
    r = await w.admin.post(
        f"{P}/deliveries/routes", data={"name": "三栋线", "meal": "lunch", "volunteer": "nobody-here"}
    )
    assert r.status_code == 400 and "社区成员中没有这个用户名" in r.text
    r = await w.admin.post(
        f"{P}/deliveries/routes",
        data={"name": "三栋线", "meal": "lunch", "volunteer": w.volunteer_user["username"]},
    )
    assert r.status_code == 303, r.text
    route = (await w.admin.get(f"{C}/routes")).json()[0]
    r = await w.admin.post(
        f"{P}/deliveries/routes/{route['id']}/stops",
        data={"diner_id": str(zhang["id"]), "note": "敲门要大声"},
    )
    assert r.status_code == 303, r.text
    page = await w.volunteer.get(f"{P}/deliveries")
    assert page.status_code == 200 and "三栋线" in page.text
    page = await w.volunteer.get(f"{P}/deliveries/{route['id']}/{lunch['id']}")
    assert (
        page.status_code == 200
        and "张桂芳" in page.text
        and "敲门要大声" in page.text
        and "无人应答" in page.text
    )
    order = (await w.admin.get(f"{C}/services/{lunch['id']}/orders")).json()[0]
    r = await w.volunteer.post(
        f"{P}/deliveries/{route['id']}/{lunch['id']}",
        data={"order_id": str(order["id"]), "result": "delivered"},
    )
    assert r.status_code == 303, r.text
    page = await w.volunteer.get(f"{P}/deliveries/{route['id']}/{lunch['id']}")
    assert "已送达" in page.text
    r = await w.volunteer.post(
        f"{P}/deliveries/{route['id']}/{lunch['id']}",
        data={"order_id": str(order["id"]), "result": "delivered"},
    )
    assert r.status_code == 409 and "已经记录过了" in r.text
