"""The pages: resident -> staff -> volunteer -> resident through the HTML forms, with the
core's layout, inline errors that save nothing, CSRF, both languages and the walls."""

from __future__ import annotations

import re

from tests.plugins.repairs.conftest import C

P = "/c/comm-a/repairs"


def without_csrf(client):
    client.headers.pop("X-CSRF-Token", None)
    return client


async def count_repairs(world) -> int:
    from plugins.repairs.tables import Repair

    async with world.h.tenant("comm-a"):
        return await Repair.count().run()


async def test_the_journey_through_the_pages(world):
    form = await world.resident.get(f"{P}/report")
    assert form.status_code == 200 and "<h1>报修</h1>" in form.text
    assert 'href="/c/comm-a/cases"' in form.text  # inside the core's layout and navigation
    assert "8栋" in form.text  # the building picker
    body = {
        "category": "water_pipe",
        "location": "dwelling",
        "building_id": str(world.home["building_id"]),
        "dwelling_number": "999",
        "description": "厨房水管漏水",
        "urgency": "",
        "preferred_time": "周六",
    }
    bad = await world.resident.post(f"{P}/report", data=body)
    assert bad.status_code == 400 and "no such flat" in bad.text and "厨房水管漏水" in bad.text
    assert 'id="dwelling_number" name="dwelling_number" value="999" aria-invalid="true"' in bad.text
    assert await count_repairs(world) == 0
    ok = await world.resident.post(f"{P}/report", data={**body, "dwelling_number": "301"})
    assert ok.status_code == 303, ok.text
    repair_id = int(ok.headers["location"].rsplit("/", 1)[1])
    mine = await world.resident.get(f"{P}/mine")
    assert "厨房水管漏水" in mine.text and "已报修" in mine.text

    page = await world.staff.get(f"{P}/")
    assert page.status_code == 200 and f'href="/c/comm-a/repairs/{repair_id}"' in page.text
    detail = await world.staff.get(f"{P}/{repair_id}")
    assert "谭仕权" in detail.text and "熊保庆" not in detail.text  # suggestions: plumbers only
    r = await world.staff.post(f"{P}/{repair_id}/assign", data={"member_id": str(world.plumber_member["id"])})
    assert r.status_code == 303, r.text

    jobs = await world.plumber.get(f"{P}/jobs")
    assert jobs.status_code == 200 and f'id="job-{repair_id}"' in jobs.text
    r = await world.plumber.post(
        f"{P}/jobs/{repair_id}/work", data={"minutes": "abc", "materials": "", "note": ""}
    )
    assert r.status_code == 400 and "请填写整数" in r.text
    r = await world.plumber.post(
        f"{P}/jobs/{repair_id}/work",
        data={"minutes": "40", "materials": "三通, 12\n生料带，1.5", "note": "换三通"},
    )
    assert r.status_code == 303, r.text

    r = await world.resident.post(f"{P}/{repair_id}/sign-off", data={"paid_yuan": "-3", "note": ""})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.text and "must not be negative" in r.text
    r = await world.resident.post(f"{P}/{repair_id}/sign-off", data={"paid_yuan": "13.5", "note": "好"})
    assert r.status_code == 303, r.text
    r = await world.resident.post(
        f"{P}/{repair_id}/feedback",
        data={"outcome": "fixed", "speed_score": "5", "service_score": "4", "comment": ""},
    )
    assert r.status_code == 303, r.text
    api = (await world.staff.get(f"{C}/{repair_id}")).json()
    assert (
        api["state"] == "closed"
        and api["work"][0]["cost_yuan"] == 13.5
        and api["work"][0]["paid_yuan"] == 13.5
    )


async def test_volunteer_grabs_on_the_phone_page_and_team_page_flags_expired_certificates(world):
    repair = await world.report()
    jobs = await world.plumber.get(f"{P}/jobs")
    assert f'id="open-{repair["id"]}"' in jobs.text
    r = await world.plumber.post(f"{P}/jobs/{repair['id']}/grab")
    assert r.status_code == 303
    assert f'id="job-{repair["id"]}"' in (await world.plumber.get(f"{P}/jobs")).text
    r = await world.plumber.post(f"{P}/jobs/{repair['id']}/decline", data={"reason": ""})
    assert r.status_code == 400 and "say why" in r.text

    r = await world.staff.post(
        f"{P}/team/skills",
        data={
            "member": str(world.plumber_member["id"]),
            "skill": "welder",
            "level": "2",
            "certificate_no": "W-1",
            "certificate_expires": "2020-01-01",
        },
    )
    assert r.status_code == 303, r.text
    team = await world.staff.get(f"{P}/team")
    assert team.status_code == 200 and "已过期" in team.text and "谭仕权" in team.text
    r = await world.staff.post(f"{P}/team", data={"name": "", "phone": ""})
    assert r.status_code == 400 and 'id="name" name="name" aria-invalid="true"' in r.text


async def test_pages_keep_the_walls(world):
    repair = await world.report()
    # Another resident cannot open someone else's repair; a resident cannot open the dispatch list.
    stranger = await world.h.as_role("resident", "comm-a")
    assert (await stranger.get(f"{P}/{repair['id']}")).status_code == 404
    assert (await world.resident.get(f"{P}/")).status_code == 403
    assert (await world.h.client().get(f"{P}/report")).status_code == 303  # to the login page
    other = await world.h.as_role("community_staff", "comm-b")
    assert (await other.get(f"/c/comm-b/repairs/{repair['id']}")).status_code == 404
    before = await count_repairs(world)
    refused = await without_csrf(world.resident).post(f"{P}/report", data={"category": "drain"})
    assert refused.status_code == 403 and await count_repairs(world) == before
    world.staff.cookies.set("linli_lang", "en")
    english = await world.staff.get(f"{P}/")
    assert "<h1>Repair dispatch</h1>" in english.text
    assert re.search(r">Repair team<", english.text)  # the plugin's navigation, in English
    await world.h.disable("comm-a", "repairs")
    assert (await world.staff.get(f"{P}/")).status_code == 404


async def test_a_paid_job_quoted_on_the_phone_and_confirmed_on_the_repair_page(world):
    mason_client, mason = await world.volunteer("石匠老陈", [{"skill": "bricklayer", "level": 2}])
    repair = await world.report(category="exterior_wall", description="阳台外墙瓷砖松动")
    await world.staff.post(f"{C}/{repair['id']}/assign", json={"member_id": mason["id"]})
    r = await mason_client.post(
        f"{P}/jobs/{repair['id']}/work", data={"minutes": "30", "materials": "", "note": ""}
    )
    assert r.status_code == 400 and "needs a quote" in r.text  # shown beside the work form
    r = await mason_client.post(f"{P}/jobs/{repair['id']}/quote", data={"amount_yuan": "-1", "note": ""})
    assert r.status_code == 400 and "must not be negative" in r.text
    r = await mason_client.post(
        f"{P}/jobs/{repair['id']}/quote", data={"amount_yuan": "180", "note": "材料+人工"}
    )
    assert r.status_code == 303, r.text
    assert "待居民确认" in (await mason_client.get(f"{P}/jobs")).text
    page = await world.resident.get(f"{P}/{repair['id']}")
    assert "确认报价" in page.text and "¥180.00" in page.text
    assert (await world.resident.post(f"{P}/{repair['id']}/quote-confirm")).status_code == 303
    r = await mason_client.post(
        f"{P}/jobs/{repair['id']}/work", data={"minutes": "30", "materials": "", "note": ""}
    )
    assert r.status_code == 303, r.text


async def test_the_representative_keeps_the_accounts_on_the_project_page(world):
    h = world.h
    rep = await h.user(role="resident", community="comm-a")
    rep_client = await h.login(rep["username"])
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
    flat = project["shares"][0]["dwelling_id"]
    url = f"{P}/projects/{project['id']}"
    page = await rep_client.get(url)
    assert "登记收款" in page.text and "结算" not in page.text  # staff settle
    r = await rep_client.post(f"{url}/collections", data={"dwelling_id": str(flat), "amount_yuan": "-600"})
    assert r.status_code == 400 and "must not be negative" in r.text
    assert (
        await rep_client.post(f"{url}/collections", data={"dwelling_id": str(flat), "amount_yuan": "600"})
    ).status_code == 303
    r = await rep_client.post(
        f"{url}/expenses", data={"description": "防护网", "amount_yuan": "500", "spent_on": "soon"}
    )
    assert r.status_code == 400 and "a date like" in r.text
    r = await rep_client.post(
        f"{url}/expenses", data={"description": "防护网", "amount_yuan": "500", "spent_on": "2026-04-01"}
    )
    assert r.status_code == 303
    assert (await rep_client.post(f"{url}/settle")).status_code == 403
    assert (await world.staff.post(f"{url}/settle")).status_code == 303
    accounts = (await world.staff.get(f"{C}/projects/{project['id']}")).json()
    assert (
        accounts["state"] == "settled"
        and accounts["collected_yuan"] == 600.0
        and accounts["spent_yuan"] == 500.0
    )


async def test_a_done_form_redirects_with_a_flash_shown_once_and_reload_is_safe(world):
    before = await world.staff.get(f"{P}/team")
    assert before.status_code == 200 and 'class="flash"' not in before.text
    r = await world.staff.post(f"{P}/team", data={"name": "邓师傅", "phone": "13900000077"})
    assert r.status_code == 303 and r.headers["location"] == f"{P}/team"  # POST-redirect-GET
    landed = await world.staff.get(r.headers["location"])
    assert landed.status_code == 200 and '<p class="flash" role="status">已加入维修队。</p>' in landed.text
    again = await world.staff.get(f"{P}/team")  # reloading the page: no second message, no second post
    assert 'class="flash"' not in again.text and again.text.count("邓师傅") == landed.text.count("邓师傅")
    # A forged flash cookie is ignored.
    world.staff.cookies.set("linli_flash", "ImV2aWwi.0000")
    assert "evil" not in (await world.staff.get(f"{P}/team")).text
