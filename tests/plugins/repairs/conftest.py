"""A community with the repairs plugin on, its people, and a small volunteer team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

C = "/api/v1/c/comm-a/repairs"


@dataclass
class World:
    h: Any
    staff: Any
    resident: Any
    resident_user: dict[str, Any]
    home: dict[str, Any]  # the resident's person, dwelling and building ids
    plumber: Any  # logged-in volunteer client
    plumber_member: dict[str, Any]
    electrician: Any
    electrician_member: dict[str, Any]

    async def volunteer(self, name: str, skills: list[dict[str, Any]], **member: Any) -> tuple[Any, dict]:
        user = await self.h.user(role="volunteer", community="comm-a")
        client = await self.h.login(user["username"])
        r = await self.staff.post(f"{C}/team", json={"name": name, "user_id": user["id"], **member})
        assert r.status_code == 201, r.text
        for skill in skills:
            s = await self.staff.post(f"{C}/team/{r.json()['id']}/skills", json=skill)
            assert s.status_code == 200, s.text
        return client, r.json()

    async def report(self, client: Any = None, **body: Any) -> dict[str, Any]:
        payload = {
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": self.home["dwelling_id"],
            "description": "厨房水管漏水",
            **body,
        }
        r = await (client or self.resident).post(C, json=payload)
        assert r.status_code == 201, r.text
        return r.json()


async def build_world(make_linli, **settings: Any) -> World:
    h = await make_linli(plugins=["repairs"], **settings)
    await h.community("comm-a", plugins=["repairs"])
    await h.community("comm-b", plugins=["repairs"])
    staff = await h.as_role("community_staff", "comm-a")
    resident_user = await h.user(role="resident", community="comm-a")
    resident = await h.login(resident_user["username"])
    home = await h.resident("comm-a", "张桂兰", building="8栋", dwelling="301")
    await h.link_resident("comm-a", home["id"], resident_user)  # she reports for her own home
    w = World(h, staff, resident, resident_user, home, None, {}, None, {})
    w.plumber, w.plumber_member = await w.volunteer("谭仕权", [{"skill": "plumber", "level": 2}])
    next_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    w.electrician, w.electrician_member = await w.volunteer(
        "熊保庆",
        [{"skill": "electrician", "level": 3, "certificate_no": "T-2201", "certificate_expires": next_year}],
    )
    return w


@pytest.fixture
async def world(make_linli) -> World:
    return await build_world(make_linli)
