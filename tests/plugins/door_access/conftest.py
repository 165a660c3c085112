"""A community with door access on, one building door with a device, and a simulator behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.door_sim.simulator import DoorSimulator

SECRET = "s" * 40
PASSWORD = "correct-horse-battery"
BASE = "/api/v1/c/comm-a/door_access"


@pytest.fixture
def sims():
    started: list[DoorSimulator] = []

    def make(secret: str = SECRET, **options: Any) -> DoorSimulator:
        sim = DoorSimulator(secret, seed=7, **options)
        sim.serve()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@dataclass
class World:
    h: Any
    staff: Any
    sim: DoorSimulator
    point_id: int
    device_id: int
    building_id: int

    async def sync(self, device_id: int | None = None, at: dt.datetime | None = None) -> dict[str, int]:
        from core.tenancy.context import tenant_scope
        from plugins.door_access.sync import run_device

        # As the job runs it: the community set, no transaction around the device calls.
        with tenant_scope(await self.h.runtime.tenants.by_slug("comm-a")):
            return await run_device(device_id or self.device_id, at)

    async def reconcile(self, device_id: int | None = None) -> dict[str, int]:
        from core.tenancy.context import tenant_scope
        from plugins.door_access.sync import reconcile

        with tenant_scope(await self.h.runtime.tenants.by_slug("comm-a")):
            return await reconcile(device_id or self.device_id)

    async def push(self, events: list[dict[str, Any]], *, device_id: int | None = None, **kw: Any) -> Any:
        path = f"{BASE}/devices/{device_id or self.device_id}/events"
        body, headers = self.sim.signed_push(events, path, **kw)
        return await self.h.client().post(path, content=body, headers=headers)

    async def move_in(self, name: str = "张桂兰", dwelling_index: int = 0) -> dict[str, Any]:
        base = "/api/v1/c/comm-a"
        dwellings = (await self.staff.get(f"{base}/buildings/{self.building_id}/dwellings")).json()
        person = (await self.staff.post(f"{base}/persons", json={"name": name})).json()
        r = await self.staff.post(
            f"{base}/persons/{person['id']}/move-in",
            json={"dwelling_id": dwellings[dwelling_index]["id"], "start_date": "2020-01-01"},
        )
        assert r.status_code in (200, 201), r.text
        await self.h.deliver_events()
        return {"person_id": person["id"], "residency_id": r.json()["id"]}

    async def resident_login(self, person_id: int, phone: str) -> Any:
        """The resident's own login, made as the community office makes it (a resident account)."""
        from core.residents.accounts import create_account

        async with self.h.tenant("comm-a"):
            await create_account(
                self.h.runtime.roles, person_id, phone=phone, password=PASSWORD, actor_id=None
            )
        self.h.runtime.credentials.clear()
        return await self.h.login(phone, PASSWORD)

    async def card(self, person_id: int, number: str) -> dict[str, Any]:
        r = await self.staff.post(
            f"{BASE}/persons/{person_id}/credentials", json={"kind": "card", "card_number": number}
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def enter(self, credential: str, value: str, **kw: Any) -> dict[str, Any]:
        """Present a credential at the simulated door; the event goes through the webhook."""
        event = self.sim.present(credential, value, **kw)
        r = await self.push([event])
        assert r.status_code == 200, r.text
        return event


async def add_device(
    h: Any, staff: Any, point_id: int, address: str, name: str = "1栋门口机", secret: str = SECRET
) -> int:
    r = await staff.post(
        f"{BASE}/devices",
        json={"access_point_id": point_id, "name": name, "address": address, "secret": secret},
    )
    assert r.status_code == 201, r.text
    assert r.json()["secret"] == secret
    return int(r.json()["id"])


@pytest.fixture
def build_world(make_linli, sims):
    async def build(**overrides: Any) -> World:
        h = await make_linli(plugins=["door_access"], **overrides)
        await h.community("comm-a", plugins=["door_access"])
        staff = await h.as_role("community_admin", "comm-a")
        building = (
            await staff.post(
                "/api/v1/c/comm-a/buildings",
                json={"name": "1栋", "floors": 6, "units": 1, "dwellings_per_floor": 2},
            )
        ).json()
        r = await staff.post(
            f"{BASE}/points", json={"name": "1栋单元门", "kind": "building", "building_id": building["id"]}
        )
        assert r.status_code == 201, r.text
        sim = sims()
        device_id = await add_device(h, staff, r.json()["id"], f"http://127.0.0.1:{sim.port}")
        return World(h, staff, sim, r.json()["id"], device_id, building["id"])

    return build


@pytest.fixture
async def world(build_world) -> World:
    return await build_world()
