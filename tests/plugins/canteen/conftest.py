"""A community with the canteen on every day of the week (so a test always has today's and
tomorrow's meals): Wanquanjie's elderly diners — 王秀英 (86, 低保, dines in, avoids celery),
张桂芳 (88, living alone at care tier 1, meals delivered, minced, allergic to eggs), 李建华 (72,
no subsidy, picks up) — the cook, a delivery volunteer, the grid worker of their building,
a grid worker elsewhere, staff, an office official, a resident's daughter who is her proxy, and
a resident of another community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from plugins.canteen.clock import CST

BASE = "/api/v1/c/comm-a"
C = f"{BASE}/canteen"
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


@dataclass
class World:
    h: Any
    admin: Any
    staff: Any
    cook: Any
    volunteer: Any
    volunteer_user: dict[str, Any]
    grid_worker: Any
    other_grid_worker: Any
    office: Any
    stranger: Any
    wang: dict[str, Any]  # 王秀英, the person of the register
    zhang: dict[str, Any]
    li: dict[str, Any]
    wang_login: Any  # 王秀英 herself
    daughter: Any  # 张桂芳's daughter, a proxy living elsewhere

    async def dishes(self) -> dict[str, int]:
        out = {}
        for name, kind, allergens, components in (
            ("红烧肉", "meat", [], "猪肉"),
            ("番茄炒蛋", "meat", ["egg"], "番茄、鸡蛋"),
            ("西芹百合", "vegetable", [], "芹菜、百合"),
            ("清炒土豆丝", "vegetable", [], "土豆"),
            ("冬瓜汤", "soup", [], "冬瓜"),
            ("米饭", "staple", [], "大米"),
        ):
            r = await self.cook.post(
                f"{C}/dishes",
                json={
                    "name": name,
                    "kind": kind,
                    "allergens": allergens,
                    "components": components,
                    "textures": ["soft", "minced"],
                },
            )
            assert r.status_code == 201, r.text
            out[name] = r.json()["id"]
        return out

    async def week(self, *, without_egg: bool = False) -> dict[str, Any]:
        """This week's menu, every lunch with the dishes of the seed (two meat, two vegetable, a
        soup, rice), published."""
        dishes = await self.dishes()
        monday = dt.datetime.now(CST).date() - dt.timedelta(days=dt.datetime.now(CST).weekday())
        r = await self.cook.post(f"{C}/menus", json={"week_start": monday.isoformat()})
        assert r.status_code == 201, r.text
        menu = r.json()
        chosen = [dishes[n] for n in ("红烧肉", "番茄炒蛋", "西芹百合", "清炒土豆丝", "冬瓜汤", "米饭")]
        if without_egg:
            chosen.remove(dishes["番茄炒蛋"])
        for s in menu["services"]:
            r = await self.cook.put(f"{C}/services/{s['id']}/dishes", json={"dish_ids": chosen})
            assert r.status_code == 200, r.text
        r = await self.cook.post(f"{C}/menus/{menu['id']}/publish")
        assert r.status_code == 201, r.text
        return r.json()

    async def rules(self) -> None:
        for body in (
            {"name": "80岁以上", "min_age": 80, "subsidy_fen": 500, "funder": "街道"},
            {"name": "低保", "hardship": "low_income", "pays_fen": 300, "funder": "民政"},
        ):
            r = await self.admin.post(f"{C}/subsidy-rules", json=body)
            assert r.status_code == 201, r.text

    async def sign_up(self, who: Any, person: dict[str, Any], **body: Any) -> dict[str, Any]:
        r = await who.post(f"{C}/diners", json={"person_id": person["id"], **body})
        assert r.status_code == 201, r.text
        return r.json()

    async def standing(self, diner: dict[str, Any], how: str, days: list[int] = EVERY_DAY) -> None:
        r = await self.admin.put(
            f"{C}/diners/{diner['id']}/standing", json={"meal": "lunch", "weekdays": days, "how": how}
        )
        assert r.status_code == 200, r.text


def service_on(menu: dict[str, Any], day: dt.date) -> dict[str, Any]:
    return next(s for s in menu["services"] if s["day"] == day.isoformat())


def tomorrow() -> dt.date:
    return dt.datetime.now(CST).date() + dt.timedelta(days=1)


async def grid_worker_of(h: Any, admin: Any, building_id: int, name: str) -> Any:
    grid = (await admin.post(f"{BASE}/grids", json={"name": name})).json()
    r = await admin.post(f"{BASE}/grids/{grid['id']}/places", json={"building_id": building_id})
    assert r.status_code == 201, r.text
    worker = await h.user(role="grid_worker", community="comm-a")
    r = await admin.post(
        f"{BASE}/grids/{grid['id']}/assignments",
        json={"user_id": worker["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    assert r.status_code == 201, r.text
    return await h.login(worker["username"])


async def build_world(make_linli, **settings: Any) -> World:
    h = await make_linli(plugins=["canteen"], **settings)
    await h.community("comm-a")
    await h.enable("comm-a", "canteen", weekdays=EVERY_DAY)
    await h.community("comm-b", plugins=["canteen"])
    admin = await h.as_role("community_admin", "comm-a")
    wang = await h.resident(
        "comm-a",
        "王秀英",
        building="3栋",
        dwelling="201",
        birth_date=dt.date(1940, 3, 1),
        categories=["low_income"],
    )
    zhang = await h.resident(
        "comm-a",
        "张桂芳",
        building="3栋",
        dwelling="502",
        birth_date=dt.date(1938, 6, 9),
        phone="13800000001",
    )
    li = await h.resident("comm-a", "李建华", building="5栋", dwelling="101", birth_date=dt.date(1954, 1, 1))
    far = await h.resident("comm-a", "赵明", building="9栋", dwelling="101")
    r = await admin.post(
        f"{BASE}/persons/{zhang['id']}/vulnerabilities", json={"category": "elderly_alone", "tier": 1}
    )
    assert r.status_code == 201, r.text
    wang_user = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", wang["id"], wang_user)
    daughter_user = await h.user(role="resident", community="comm-a")
    r = await admin.post(
        f"{BASE}/persons/{zhang['id']}/proxies",
        json={"proxy_user_id": daughter_user["id"], "scope": "canteen", "valid_from": "2026-01-01"},
    )
    assert r.status_code == 201, r.text
    volunteer_user = await h.user(role="canteen_volunteer", community="comm-a")
    stranger_user = await h.user(role="resident", community="comm-b")
    office_user = await h.user(role="office_official", office="office-a")
    return World(
        h=h,
        admin=admin,
        staff=await h.as_role("community_staff", "comm-a"),
        cook=await h.as_role("canteen_cook", "comm-a"),
        volunteer=await h.login(volunteer_user["username"]),
        volunteer_user=volunteer_user,
        grid_worker=await grid_worker_of(h, admin, wang["building_id"], "第三网格"),
        other_grid_worker=await grid_worker_of(h, admin, far["building_id"], "第九网格"),
        office=await h.login(office_user["username"]),
        stranger=await h.login(stranger_user["username"]),
        wang=wang,
        zhang=zhang,
        li=li,
        wang_login=await h.login(wang_user["username"]),
        daughter=await h.login(daughter_user["username"]),
    )


@pytest.fixture
async def world(make_linli) -> World:
    return await build_world(make_linli)
