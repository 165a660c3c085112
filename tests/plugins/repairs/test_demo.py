"""The demo's repair team: forty volunteers with skills (certificates where the trade needs one),
a month of repairs — most fixed, signed off and rated, some still open — and the exterior-wall
safety-net project; the street office's overview has a repair figure to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.testing import DEFAULT_PASSWORD

API = "/api/v1/c/comm-a/repairs"


async def test_the_demo_has_a_working_repair_team(make_linli: Any) -> None:
    from core.demo import plugin_demo_data

    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    for b in range(1, 13):
        for flat in ("101", "201", "301"):
            await h.resident("comm-a", f"居民{b}-{flat}", building=f"{b}栋", dwelling=flat)
    tenant = await h.runtime.tenants.by_slug("comm-a")
    await plugin_demo_data(h.runtime, tenant, DEFAULT_PASSWORD)

    coordinator = await h.login("comm-a-repair_coordinator")
    roster = (await coordinator.get(f"{API}/team")).json()
    assert len(roster) == 40
    electricians = [m for m in roster if any(s["skill"] == "electrician" for s in m["skills"])]
    assert electricians and all(s["certificate_no"] for m in electricians for s in m["skills"])
    figures = (
        await coordinator.get(
            f"{API}/figures", params={"start": (dt.date.today() - dt.timedelta(days=40)).isoformat()}
        )
    ).json()
    assert figures["reported"] >= 30 and figures["fixed"] >= 15
    projects = (await coordinator.get(f"{API}/projects")).json()
    assert [p["title"] for p in projects] == ["外墙安全网"] and projects[0]["per_household_fen"] == 60000


async def test_the_demo_loads_where_no_app_is_running(make_linli: Any) -> None:
    """``linli demo`` fills the database outside the app: the plugins' services still find the
    running Linli (the repairs demo opens cases through core.api)."""
    from core import runtime as running
    from core.demo import plugin_demo_data

    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    await h.resident("comm-a", "居民", building="1栋", dwelling="101")
    tenant = await h.runtime.tenants.by_slug("comm-a")
    running.set_current(None)  # as in the `linli demo` command
    try:
        await plugin_demo_data(h.runtime, tenant, DEFAULT_PASSWORD)
    finally:
        running.set_current(h.runtime)
    coordinator = await h.login("comm-a-repair_coordinator")
    assert len((await coordinator.get(f"{API}/team")).json()) == 40
