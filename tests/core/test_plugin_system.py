"""Loading with quarantine, per-tenant enablement and dispatch, and event delivery."""

from __future__ import annotations

import datetime as dt

import lp_alpha
import lp_flaky
import pytest

from core.events.outbox import MAX_ATTEMPTS, emit
from core.plugins.registry import PluginLoadError, load_plugins

BROKEN = ["lp_broken_import", "lp_bad_manifest", "lp_future_core", "lp_bad_hook", "lp_needs_missing"]


def test_broken_plugins_are_quarantined_and_the_rest_load():
    registry = load_plugins(["lp_alpha", *BROKEN], include_entry_points=False)
    assert set(registry.plugins) == {"alpha"}
    reasons = {q.name: q.reason for q in registry.quarantined}
    assert reasons["lp_broken_import"].startswith("import failed: ModuleNotFoundError")
    assert "id 'Bad Id!'" in reasons["lp_bad_manifest"]
    assert "outside the range" in reasons["lp_future_core"]
    assert "surprise" in reasons["lp_bad_hook"]
    assert "nonexistent" in reasons["needy"]


def test_strict_mode_refuses_to_start_with_a_quarantined_plugin():
    with pytest.raises(PluginLoadError, match="lp_broken_import"):
        load_plugins(["lp_alpha", "lp_broken_import"], include_entry_points=False, strict=True)


async def test_app_starts_and_reports_quarantine(make_linli):
    h = await make_linli(plugins=None, extra_modules=["lp_alpha", "lp_broken_import"], strict=False)
    ready = await h.client().get("/health/ready")
    assert ready.status_code == 200
    assert "alpha" in ready.json()["plugins"]
    assert ready.json()["quarantined"] == ["lp_broken_import"]


async def test_disabled_plugin_routes_answer_404_and_data_hooks_stop(make_linli):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    assert (await staff.get("/api/v1/c/comm-a/alpha/ping")).status_code == 404
    lp_alpha.LIFECYCLE.clear()
    await h.enable("comm-a", "alpha")
    r = await staff.get("/api/v1/c/comm-a/alpha/ping")
    assert r.status_code == 200 and r.json() == {"pong": "alpha"}
    await h.enable("comm-a", "alpha")  # idempotent: no second lifecycle call
    await h.disable("comm-a", "alpha")
    assert (await staff.get("/api/v1/c/comm-a/alpha/ping")).status_code == 404
    assert lp_alpha.LIFECYCLE == [("enabled", "comm-a"), ("disabled", "comm-a")]


async def test_policy_forbidden_and_required(make_linli):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    await h.community("comm-a", office="office-a")
    office_admin = await h.as_role("office_admin", office="office-a")
    admin = await h.as_role("community_admin", "comm-a")
    r = await office_admin.put("/api/v1/o/office-a/plugin-policies/alpha", json={"policy": "forbidden"})
    assert r.status_code == 200, r.text
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"enabled": True})
    assert r.status_code == 409 and "forbids" in r.json()["detail"]
    r = await office_admin.put("/api/v1/o/office-a/plugin-policies/alpha", json={"policy": "required"})
    plugins = (await admin.get("/api/v1/c/comm-a/plugins")).json()
    assert plugins[0]["enabled"] is True and plugins[0]["policy"] == "required"
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"enabled": False})
    assert r.status_code == 409 and "requires" in r.json()["detail"]
    r = await office_admin.put("/api/v1/o/office-a/plugin-policies/alpha", json={"policy": "sometimes"})
    assert r.status_code == 400 and r.json()["field"] == "policy"
    audit = (await admin.get("/api/v1/c/comm-a/audit")).json()
    assert any(e["action"] == "plugin.enabled" for e in audit)


async def test_events_reach_only_enabled_plugins_and_a_failing_one_goes_dead(make_linli):
    h = await make_linli(plugins=["alpha", "flaky"], extra_modules=["lp_alpha", "lp_flaky"])
    await h.community("comm-a", plugins=["alpha", "flaky"])
    await h.community("comm-b", plugins=["flaky"])
    lp_alpha.RECEIVED.clear()
    lp_flaky.CALLS.clear()
    async with h.tenant("comm-a"):
        await emit("resident.moved_in", {"person_id": 1, "residency_id": 1, "dwelling_id": 1})
    async with h.tenant("comm-b"):
        await emit("resident.moved_in", {"person_id": 2, "residency_id": 1, "dwelling_id": 1})
    await h.deliver_events()
    assert lp_alpha.RECEIVED == [("comm-a", "resident.moved_in")]  # not comm-b: alpha is off there
    for _ in range(MAX_ATTEMPTS + 2):
        await h.deliver_events()
    assert lp_alpha.RECEIVED == [("comm-a", "resident.moved_in")]  # delivered once, not again
    assert len(lp_flaky.CALLS) == 2 * MAX_ATTEMPTS  # retried, then given up, in both communities
    admin = await h.as_role("community_admin", "comm-a")
    dead = (await admin.get("/api/v1/c/comm-a/events/deliveries?status=dead")).json()
    assert [d["plugin_id"] for d in dead] == ["flaky"]
    assert "failed on purpose" in dead[0]["last_error"]
    r = await admin.post(f"/api/v1/c/comm-a/events/deliveries/{dead[0]['id']}/retry")
    assert r.status_code == 200
    await h.deliver_events()
    assert len(lp_flaky.CALLS) == 2 * MAX_ATTEMPTS + 1


async def test_no_tenant_means_no_tenant_data(make_linli):
    from core.errors import NoTenantError
    from core.events.tables import OutboxEvent

    await make_linli()
    with pytest.raises(NoTenantError):
        await OutboxEvent.select().run()
    with pytest.raises(NoTenantError):
        await emit("x.happened")


async def test_plugin_settings_are_typed_and_validated(make_linli):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    await h.community("comm-a", plugins=["alpha"])
    admin = await h.as_role("community_admin", "comm-a")
    listed = (await admin.get("/api/v1/c/comm-a/plugins")).json()
    assert listed[0]["settings"] == {"reminder_hours": 24, "greeting": "你好"}
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"settings": {"reminder_hours": "soon"}})
    assert r.status_code == 400 and r.json()["field"] == "settings" and "reminder_hours" in r.json()["detail"]
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"settings": {"colour": "red"}})
    assert r.status_code == 400 and "colour" in r.json()["detail"]
    lp_alpha.SETTINGS_CHANGES.clear()
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"settings": {"reminder_hours": 2}})
    assert r.status_code == 200 and r.json()["settings"]["reminder_hours"] == 2
    assert lp_alpha.SETTINGS_CHANGES[0][1]["reminder_hours"] == 2
    tenant = await h.runtime.tenants.by_slug("comm-a")
    assert tenant.settings_for("alpha") == {"reminder_hours": 2, "greeting": "你好"}
    r = await admin.put("/api/v1/c/comm-a/plugins/nonexistent", json={"enabled": True})
    assert r.status_code == 404


async def test_privacy_reaches_plugins_even_when_disabled(make_linli):
    from core.privacy import erase_person, export_person

    h = await make_linli(plugins=["alpha", "flaky"], extra_modules=["lp_alpha", "lp_flaky"])
    await h.community("comm-a")  # alpha never enabled here
    tenant = await h.runtime.tenants.by_slug("comm-a")
    exported = await export_person(h.runtime, tenant, 7)
    assert exported == {"alpha": {"person_id": 7, "community": "comm-a", "notes": ["备注"]}}
    lp_alpha.ERASED.clear()
    async with h.transaction():
        assert await erase_person(h.runtime, tenant, 7) == {"alpha": 1}
    assert lp_alpha.ERASED == [7]


async def test_office_report_collects_sections_of_enabled_plugins(make_linli):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    await h.community("comm-a", office="office-a", plugins=["alpha"])
    await h.community("comm-b", office="office-a")
    await h.community("comm-c", office="office-b", plugins=["alpha"])
    await h.resident("comm-a", "张桂兰", birth_date=dt.date(1940, 5, 1), categories=["elderly_alone"])
    await h.resident("comm-a", "李明", birth_date=dt.date(1990, 5, 1))
    await h.resident("comm-c", "王五", birth_date=dt.date(1950, 5, 1))
    official = await h.as_role("office_official", office="office-a")
    today = dt.date.today()
    r = await official.get(f"/api/v1/o/office-a/report?from={today.replace(day=1)}&to={today}")
    assert r.status_code == 200, r.text
    by_slug = {c["slug"]: c for c in r.json()["communities"]}
    assert set(by_slug) == {"comm-a", "comm-b"}  # not the other office's community
    sections = {c: {s["plugin_id"]: s for s in by_slug[c]["sections"]} for c in by_slug}
    assert sections["comm-a"]["alpha"]["figures"][0]["value"] == 3
    # the core's own sections, and no alpha: it is off there
    assert set(sections["comm-b"]) == {"register", "visits", "cases"}
    register = {f["key"]: f["value"] for f in sections["comm-a"]["register"]["figures"]}
    assert register["residents"] == 2 and register["over_60"] == 1 and register["cared_for"] == 1
    assert {f["key"]: f["value"] for f in sections["comm-b"]["register"]["figures"]}["residents"] == 0
    r = await official.get("/api/v1/o/office-a/report?from=2026-11-30&to=2026-11-01")
    assert r.status_code == 400 and r.json()["field"] == "to"
    r = await official.get("/api/v1/o/office-a/report?from=yesterday")
    assert r.status_code == 400


async def test_changing_only_settings_keeps_a_default_on_module_on(make_linli):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    await h.community("comm-a", office="office-a")
    office_admin = await h.as_role("office_admin", office="office-a")
    admin = await h.as_role("community_admin", "comm-a")
    r = await office_admin.put("/api/v1/o/office-a/plugin-policies/alpha", json={"policy": "default_on"})
    assert r.status_code == 200, r.text
    r = await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"settings": {"reminder_hours": 6}})
    assert r.status_code == 200, r.text
    (alpha,) = (await admin.get("/api/v1/c/comm-a/plugins")).json()
    assert alpha["enabled"] is True and alpha["settings"]["reminder_hours"] == 6
    # an explicit "off" is still honoured, and "on" again after it
    await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"enabled": False})
    assert (await admin.get("/api/v1/c/comm-a/plugins")).json()[0]["enabled"] is False
    await admin.put("/api/v1/c/comm-a/plugins/alpha", json={"settings": {"reminder_hours": 8}})
    assert (await admin.get("/api/v1/c/comm-a/plugins")).json()[0]["enabled"] is False


async def test_a_deprecated_label_pair_still_works_and_warns_naming_its_replacement(make_linli):
    import warnings

    from core.plugins import labels
    from core.plugins.types import ReportSection

    labels._warned.discard(("alpha", "ReportSection(title_zh=…, title_en=…)"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        section = labels.localize(ReportSection(plugin_id="alpha", title_zh="甲", title_en="Alpha"), "alpha")
        labels.localize(ReportSection(plugin_id="alpha", title_zh="甲", title_en="Alpha"), "alpha")
    assert section.title_zh == "甲"  # it still works
    [warning] = [w for w in caught if issubclass(w.category, DeprecationWarning)]  # once
    assert "since 0.2" in str(warning.message) and "stops working in 0.4" in str(warning.message)
    assert "use title=" in str(warning.message)
