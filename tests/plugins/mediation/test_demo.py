"""The demo's solar water heater dispute: loaded through the load_demo_data hook, the whole
story from intake to the return visit, readable by the demo mediator and counted in the figures."""

from __future__ import annotations

from typing import Any

from core.testing import DEFAULT_PASSWORD
from tests.plugins.mediation.conftest import M


async def test_the_demo_tells_the_seed_story(make_linli: Any):
    from core.demo import plugin_demo_data

    h = await make_linli(plugins=["mediation"])
    await h.community("comm-a", plugins=["mediation"])
    await h.resident("comm-a", "张桂兰", building="3栋", dwelling="201")
    await h.resident("comm-a", "李建国", building="3栋", dwelling="301")
    tenant = await h.runtime.tenants.by_slug("comm-a")
    await plugin_demo_data(h.runtime, tenant, DEFAULT_PASSWORD)

    mediator = await h.login("comm-a-mediator")
    [item] = (await mediator.get(f"{M}/disputes")).json()["items"]
    d = (await mediator.get(f"{M}/disputes/{item['id']}")).json()
    assert d["state"] == "closed" and d["kind"] == "leak"
    assert [p["name"] for p in d["parties"]] == ["张桂兰", "李建国"]
    assert d["agreement"]["signed_at"] is not None and d["agreement"]["terms"][0]["state"] == "done"
    assert d["follow_ups"][0]["settled"] is True and "握手言和" in d["follow_ups"][0]["outcome"]
    assert len(d["notes"]) == 2
    committee = await h.login("comm-a-mediation_coordinator")
    roster = (await committee.get(f"{M}/mediators")).json()
    assert {m["kind"] for m in roster} == {"peoples_mediator", "psychologist", "lawyer", "social_worker"}
    admin = await h.as_role("community_admin", "comm-a")
    figures = (await admin.get(f"{M}/figures?start=2020-01-01")).json()
    assert figures["agreement_rate"] == 1.0 and figures["median_days_to_agreement"] > 0
    assert figures["follow_ups_done"] == 1
