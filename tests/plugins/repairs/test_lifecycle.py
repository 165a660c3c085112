"""The plugin mechanics: events, jobs and schedules, files, privacy, enable/disable, isolation,
UI slots and `linli plugins check`."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from tests.plugins.repairs.conftest import C, build_world


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


async def staff_report_for_home(world) -> dict:
    r = await world.staff.post(
        C,
        json={
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": world.home["dwelling_id"],
            "description": "水管爆了",
            "requester_person_id": world.home["id"],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_moving_out_cancels_the_appointments_of_open_repairs(world):
    from plugins.repairs.events import on_moved_out
    from plugins.repairs.tables import DispatchEntry, Repair

    repair = await staff_report_for_home(world)
    neighbour = await world.h.resident("comm-a", "谢德明", building="8栋", dwelling="302")
    r = await world.staff.post(
        C,
        json={
            "category": "water_pipe",
            "location": "dwelling",
            "description": "漏水",
            "dwelling_id": neighbour["dwelling_id"],
            "requester_person_id": neighbour["id"],
        },
    )
    other = r.json()  # a neighbour's, not the person moving out
    for r in (repair, other):
        await world.staff.post(f"{C}/{r['id']}/assign", json={"member_id": world.plumber_member["id"]})
        at = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
        assert (await world.staff.post(f"{C}/{r['id']}/appointment", json={"at": at})).status_code == 200
    admin = await world.h.as_role("community_admin", "comm-a")
    r = await admin.post(
        f"/api/v1/c/comm-a/residencies/{world.home['residency_id']}/move-out",
        json={"end_date": dt.date.today().isoformat(), "reason": "搬走"},
    )
    assert r.status_code == 200, r.text
    assert await world.h.deliver_events() >= 1
    detail = (await world.staff.get(f"{C}/{repair['id']}")).json()
    assert detail["appointment_at"] is None and "moved out" in detail["appointment_note"]
    assert detail["dispatch"][-1]["action"] == "appointment_cancelled"
    assert (await world.staff.get(f"{C}/{other['id']}")).json()["appointment_at"] is not None
    # Delivered again (at least once): nothing more happens.
    from core.api import Event

    async with world.h.tenant("comm-a") as tenant:
        again = await on_moved_out(
            Event(
                "resident.moved_out",
                tenant.community_id,
                {"person_id": world.home["id"], "dwelling_id": world.home["dwelling_id"]},
            )
        )
        assert again == 0
        assert await DispatchEntry.count().where(DispatchEntry.action == "appointment_cancelled").run() == 1
        assert await Repair.count().where(Repair.appointment_at.is_not_null()).run() == 1


async def test_a_repair_case_moved_through_the_core_is_followed(world):
    repair = await world.report()
    r = await world.staff.post(
        f"/api/v1/c/comm-a/cases/{repair['case_id']}/transition",
        json={"to": "rejected", "reason": "重复报修"},
    )
    assert r.status_code == 200, r.text
    await world.h.deliver_events()
    assert (await world.staff.get(f"{C}/{repair['id']}")).json()["state"] == "rejected"
    r = await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    assert r.status_code == 409


async def test_sla_reminders_reach_the_assigned_volunteer_once(world):
    from plugins.repairs.hooks import register_actors, register_schedules
    from plugins.repairs.jobs import remind_due_repairs
    from plugins.repairs.tables import Reminder

    [schedule] = register_schedules()
    assert schedule.actor_name == "repairs.remind_due" and schedule.per_tenant
    assert [a.name for a in register_actors()] == ["repairs.remind_due"] and register_actors()[0].tenant
    stair = await world.report(
        category="stair_lights",
        location="common",
        dwelling_id=None,
        building_id=world.home["building_id"],
        description="楼道灯不亮",
    )
    unassigned = await world.report()
    await world.staff.post(f"{C}/{stair['id']}/assign", json={"member_id": world.electrician_member["id"]})
    # The case engine's own clock comes from the repair case type (2 hours to accept).
    case = (await world.staff.get(f"/api/v1/c/comm-a/cases/{stair['case_id']}")).json()
    assert case["type"] == "repair"
    created = dt.datetime.fromisoformat(stair["created_at"])
    due = dt.datetime.fromisoformat(stair["due_at"])
    assert due - created == dt.timedelta(hours=2)  # stair lights: fixed within two hours
    async with world.h.tenant("comm-a"):
        [actor] = register_actors()
        assert await actor.fn() == 0  # the scheduled job, run now: nothing is due within 30 minutes
        assert await remind_due_repairs(created + dt.timedelta(minutes=10)) == 0
        assert await remind_due_repairs(created + dt.timedelta(minutes=95)) == 1  # 25 minutes before
        assert await remind_due_repairs(created + dt.timedelta(minutes=100)) == 0  # already reminded
        assert await remind_due_repairs(created + dt.timedelta(hours=3)) == 1  # overdue
        rows = await Reminder.select().order_by(Reminder.id).run()
    assert [(r["repair"], r["kind"], r["member_id"]) for r in rows] == [
        (stair["id"], "due_soon", world.electrician_member["id"]),
        (stair["id"], "overdue", world.electrician_member["id"]),
    ]
    assert unassigned["id"] not in [r["repair"] for r in rows]


async def test_privacy_export_and_erase(world):
    repair = await staff_report_for_home(world)
    r = await world.staff.post(
        f"{C}/team", json={"name": "张桂兰", "person_id": world.home["id"], "phone": "13800000000"}
    )
    assert r.status_code == 201, r.text
    admin = await world.h.as_role("community_admin", "comm-a")
    export = (await admin.get(f"/api/v1/c/comm-a/persons/{world.home['id']}/privacy-export")).json()
    mine = export["plugins"]["repairs"]
    assert [x["id"] for x in mine["repairs_requested"]] == [repair["id"]]
    assert mine["team_member"][0]["phone"] == "13800000000"
    r = await admin.post(f"/api/v1/c/comm-a/persons/{world.home['id']}/erase")
    assert r.status_code == 200 and r.json()["erased"]["repairs"] == 2, r.text
    detail = (await world.staff.get(f"{C}/{repair['id']}")).json()
    assert detail["requester_person_id"] is None and detail["description"] == "(erased)"
    team = (await world.staff.get(f"{C}/team")).json()
    erased = [m for m in team if m["name"] == "(erased)"]
    assert len(erased) == 1 and erased[0]["phone"] == "" and not erased[0]["active"]


async def test_other_community_sees_nothing_and_disabled_answers_404(world):
    repair = await world.report()
    other = await world.h.as_role("community_staff", "comm-b")
    foreign = await other.get(f"/api/v1/c/comm-b/repairs/{repair['id']}")
    missing = await other.get("/api/v1/c/comm-b/repairs/999999")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert (await other.get("/api/v1/c/comm-b/repairs")).json()["items"] == []
    assert (await other.get(f"/api/v1/c/comm-a/repairs/{repair['id']}")).status_code == 404
    r = await other.post(f"/api/v1/c/comm-b/repairs/{repair['id']}/assign", json={"member_id": 1})
    assert r.status_code == 404
    # comm-a's volunteers and projects are as missing in comm-b as anything else.
    member = world.plumber_member["id"]
    assert (await other.get(f"/api/v1/c/comm-b/repairs/team/{member}")).status_code == 404
    r = await other.post(f"/api/v1/c/comm-b/repairs/team/{member}/skills", json={"skill": "painter"})
    assert r.status_code == 404
    project = (
        await world.staff.post(
            f"{C}/projects",
            json={"title": "外墙", "building_id": world.home["building_id"], "per_household_yuan": 600},
        )
    ).json()
    assert (await other.get(f"/api/v1/c/comm-b/repairs/projects/{project['id']}")).status_code == 404
    assert (await other.post(f"/api/v1/c/comm-b/repairs/projects/{project['id']}/settle")).status_code == 404
    await world.h.disable("comm-a", "repairs")
    assert (await world.staff.get(C)).status_code == 404
    assert (await world.resident.post(C, json={"category": "drain"})).status_code == 404
    await world.h.enable("comm-a", "repairs")
    items = (await world.staff.get(C)).json()["items"]
    assert [i["id"] for i in items] == [repair["id"]]  # kept while off
    cats = (await world.staff.get(f"{C}/categories")).json()
    assert len(cats) == 9  # enabling again seeds nothing twice


async def test_ui_slots_follow_permissions(world):
    from core.api import UserRef
    from plugins.repairs.hooks import ui_dashboard_cards, ui_navigation, ui_panels

    repair = await world.report()
    async with world.h.tenant("comm-a") as tenant:
        staff = UserRef(
            1, "staff", "community_staff", frozenset({"repairs.dispatch", "repairs.team", "repairs.report"})
        )
        volunteer = UserRef(2, "vol", "volunteer", frozenset({"repairs.work", "repairs.view"}))
        assert {i.path for i in ui_navigation(tenant, volunteer)} == {"/c/comm-a/repairs/jobs"}
        assert "/c/comm-a/repairs/team" in {i.path for i in ui_navigation(tenant, staff)}
        cards = await ui_dashboard_cards(tenant, staff)
        assert cards[0].value == "1" and await ui_dashboard_cards(tenant, volunteer) == []
        resident = UserRef(
            world.resident_user["id"], "r", "resident", frozenset({"repairs.report", "repairs.view"})
        )
        [mine] = await ui_dashboard_cards(tenant, resident)
        assert mine.value == "1" and mine.path == "/c/comm-a/repairs/mine"
        [panel] = await ui_panels(tenant, staff, "dwelling", world.home["dwelling_id"])
        assert (
            repair["number"] in panel.html and "水管" in panel.html and "water_pipe" not in panel.html
        )  # words, not codes
        assert f'href="/c/comm-a/repairs/{repair["id"]}"' in panel.html
        [resident_panel] = await ui_panels(tenant, staff, "resident", world.home["id"])
        assert repair["number"] in resident_panel.html  # her login is her register person
        assert await ui_panels(tenant, volunteer, "dwelling", world.home["dwelling_id"]) == []


async def test_work_photos_go_through_the_core_attachments(make_linli, s3_settings):
    world = await build_world(make_linli, **s3_settings)
    repair = await world.report()
    r = await world.resident.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "repairs.repair", "owner_id": str(repair["id"]), "purpose": "photo"},
        files={"file": ("leak.png", png(), "image/png")},
    )
    assert r.status_code == 201, r.text
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": world.plumber_member["id"]})
    work = (await world.plumber.post(f"{C}/jobs/{repair['id']}/work", json={"minutes": 30})).json()
    for purpose in ("before", "after"):
        r = await world.plumber.post(
            "/api/v1/c/comm-a/attachments",
            data={"owner_kind": "repairs.work", "owner_id": str(work["id"]), "purpose": purpose},
            files={"file": (f"{purpose}.png", png(), "image/png")},
        )
        assert r.status_code == 201, r.text
    # Another volunteer may not attach to this work; the resident cannot either.
    r = await world.electrician.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "repairs.work", "owner_id": str(work["id"]), "purpose": "after"},
        files={"file": ("x.png", png(), "image/png")},
    )
    assert r.status_code == 404
    r = await world.resident.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "repairs.work", "owner_id": str(work["id"]), "purpose": "after"},
        files={"file": ("x.png", png(), "image/png")},
    )
    assert r.status_code == 404  # the resident sees the work, but only its volunteer attaches
    detail = (await world.resident.get(f"{C}/{repair['id']}")).json()
    assert [f["purpose"] for f in detail["files"]] == ["photo"]
    assert [f["purpose"] for f in detail["work"][0]["files"]] == ["before", "after"]
    listed = await world.resident.get(
        f"/api/v1/c/comm-a/attachments?owner_kind=repairs.work&owner_id={work['id']}"
    )
    assert listed.status_code == 200 and len(listed.json()) == 2
    one = await world.resident.get(f"/api/v1/c/comm-a/attachments/{detail['work'][0]['files'][1]['id']}")
    assert one.status_code == 200 and one.json()["download"]["url"].startswith("http")

    # A shared-cost project's receipt: the representative attaches it; the households see it.
    rep = await world.h.user(role="resident", community="comm-a")
    rep_client = await world.h.login(rep["username"])
    project = (
        await world.staff.post(
            f"{C}/projects",
            json={
                "title": "外墙防护网",
                "building_id": world.home["building_id"],
                "per_household_yuan": 600,
                "representative_user_id": rep["id"],
            },
        )
    ).json()
    expense = (
        await rep_client.post(
            f"{C}/projects/{project['id']}/expenses",
            json={"description": "防护网", "amount_yuan": 1600, "spent_on": "2026-04-01"},
        )
    ).json()
    r = await rep_client.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "repairs.expense", "owner_id": str(expense["id"]), "purpose": "receipt"},
        files={"file": ("receipt.png", png(), "image/png")},
    )
    assert r.status_code == 201, r.text
    r = await world.resident.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "repairs.expense", "owner_id": str(expense["id"]), "purpose": "receipt"},
        files={"file": ("fake.png", png(), "image/png")},
    )
    assert r.status_code == 404  # not a household of this project
    page = await rep_client.get(f"/c/comm-a/repairs/projects/{project['id']}")
    assert page.status_code == 200 and "防护网" in page.text


def test_linli_plugins_check_passes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from core.cli import main

    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["plugins", "check", "repairs"])
    assert result.exit_code == 0, result.output
    assert result.output.count("✓") == 7 and "✗" not in result.output, result.output


def test_the_catalogue_command_lists_skills_and_categories():
    from click.testing import CliRunner

    from core.cli import main

    result = CliRunner().invoke(main, ["repairs-catalogue"])
    assert result.exit_code == 0, result.output
    assert "electrician    电工 / Electrician  (证书 / certificate)" in result.output
    assert "stair_lights    楼道灯 / Stair lights: electrician, normal, 2 h, free" in result.output


async def test_purge_deletes_one_communitys_rows_only(world):
    from plugins.repairs.hooks import on_tenant_purge
    from plugins.repairs.tables import Category, Member, Repair

    await world.report()
    async with world.h.tenant("comm-a") as tenant:
        deleted = await on_tenant_purge(tenant)
        assert await Repair.count().run() == 0 and await Member.count().run() == 0
    assert deleted >= 1 + 2 + 9  # a repair, two members, nine categories (and their skills)
    async with world.h.tenant("comm-b"):
        assert await Category.count().run() == 9
