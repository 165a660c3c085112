"""The plugin contract's two rules: registration hooks are collected once under one policy, and
a plugin failing in a tenant-time hook costs that plugin its part, never the page."""

from __future__ import annotations

from typing import Any

import lp_bad_registration
import lp_faulty
import pytest

from core.plugins.registry import PluginLoadError, load_plugins
from core.testing.harness import DEFAULT_PASSWORD


def test_a_plugin_whose_registration_fails_is_quarantined_with_the_reason() -> None:
    lp_bad_registration.CALLS.clear()
    registry = load_plugins(
        ["lp_alpha", "lp_bad_registration", "lp_raising_registration"], include_entry_points=False
    )
    assert set(registry.plugins) == {"alpha"}
    reasons = {q.name: q.reason for q in registry.quarantined}
    assert "register_case_types returned str, expected CaseType" in reasons["badreg"]
    assert "register_routes raised RuntimeError: cannot build routes" in reasons["raisereg"]
    assert lp_bad_registration.CALLS == ["register_case_types"]  # called once, at load
    # Nothing of a quarantined plugin is kept, and the core's own contributions come first.
    assert "badreg" not in {c.plugin_id for c in registry.contributions.case_types.values()}
    assert next(iter(registry.contributions.case_types.values())).plugin_id == "core"
    with pytest.raises(PluginLoadError, match="badreg"):
        load_plugins(["lp_alpha", "lp_bad_registration"], include_entry_points=False, strict=True)


def test_registration_hooks_are_not_called_again_after_load() -> None:
    registry = load_plugins(["lp_alpha"], include_entry_points=False)
    types_once = registry.contributions.case_type_map
    assert registry.contributions.case_type_map is types_once  # built once, shared by every caller
    assert {"general_request", "complaint"} <= set(types_once)
    assert next(c.item.name for c in registry.contributions.schedules) == "core.events.sweep"


async def _community_with(make_linli: Any, *plugins: str) -> Any:
    h = await make_linli(
        plugins=["alpha", *plugins], extra_modules=["lp_alpha", "lp_faulty", "lp_wrong_types"]
    )
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    for pid in ("alpha", *plugins):
        await h.enable("comm-a", pid)
    return h


async def _page_client(h: Any, **role: Any) -> Any:
    user = await h.user(**role)
    client = h.client()
    r = await client.post(
        "/login", data={"username": user["username"], "password": DEFAULT_PASSWORD, "next": "/"}
    )
    assert r.status_code == 303
    return client


@pytest.mark.parametrize("bad", ["faulty", "wrongtypes"])
async def test_every_ui_slot_survives_a_failing_plugin(make_linli: Any, bad: str) -> None:
    lp_faulty.CALLS.clear()
    h = await _community_with(make_linli, bad)  # enabling runs a raising on_tenant_enabled: it stands
    person = await h.resident("comm-a", "王秀英")
    staff = await _page_client(h, role="community_admin", community="comm-a")
    pages = {
        "ui_navigation, ui_dashboard_cards": "/c/comm-a/",
        "ui_panels (resident)": f"/c/comm-a/residents/{person['id']}",
        "ui_panels (building)": f"/c/comm-a/register/buildings/{person['building_id']}",
        "ui_panels (dwelling)": f"/c/comm-a/register/dwellings/{person['dwelling_id']}",
    }
    for slot, path in pages.items():
        r = await staff.get(path)
        assert r.status_code == 200, (slot, path, r.status_code)
        assert "楼栋" in r.text  # the core's navigation is still drawn
    if bad == "faulty":
        called = set(lp_faulty.CALLS)
        assert {"ui_navigation", "ui_dashboard_cards", "ui_panels", "on_tenant_enabled"} <= called
    health = h.runtime.registry.health
    assert health.failures(bad) >= 3  # counted against the plugin that failed, nobody else
    assert health.failures("alpha") == 0


@pytest.mark.parametrize("bad", ["faulty", "wrongtypes"])
async def test_the_office_report_stands_when_a_module_fails(make_linli: Any, bad: str) -> None:
    h = await _community_with(make_linli, bad)
    office = await _page_client(h, role="office_admin", office="office-a")
    overview = await office.get("/o/office-a/")
    assert overview.status_code == 200
    assert "次数" in overview.text  # alpha's figure is there
    drill = await office.get("/o/office-a/c/comm-a")
    assert drill.status_code == 200 and "次数" in drill.text
    assert "该模块的数据暂时无法显示" in drill.text  # the failing module says so, in words
    assert "—" not in drill.text.split("<main")[1]


async def test_privacy_export_marks_a_failing_plugin_and_keeps_the_rest(make_linli: Any) -> None:
    from core.privacy import export_person

    h = await _community_with(make_linli, "faulty")
    tenant = await h.runtime.tenants.by_slug("comm-a")
    exported = await export_person(h.runtime, tenant, 7)
    assert exported["alpha"]["person_id"] == 7
    assert exported["faulty"] == {"error": "unavailable"}


async def test_a_raising_lifecycle_hook_does_not_stop_switching_a_module(make_linli: Any) -> None:
    h = await _community_with(make_linli, "faulty")
    await h.disable("comm-a", "faulty")
    tenant = await h.runtime.tenants.by_slug("comm-a")
    assert "faulty" not in tenant.enabled_plugins
    assert h.runtime.registry.health.snapshot()["faulty"]["last"]["hook"] == "on_tenant_disabled"


async def test_labels_are_message_ids_resolved_from_the_plugins_catalogue(make_linli: Any) -> None:
    from core.plugins.dispatch import gather
    from core.plugins.types import NavItem, UserRef

    registry = load_plugins(["lp_alpha"], only=["repairs"])
    role = next(c.item for c in registry.contributions.roles if c.item.name == "repair_coordinator")
    assert (role.label, role.label_zh, role.label_en) == (
        "Repair coordinator",
        "维修协调员",
        "Repair coordinator",
    )
    h = await make_linli(plugins=["repairs"])
    await h.community("comm-a", plugins=["repairs"])
    tenant = await h.runtime.tenants.by_slug("comm-a")
    user = UserRef(
        1, "x", "community_staff", frozenset({"repairs.report", "repairs.dispatch", "residents.view"})
    )
    items = await gather(
        h.runtime.registry, "ui_navigation", {"repairs", "core"}, NavItem, tenant=tenant, user=user
    )
    labels = {i.label_en: i.label_zh for i in items}
    assert (
        labels["Report a repair"] == "报修" and labels["Residents"] == "居民"
    )  # plugin's and core's catalogues
