"""A community with mediation (and repairs) on: the two neighbours of the seed's leaking solar
water heater, the mediation committee, a people's mediator and a psychologist, the grid worker of
their building, staff without a mediation role, a street-office official and a resident of
another community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

BASE = "/api/v1/c/comm-a"
M = f"{BASE}/mediation"


@dataclass
class World:
    h: Any
    admin: Any
    staff: Any  # community staff without a mediation role
    committee: Any  # a member of the people's mediation committee
    mediator: Any
    mediator_row: dict[str, Any]
    expert: Any  # a psychologist
    expert_row: dict[str, Any]
    applicant: Any  # downstairs, where the water comes in
    applicant_person: dict[str, Any]
    respondent: Any  # upstairs, the solar water heater's owner
    respondent_person: dict[str, Any]
    grid_worker: Any  # of building 3
    other_grid_worker: Any  # of another grid
    office: Any  # a street-office official
    stranger: Any  # a resident of another community

    async def raise_leak(self, **body: Any) -> dict[str, Any]:
        payload = {
            "kind": "leak",
            "source": "grid_worker",
            "summary": "楼上太阳能热水器漏水，渗到楼下卫生间天花板，双方多次争吵。",
            "parties": [
                {"role": "applicant", "person_id": self.applicant_person["id"]},
                {"role": "respondent", "person_id": self.respondent_person["id"]},
            ],
            **body,
        }
        r = await self.grid_worker.post(f"{M}/disputes", json=payload)
        assert r.status_code == 201, r.text
        return r.json()

    def party_id(self, dispute: dict[str, Any], role: str) -> int:
        return next(p["id"] for p in dispute["parties"] if p["role"] == role)

    async def in_mediation(self) -> dict[str, Any]:
        """A leak dispute accepted, with the mediator (lead) and the psychologist assigned and
        a joint session held."""
        d = await self.raise_leak()
        r = await self.committee.post(f"{M}/disputes/{d['id']}/accept")
        assert r.status_code == 200, r.text
        for row, lead in ((self.mediator_row, True), (self.expert_row, False)):
            r = await self.committee.post(
                f"{M}/disputes/{d['id']}/mediators", json={"mediator_id": row["id"], "lead": lead}
            )
            assert r.status_code == 200, r.text
        start = dt.datetime.now(dt.UTC).replace(microsecond=0)
        r = await self.mediator.post(
            f"{M}/disputes/{d['id']}/sessions",
            json={
                "room": "调解室",
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
                "attendees": ["人民调解员", "心理咨询师", "网格员", "张阿姨", "李先生"],
            },
        )
        assert r.status_code == 201, r.text
        r = await self.mediator.get(f"{M}/disputes/{d['id']}")
        assert r.json()["state"] == "in_mediation", r.text
        return r.json()


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


async def resident_login(h: Any, person: dict[str, Any]) -> Any:
    user = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", person["id"], user)
    return await h.login(user["username"])


async def build_world(make_linli, **settings: Any) -> World:
    h = await make_linli(plugins=["mediation", "repairs"], **settings)
    await h.community("comm-a", plugins=["mediation", "repairs"])
    await h.community("comm-b", plugins=["mediation"])
    admin = await h.as_role("community_admin", "comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    committee = await h.as_role("mediation_coordinator", "comm-a")
    applicant_person = await h.resident("comm-a", "张桂兰", building="3栋", dwelling="201")
    respondent_person = await h.resident("comm-a", "李建国", building="3栋", dwelling="301")
    far = await h.resident("comm-a", "王芳", building="9栋", dwelling="101")
    applicant = await resident_login(h, applicant_person)
    respondent = await resident_login(h, respondent_person)
    grid_worker = await grid_worker_of(h, admin, applicant_person["building_id"], "第三网格")
    other_grid_worker = await grid_worker_of(h, admin, far["building_id"], "第九网格")

    async def on_roster(name: str, kind: str) -> tuple[Any, dict[str, Any]]:
        user = await h.user(role="mediator", community="comm-a")
        r = await committee.post(
            f"{M}/mediators",
            json={"name": name, "kind": kind, "user_id": user["id"], "specialities": ["leak"]},
        )
        assert r.status_code == 201, r.text
        return await h.login(user["username"]), r.json()

    mediator, mediator_row = await on_roster("周调解员", "peoples_mediator")
    expert, expert_row = await on_roster("陈心理咨询师", "psychologist")
    office_user = await h.user(role="office_official", office="office-a")
    stranger_user = await h.user(role="resident", community="comm-b")
    return World(
        h=h,
        admin=admin,
        staff=staff,
        committee=committee,
        mediator=mediator,
        mediator_row=mediator_row,
        expert=expert,
        expert_row=expert_row,
        applicant=applicant,
        applicant_person=applicant_person,
        respondent=respondent,
        respondent_person=respondent_person,
        grid_worker=grid_worker,
        other_grid_worker=other_grid_worker,
        office=await h.login(office_user["username"]),
        stranger=await h.login(stranger_user["username"]),
    )


@pytest.fixture
async def world(make_linli) -> World:
    return await build_world(make_linli)
