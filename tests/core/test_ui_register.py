"""Register pages over HTTP: browse buildings to residents, register and edit a person, move in,
the care register; refusals inline with the values kept and nothing saved; CSRF enforced."""

from __future__ import annotations

from typing import Any

from tests.core.test_ui import csrf_of, form_login


async def setup(make_linli: Any) -> tuple[Any, Any, dict[str, str], dict[str, Any]]:
    h = await make_linli(plugins=None)
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    wang = await h.resident("comm-a", "王秀英", building="8栋", dwelling="301")
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    page = await client.get("/c/comm-a/register")
    return h, client, {"X-CSRF-Token": csrf_of(page.text)}, wang


async def persons(h: Any) -> int:
    from core.residents.tables import Person

    async with h.tenant("comm-a"):
        return int(await Person.count().run())


async def test_browse_buildings_dwellings_households_residents(make_linli: Any) -> None:
    h, client, _headers, wang = await setup(make_linli)
    page = await client.get("/c/comm-a/register")
    assert page.status_code == 200 and "8栋" in page.text and "export.xlsx" in page.text
    building = await client.get(f"/c/comm-a/register/buildings/{wang['building_id']}")
    assert building.status_code == 200 and "301" in building.text and "王秀英" in building.text
    dwelling = await client.get(f"/c/comm-a/register/dwellings/{wang['dwelling_id']}")
    assert dwelling.status_code == 200 and "王秀英" in dwelling.text and "住户" in dwelling.text
    assert (await client.get("/c/comm-a/register/dwellings/99999")).status_code == 404
    dwelling_url = f"/c/comm-a/register/dwellings/{wang['dwelling_id']}"
    await h.enable("comm-a", "repairs")  # a module's panels on the building and dwelling pages
    assert "未完成的维修" in (await client.get(dwelling_url)).text
    assert "未完成的维修" in (await client.get(f"/c/comm-a/register/buildings/{wang['building_id']}")).text
    await h.disable("comm-a", "repairs")
    assert "未完成的维修" not in (await client.get(dwelling_url)).text

    worker = await h.user(role="grid_worker", community="comm-a")  # no grid yet: sees no place
    gw, _ = await form_login(h, worker["username"])
    assert "8栋" not in (await gw.get("/c/comm-a/register")).text
    assert (await gw.get(f"/c/comm-a/register/buildings/{wang['building_id']}")).status_code == 404


async def test_register_a_person_living_in_a_dwelling_refusals_inline(make_linli: Any) -> None:
    h, client, headers, wang = await setup(make_linli)
    form = await client.get("/c/comm-a/residents/new", params={"dwelling_id": wang["dwelling_id"]})
    assert form.status_code == 200 and "8栋 301" in form.text
    before = await persons(h)
    bad = {
        "name": "王小明",
        "id_number": "110101199003071234",
        "phone": "13812345678",
        "dwelling_id": str(wang["dwelling_id"]),
        "start_date": "2024-05-01",
        "role": "family",
        "relation": "孙子",
        "join": "1",
    }
    r = await client.post("/c/comm-a/residents/new", data=bad, headers=headers)
    assert r.status_code == 400 and 'id="f-id_number-error"' in r.text and 'value="王小明"' in r.text
    assert 'value="13812345678"' in r.text and 'value="孙子"' in r.text
    r = await client.post(
        "/c/comm-a/residents/new", data={**bad, "id_number": "", "start_date": "2024-13-01"}, headers=headers
    )
    assert r.status_code == 400 and 'id="f-start_date-error"' in r.text
    assert await persons(h) == before  # the person of a refused form is not left behind
    r = await client.post("/c/comm-a/residents/new", data={**bad, "id_number": ""})
    assert r.status_code == 403 and await persons(h) == before  # CSRF
    r = await client.post("/c/comm-a/residents/new", data={**bad, "id_number": ""}, headers=headers)
    assert r.status_code == 303, r.text
    dwelling = await client.get(f"/c/comm-a/register/dwellings/{wang['dwelling_id']}")
    assert dwelling.text.count('<section class="card">') == 1  # joined Wang's household
    assert "王小明" in dwelling.text and "孙子" in dwelling.text


async def test_edit_a_person_move_them_in_and_keep_the_care_register(make_linli: Any) -> None:
    h, client, headers, wang = await setup(make_linli)
    r = await client.post(
        "/c/comm-a/residents/new", data={"name": "赵大爷", "birth_date": "1940-02-03"}, headers=headers
    )
    assert r.status_code == 303
    url = r.headers["location"]
    edit = await client.get(f"{url}/edit")
    assert edit.status_code == 200 and 'value="赵大爷"' in edit.text
    r = await client.post(
        f"{url}/edit", data={"name": "赵大爷", "phone": "12345", "notes": "耳背"}, headers=headers
    )
    assert r.status_code == 400 and 'id="f-phone-error"' in r.text and "耳背" in r.text
    r = await client.post(
        f"{url}/edit", data={"name": "赵建国", "phone": "13911112222", "notes": "耳背"}, headers=headers
    )
    assert r.status_code == 303 and "赵建国" in (await client.get(url)).text

    move = await client.get(f"{url}/move-in", params={"building_id": wang["building_id"]})
    assert move.status_code == 200 and "301" in move.text
    r = await client.post(
        f"{url}/move-in",
        data={"building_id": str(wang["building_id"]), "dwelling_id": "", "start_date": "2024-01-01"},
        headers=headers,
    )
    assert r.status_code == 400 and 'id="f-dwelling_id-error"' in r.text
    r = await client.post(
        f"{url}/move-in",
        data={
            "building_id": str(wang["building_id"]),
            "dwelling_id": str(wang["dwelling_id"]),
            "start_date": "2024-01-01",
            "role": "owner",
        },
        headers=headers,
    )
    assert r.status_code == 303
    person = await client.get(url)
    assert "8栋 301" in person.text

    r = await client.post(f"{url}/vulnerabilities", data={"category": "", "tier": "1"}, headers=headers)
    assert r.status_code == 400 and 'id="care_category-error"' in r.text
    r = await client.post(
        f"{url}/vulnerabilities",
        data={"category": "elderly_alone", "tier": "1", "consent_on": "2024-01-02"},
        headers=headers,
    )
    assert r.status_code == 303
    from core.residents.tables import Vulnerability

    async with h.tenant("comm-a"):
        care = await Vulnerability.select().first().run()
    assert care["tier"] == 1 and care["active"]
    r = await client.post(
        f"{url}/vulnerabilities/{care['id']}", data={"tier": "2", "end": "1"}, headers=headers
    )
    assert r.status_code == 303
    async with h.tenant("comm-a"):
        care = await Vulnerability.select().first().run()
    assert care["tier"] == 2 and not care["active"]
    assert "已结束" in (await client.get(url)).text


async def test_garbage_in_every_new_form_is_a_page_never_a_500(make_linli: Any) -> None:
    h, client, headers, wang = await setup(make_linli)
    admin = await h.user(role="community_admin", community="comm-a")
    boss, _ = await form_login(h, admin["username"])
    boss_headers = {"X-CSRF-Token": csrf_of((await boss.get("/c/comm-a/members")).text)}
    junk = ["", "abc", "-1", "9" * 40, "2024-02-30", "<script>x</script>", "１２３"]
    person = f"/c/comm-a/residents/{wang['id']}"
    forms = {
        "/c/comm-a/residents/new": [
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "dwelling_id",
            "start_date",
            "role",
            "join",
        ],
        f"{person}/edit": ["name", "phone", "id_number"],
        f"{person}/move-in": ["building_id", "dwelling_id", "start_date", "role"],
        f"{person}/vulnerabilities": ["category", "tier", "consent_on", "review_on"],
        f"{person}/account": ["phone", "password"],
        "/c/comm-a/members": ["login", "role", "phone", "password"],
        "/c/comm-a/join": ["code", "phone", "password"],
    }
    for url, fields in forms.items():
        who, hdrs = (boss, boss_headers) if "members" in url or "account" in url else (client, headers)
        for field in fields:
            for value in junk:
                r = await who.post(url, data={"name": "某人", field: value}, headers=hdrs)
                assert r.status_code < 500, (url, field, value, r.status_code)
                assert "<script>x</script>" not in r.text


async def test_staff_add_a_building_with_its_flats_and_bad_numbers_are_refused_beside_the_field(
    make_linli: Any,
) -> None:
    from core.residents.tables import Building, Dwelling

    h, client, headers, _wang = await setup(make_linli)
    async with h.tenant("comm-a"):
        before = await Building.count().run()
    bad = await client.post(
        "/c/comm-a/register/buildings",
        headers=headers,
        data={"name": "9栋", "floors": "六", "units": "2", "dwellings_per_floor": "2"},
    )
    assert bad.status_code == 400 and 'id="b-floors"' in bad.text and 'aria-invalid="true"' in bad.text
    assert 'value="9栋"' in bad.text and 'value="六"' in bad.text  # values kept
    too_many = await client.post(
        "/c/comm-a/register/buildings",
        headers=headers,
        data={"name": "9栋", "floors": "6", "units": "99", "dwellings_per_floor": "2"},
    )
    assert too_many.status_code == 400 and "between 0 and 30" in too_many.text
    async with h.tenant("comm-a"):
        assert await Building.count().run() == before  # nothing saved
    ok = await client.post(
        "/c/comm-a/register/buildings",
        headers=headers,
        data={"name": "9栋", "floors": "6", "units": "2", "dwellings_per_floor": "2", "has_lift": "1"},
    )
    assert ok.status_code == 303 and "/c/comm-a/register/buildings/" in ok.headers["location"]
    async with h.tenant("comm-a"):
        nine = await Building.select().where(Building.name == "9栋").first().run()
        assert nine["has_lift"] and await Dwelling.count().where(Dwelling.building == nine["id"]).run() == 24
    resident = await h.user(role="resident", community="comm-a")
    other, _ = await form_login(h, resident["username"])
    assert (await other.post("/c/comm-a/register/buildings", data={"name": "x"})).status_code in (403, 404)
