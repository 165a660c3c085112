"""The demo's smart doors: a compound gate and the unit doors of the resettlement buildings,
their residents granted, a week of the access log — and no device that would raise alerts."""

from __future__ import annotations

from typing import Any

from core.testing import DEFAULT_PASSWORD

API = "/api/v1/c/comm-a/door_access"


async def test_the_demo_fits_doors_and_grants_the_residents(make_linli: Any) -> None:
    from core.demo import plugin_demo_data

    h = await make_linli(plugins=["door_access"])
    await h.community("comm-a", plugins=["door_access"])
    people = [await h.resident("comm-a", f"居民{b}", building=f"{b}栋", dwelling="101") for b in range(1, 15)]
    tenant = await h.runtime.tenants.by_slug("comm-a")
    await plugin_demo_data(h.runtime, tenant, DEFAULT_PASSWORD)
    await h.deliver_events()  # the move-ins' events find the grants already there: none twice

    admin = await h.as_role("community_admin", "comm-a")
    points = (await admin.get(f"{API}/points")).json()
    assert len(points) == 13 and sum(p["kind"] == "gate" for p in points) == 1
    assert (await admin.get(f"{API}/devices")).json() == []
    first = (await admin.get(f"{API}/persons/{people[0]['id']}/access")).json()
    assert len([g for g in first["grants"] if g["revoked_at"] is None]) == 1
    entries = (await admin.get(f"{API}/log", params={"limit": 200})).json()
    rows = entries["items"] if isinstance(entries, dict) else entries
    assert len(rows) >= 12 and {r["result"] for r in rows} == {"granted"}
    log = await admin.get("/c/comm-a/door_access/log")
    assert log.status_code == 200 and "单元门" in log.text
