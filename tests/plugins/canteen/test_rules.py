"""The canteen's rules: subsidy arithmetic to the fen, the street office's limits, orders that
must be refused (after the cut-off, over capacity, a paused or stopped diner, an allergy), who
may order for whom, and what the register's changes do to a diner."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from plugins.canteen.manifest import SubsidyLimits
from plugins.canteen.subsidies import price_for
from tests.plugins.canteen.conftest import BASE, C, World, service_on, tomorrow

OVER_80 = {
    "name": "80岁以上",
    "min_age": 80,
    "hardship": "",
    "subsidy_fen": 500,
    "pays_fen": None,
    "funder": "街道",
    "active": True,
}
DIBAO = {
    "name": "低保",
    "min_age": None,
    "hardship": "low_income",
    "subsidy_fen": None,
    "pays_fen": 300,
    "funder": "民政",
    "active": True,
}
OVER_90 = {
    "name": "90岁以上",
    "min_age": 90,
    "hardship": "",
    "subsidy_fen": 1500,
    "pays_fen": None,
    "funder": "街道",
    "active": True,
}


@pytest.mark.parametrize(
    ("price", "age", "hardships", "rules", "limits", "expected"),
    [
        # ¥15.00 lunch, 85: ¥5.00 off → pays ¥10.00 (street office).
        (1500, 85, set(), [OVER_80, DIBAO], SubsidyLimits(), (500, 1000, "80岁以上")),
        # 85 and 低保: paying ¥3.00 saves ¥12.00, more than ¥5.00 off → the 低保 rule (civil affairs).
        (1500, 85, {"low_income"}, [OVER_80, DIBAO], SubsidyLimits(), (1200, 300, "低保")),
        # 79 and nothing else: full price.
        (1500, 79, set(), [OVER_80, DIBAO], SubsidyLimits(), (0, 1500, "")),
        # No birth date in the register: an age rule cannot apply.
        (1500, None, set(), [OVER_80], SubsidyLimits(), (0, 1500, "")),
        # A rule worth more than the ceiling is held to it: ¥15.00 off → ¥12.00 off.
        (
            1500,
            92,
            set(),
            [OVER_90],
            SubsidyLimits(max_subsidy_fen=1200, min_payable_fen=0),
            (1200, 300, "90岁以上"),
        ),
        # …and to the floor: everyone pays at least ¥1.00.
        (
            1500,
            92,
            set(),
            [OVER_90],
            SubsidyLimits(max_subsidy_fen=5000, min_payable_fen=100),
            (1400, 100, "90岁以上"),
        ),
        # A ¥0.50 breakfast with ¥5.00 off is free, down to the floor only: ¥0.50 stays payable.
        (
            50,
            85,
            set(),
            [OVER_80],
            SubsidyLimits(max_subsidy_fen=1200, min_payable_fen=100),
            (0, 50, "80岁以上"),
        ),
        # Retired rules never apply.
        (1500, 85, set(), [{**OVER_80, "active": False}], SubsidyLimits(), (0, 1500, "")),
    ],
)
def test_subsidy_arithmetic_to_the_fen(price, age, hardships, rules, limits, expected):
    p = price_for(price, rules, age=age, hardships=hardships, limits=limits)
    assert (p.subsidy_fen, p.payable_fen, p.rule_name) == expected
    assert p.subsidy_fen + p.payable_fen == price


async def test_the_street_office_sets_the_limits_and_a_rule_beyond_them_is_refused(world: World):
    w = world
    office_admin = await w.h.user(role="office_admin", office="office-a")
    office = await w.h.login(office_admin["username"])
    r = await office.put(
        "/api/v1/o/office-a/plugin-policies/canteen/settings", json={"max_subsidy_fen": 1000}
    )
    assert r.status_code == 200, r.text
    assert r.json()["settings"] == {"max_subsidy_fen": 1000, "min_payable_fen": 100}
    r = await office.put("/api/v1/o/office-a/plugin-policies/canteen/settings", json={"max_subsidy_fen": -5})
    assert r.status_code == 400 and "settings" in r.text
    r = await w.admin.post(
        f"{C}/subsidy-rules", json={"name": "低保", "hardship": "low_income", "pays_fen": 300}
    )
    assert (
        r.status_code == 400 and r.json()["extra"]["field"] == "pays_fen"
        if "extra" in r.json()
        else "pays_fen" in r.text
    )
    r = await w.admin.post(f"{C}/subsidy-rules", json={"name": "90岁", "min_age": 90, "subsidy_fen": 1100})
    assert r.status_code == 400 and "subsidy_fen" in r.text
    r = await w.admin.post(
        f"{C}/subsidy-rules", json={"name": "低保", "hardship": "low_income", "pays_fen": 500}
    )
    assert r.status_code == 201, r.text
    r = await w.admin.get(f"{C}/subsidy-rules")
    assert r.json()["office_limits"]["max_subsidy_fen"] == 1000
    assert [x["name"] for x in r.json()["rules"]] == ["低保"]
    # A community admin cannot change the office's limits.
    r = await w.admin.put(
        "/api/v1/o/office-a/plugin-policies/canteen/settings", json={"max_subsidy_fen": 5000}
    )
    assert r.status_code in (403, 404)
    # The office's page shows the form, labelled in Chinese.
    r = await office.get("/o/office-a/")
    assert r.status_code == 200 and "每餐补贴上限（分）" in r.text


async def test_orders_that_must_be_refused_leave_nothing_behind(world: World):
    w = world
    menu = await w.week()
    lunch = service_on(menu, tomorrow())
    zhang = await w.sign_up(w.admin, w.zhang, eats="delivered", allergies=["egg"])
    wang = await w.sign_up(w.admin, w.wang, avoid=["芹菜"])
    li = await w.sign_up(w.admin, w.li, eats="pick_up")

    async def count() -> int:
        return len((await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json())

    # An allergy is refused, naming the field; an avoided dish is ordered with a warning.
    r = await w.admin.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    assert r.status_code == 400 and "service_id" in r.text
    r = await w.admin.post(f"{C}/orders", json={"diner_id": wang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201 and r.json()["warning"] == "忌口：西芹百合"
    # Twice is a conflict.
    r = await w.admin.post(f"{C}/orders", json={"diner_id": wang["id"], "service_id": lunch["id"]})
    assert r.status_code == 409
    # Full: capacity one.
    r = await w.cook.patch(f"{C}/services/{lunch['id']}", json={"capacity": 1})
    assert r.status_code == 200, r.text
    r = await w.admin.post(f"{C}/orders", json={"diner_id": li["id"], "service_id": lunch["id"]})
    assert r.status_code == 409 and "full" in r.text
    r = await w.cook.patch(f"{C}/services/{lunch['id']}", json={"capacity": 0})
    assert r.status_code == 400 and "capacity" in r.text
    r = await w.cook.patch(f"{C}/services/{lunch['id']}", json={"capacity": 100})
    # Paused that day, and stopped.
    r = await w.admin.post(
        f"{C}/diners/{li['id']}/pause",
        json={
            "start": tomorrow().isoformat(),
            "end": (tomorrow() + dt.timedelta(days=3)).isoformat(),
            "reason": "hospital",
        },
    )
    assert r.status_code == 201, r.text
    r = await w.admin.post(f"{C}/orders", json={"diner_id": li["id"], "service_id": lunch["id"]})
    assert r.status_code == 400 and "diner_id" in r.text
    r = await w.admin.post(f"{C}/diners/{li['id']}/stop", json={"reason": "搬去女儿家住"})
    assert r.status_code == 201, r.text
    r = await w.admin.post(f"{C}/orders", json={"diner_id": li["id"], "service_id": lunch["id"]})
    assert r.status_code == 400 and "diner_id" in r.text
    # Bad bodies: unknown fields, ids out of range, a pause that ends before it starts.
    r = await w.admin.post(
        f"{C}/orders", json={"diner_id": wang["id"], "service_id": lunch["id"], "price": 0}
    )
    assert r.status_code == 400
    r = await w.admin.post(f"{C}/orders", json={"diner_id": 10**20, "service_id": lunch["id"]})
    assert r.status_code == 400 and "diner_id" in r.text
    r = await w.admin.post(
        f"{C}/diners/{wang['id']}/pause",
        json={"start": "2026-12-10", "end": "2026-12-01", "reason": "hospital"},
    )
    assert r.status_code == 400 and "end" in r.text
    # A route stop for a diner who eats at the canteen is refused.
    r = await w.admin.post(f"{C}/routes", json={"name": "一线"})
    route = r.json()
    r = await w.admin.post(f"{C}/routes/{route['id']}/stops", json={"diner_id": wang["id"]})
    assert r.status_code == 400 and "diner_id" in r.text
    # After the cut-off nothing is ordered or cancelled.
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    await w.cook.patch(f"{C}/services/{lunch['id']}", json={"cut_off": past})
    orders = (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()
    r = await w.admin.post(f"{C}/orders/{orders[0]['id']}/cancel")
    assert r.status_code == 409
    assert await count() == 1


async def test_who_orders_for_whom(world: World):
    w = world
    menu = await w.week()
    lunch = service_on(menu, tomorrow())
    zhang = await w.sign_up(w.admin, w.zhang, eats="delivered")
    wang = await w.sign_up(w.grid_worker, w.wang)
    # 王秀英 orders her own lunch on her phone; her daughter-in-law… no: 张桂芳's daughter orders hers.
    r = await w.wang_login.post(f"{C}/orders", json={"diner_id": wang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201 and r.json()["source"] == "phone"
    r = await w.daughter.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201 and r.json()["source"] == "proxy"
    # Neither sees the other's diner; the stranger of another community sees none.
    assert (await w.daughter.get(f"{C}/diners/{wang['id']}")).status_code == 404
    assert (
        await w.wang_login.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    ).status_code == 404
    assert [d["name"] for d in (await w.daughter.get(f"{C}/diners")).json()] == ["张桂芳"]
    assert (await w.stranger.get(f"{C}/diners/{wang['id']}")).status_code in (403, 404)
    # The grid worker of another grid cannot see or sign up people of this one.
    assert (await w.other_grid_worker.get(f"{C}/diners/{wang['id']}")).status_code == 404
    r = await w.other_grid_worker.post(f"{C}/diners", json={"person_id": w.li["id"]})
    assert r.status_code == 404
    # A resident cannot serve themself at the counter, nor see the kitchen.
    assert (await w.wang_login.get(f"{C}/services/{lunch['id']}/counts")).status_code == 403
    # The volunteer sees only routes they deliver.
    r = await w.admin.post(f"{C}/routes", json={"name": "别人的线"})
    assert (await w.volunteer.get(f"{C}/routes/{r.json()['id']}")).status_code == 404


async def test_a_death_recorded_in_the_register_stops_the_diner_and_cancels_her_meals(world: World):
    w = world
    menu = await w.week()
    lunch = service_on(menu, tomorrow())
    zhang = await w.sign_up(w.admin, w.zhang, eats="delivered")
    wang = await w.sign_up(w.admin, w.wang)
    await w.standing(zhang, "delivered")
    await w.standing(wang, "dine_in")
    r = await w.admin.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201
    r = await w.admin.post(
        f"{BASE}/residencies/{w.zhang['residency_id']}/move-out",
        json={"end_date": dt.date.today().isoformat(), "reason": "病故"},
    )
    assert r.status_code == 200, r.text
    # 王秀英 moves within the community: she eats on.
    await w.h.resident("comm-a", "王秀英-新家", building="5栋", dwelling="202")
    r = await w.admin.post(
        f"{BASE}/residencies/{w.wang['residency_id']}/move-out",
        json={"end_date": dt.date.today().isoformat(), "reason": "搬到女儿家"},
    )
    assert r.status_code == 200, r.text
    await w.h.deliver_events()
    d = (await w.admin.get(f"{C}/diners/{zhang['id']}")).json()
    assert (d["state"], d["state_reason"], d["standing_orders"]) == ("deceased", "病故", [])
    orders = (await w.admin.get(f"{C}/diners/{zhang['id']}/orders")).json()
    assert orders and {o["state"] for o in orders} == {"cancelled"}
    # She had no other home here: moved away, 王秀英 is stopped (not deceased).
    d = (await w.admin.get(f"{C}/diners/{wang['id']}")).json()
    assert d["state"] == "stopped"


async def test_pauses_end_by_themselves_and_the_counter_takes_payment(world: World):
    from plugins.canteen.counter import record_no_shows, serve
    from plugins.canteen.diners import end_pauses
    from plugins.canteen.orders import place

    w = world
    await w.rules()
    menu = await w.week()
    wang = await w.sign_up(w.admin, w.wang)
    li = await w.sign_up(w.admin, w.li, eats="pick_up")
    day = tomorrow()
    r = await w.admin.post(
        f"{C}/diners/{wang['id']}/pause",
        json={"start": day.isoformat(), "end": day.isoformat(), "reason": "with_family"},
    )
    assert r.status_code == 201
    async with w.h.tenant("comm-a"):
        assert await end_pauses(day) == 0  # still within the pause
        assert await end_pauses(day + dt.timedelta(days=1)) == 1
    assert (await w.admin.get(f"{C}/diners/{wang['id']}")).json()["state"] == "active"

    lunch = service_on(menu, day)
    async with w.h.tenant("comm-a"):
        a = await place(wang["id"], lunch["id"], source="counter", by_user_id=None)
        b = await place(li["id"], lunch["id"], source="counter", by_user_id=None)
        await serve(a.order["id"], pay="counter")
    r = await w.cook.post(f"{C}/services/{lunch['id']}/no-shows")
    assert r.status_code == 409  # the meal has not been served yet
    from plugins.canteen.tables import Service

    async with w.h.tenant("comm-a"):
        await (
            Service.update({Service.serves_at: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)})
            .where(Service.id == lunch["id"])
            .run()
        )
        assert await record_no_shows(lunch["id"]) == 1
    orders = {o["diner"]: o for o in (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()}
    assert orders[wang["id"]]["state"] == "served" and orders[wang["id"]]["paid_at"] is not None
    assert orders[wang["id"]]["payable_fen"] == 300
    assert orders[li["id"]]["state"] == "no_show" and b.order["payable_fen"] == 1500
    r = await w.cook.post(f"{C}/diners/{li['id']}/pay-month", json={"month": day.isoformat()})
    assert r.status_code == 201 and r.json() == {"meals": 1, "paid_fen": 1500}
    r = await w.cook.post(f"{C}/diners/{li['id']}/pay-month", json={"month": day.isoformat()})
    assert r.status_code == 409


async def test_the_monthly_statement_reads_back_with_numbers_as_numbers(world: World):
    from plugins.canteen.counter import serve
    from plugins.canteen.orders import place

    w = world
    await w.rules()
    menu = await w.week()
    # A name that would be a formula in a spreadsheet stays text.
    evil = await w.h.resident(
        "comm-a", '=HYPERLINK("x")', building="3栋", dwelling="601", birth_date=dt.date(1930, 1, 1)
    )
    wang = await w.sign_up(w.admin, w.wang)
    other = await w.sign_up(w.admin, evil)
    lunch = service_on(menu, tomorrow())
    async with w.h.tenant("comm-a"):
        for diner in (wang, other):
            placed = await place(diner["id"], lunch["id"], source="counter", by_user_id=None)
            await serve(placed.order["id"], pay="counter")
    r = await w.admin.get(f"{C}/statement.xlsx", params={"month": tomorrow().isoformat()})
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["汇总", "民政", "街道"]
    summary = {row[0]: row[1:] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["民政"] == (1, 12.0, 3.0) and summary["街道"] == (1, 5.0, 10.0)
    rows = list(book["街道"].iter_rows(min_row=2, values_only=True))
    assert rows[0][2] == '\'=HYPERLINK("x")' and rows[0][6] == 5.0
    assert isinstance(rows[0][5], int | float) and rows[0][5] == 15
