"""The demo's elderly canteen: loaded through the load_demo_data hook — dishes, subsidy tiers,
this and next week's menus published, elders on standing orders, a delivery route for the
demo volunteer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.testing import DEFAULT_PASSWORD
from tests.plugins.canteen.conftest import BASE

C = f"{BASE}/canteen"


async def test_the_demo_canteen_runs_a_week(make_linli: Any):
    from core.demo import plugin_demo_data

    h = await make_linli(plugins=["canteen"])
    await h.community("comm-a", plugins=["canteen"])
    for i, (name, year) in enumerate(
        (("王秀英", 1940), ("张桂芳", 1938), ("李建华", 1950), ("刘淑珍", 1944))
    ):
        await h.resident(
            "comm-a", name, building="3栋", dwelling=f"{i + 1}01", birth_date=dt.date(year, 5, 1)
        )
    tenant = await h.runtime.tenants.by_slug("comm-a")
    await plugin_demo_data(h.runtime, tenant, DEFAULT_PASSWORD)

    cook = await h.login("comm-a-canteen_cook")
    diners = (await cook.get(f"{C}/diners")).json()
    assert {d["name"] for d in diners} == {"王秀英", "张桂芳", "李建华", "刘淑珍"}
    assert sum(d["eats"] == "delivered" for d in diners) == 1
    next_monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    menu = (await cook.get(f"{C}/menus", params={"week": next_monday.isoformat()})).json()
    assert menu["published_at"] is not None and len(menu["services"]) == 5
    kinds = sorted(d["kind"] for d in menu["services"][0]["dishes"])
    assert kinds == ["meat", "meat", "soup", "staple", "vegetable", "vegetable"]  # the seed's lunch
    admin = await h.as_role("community_admin", "comm-a")
    rules = (await admin.get(f"{C}/subsidy-rules")).json()["rules"]
    assert {r["name"] for r in rules} == {"80岁以上老人", "低保老人", "特困人员"}
    volunteer = await h.login("comm-a-canteen_volunteer")
    [route] = (await volunteer.get(f"{C}/routes")).json()
    stops = (await volunteer.get(f"{C}/routes/{route['id']}")).json()["stops"]
    assert [s["diner.name"] for s in stops] == [next(d["name"] for d in diners if d["eats"] == "delivered")]
