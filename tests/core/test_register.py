"""The register through HTTP: places, persons, ID numbers, move-in/out, vulnerabilities, search."""

from __future__ import annotations

import base64

import pytest

from core.residents.identity import FieldKeys, check_id_number, with_check_digit

BASE = "/api/v1/c/comm-a"
# A valid number (check digit computed), born 1948-03-15, female (17th digit even).
ELDER_ID = with_check_digit("11010519480315002")


@pytest.fixture
async def reg(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    building = (
        await admin.post(
            f"{BASE}/buildings", json={"name": "8栋", "floors": 7, "units": 2, "dwellings_per_floor": 2}
        )
    ).json()
    dwellings = (await admin.get(f"{BASE}/buildings/{building['id']}/dwellings")).json()
    return h, admin, building, dwellings


def test_gb11643_check_digit():
    assert check_id_number(ELDER_ID) == ELDER_ID
    wrong = ELDER_ID[:-1] + ("0" if ELDER_ID[-1] != "0" else "1")
    with pytest.raises(Exception, match="check digit"):
        check_id_number(wrong)
    with pytest.raises(Exception, match="impossible birth date"):
        check_id_number(with_check_digit("11010519480231002"))


def test_id_numbers_encrypt_and_rotate():
    old = FieldKeys.from_settings("k" * 40)
    token, version = old.encrypt(ELDER_ID)
    assert ELDER_ID not in token and version == 1
    new_key = base64.b64encode(bytes(range(32))).decode()
    old_key = base64.b64encode(old.versions[1]).decode()
    rotated = FieldKeys.from_settings("k" * 40, f"2:{new_key},1:{old_key}")
    assert rotated.current == 2
    assert rotated.decrypt(token, 1) == ELDER_ID
    token2, v2 = rotated.encrypt(ELDER_ID)
    assert v2 == 2 and rotated.decrypt(token2, 2) == ELDER_ID
    assert old.lookup_hash(ELDER_ID) == rotated.lookup_hash(ELDER_ID)  # lookups survive rotation


async def test_building_layout_and_dwellings(reg):
    _h, admin, building, dwellings = reg
    assert len(dwellings) == 7 * 2 * 2
    detail = (await admin.get(f"{BASE}/buildings/{building['id']}")).json()
    assert [u["name"] for u in detail["units"]] == ["1单元", "2单元"] and detail["dwellings"] == 28
    r = await admin.post(
        f"{BASE}/dwellings", json={"building_id": building["id"], "number": "801", "floor": 8}
    )
    assert r.status_code == 400 and r.json()["field"] == "floor"


async def test_person_with_id_number_is_masked_and_reveal_is_audited(reg):
    h, admin, _, _ = reg
    r = await admin.post(
        f"{BASE}/persons", json={"name": "张桂兰", "id_number": ELDER_ID, "phone": "13912345678"}
    )
    assert r.status_code == 201, r.text
    person = r.json()
    assert person["birth_date"] == "1948-03-15" and person["gender"] == "F"
    assert person["id_number"] == ELDER_ID[:3] + "*" * 11 + ELDER_ID[-4:]
    assert person["phone"] == "139****5678"
    r = await admin.get(f"{BASE}/persons/{person['id']}?reveal=true")
    assert r.status_code == 400 and r.json()["field"] == "purpose"
    r = await admin.get(f"{BASE}/persons/{person['id']}?reveal=true&purpose=低保复核")
    assert r.status_code == 200 and r.json()["id_number"] == ELDER_ID
    staff = await h.as_role("community_staff", "comm-a")
    r = await staff.get(f"{BASE}/persons/{person['id']}?reveal=true&purpose=curious")
    assert r.status_code == 403
    audit = (await admin.get(f"{BASE}/audit")).json()
    reveals = [e for e in audit if e["action"] == "person.unmasked"]
    assert len(reveals) == 1 and reveals[0]["purpose"] == "低保复核"
    # Found by exact ID number, and the same number cannot be registered twice.
    found = (await admin.get(f"{BASE}/persons", params={"id_number": ELDER_ID.lower()})).json()
    assert [p["id"] for p in found["items"]] == [person["id"]]
    r = await admin.post(f"{BASE}/persons", json={"name": "另一个", "id_number": ELDER_ID})
    assert r.status_code == 409


async def test_bad_person_input(reg):
    _, admin, _, _ = reg
    cases = [
        ({"name": "x", "id_number": "123"}, "id_number"),
        ({"name": "x", "phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        ({"name": "x", "birth_date": "2999-01-01"}, "birth_date"),
        ({"name": "x", "id_number": ELDER_ID, "birth_date": "1950-01-01"}, "birth_date"),
    ]
    for body, field in cases:
        r = await admin.post(f"{BASE}/persons", json=body)
        assert r.status_code == 400 and r.json()["field"] == field, (body, r.text)
    assert (await admin.get(f"{BASE}/persons")).json()["items"] == []  # nothing half-written


async def test_move_in_and_out_with_history_and_events(reg):
    h, admin, _, dwellings = reg
    person = (await admin.post(f"{BASE}/persons", json={"name": "李建国"})).json()
    d1, d2 = dwellings[0]["id"], dwellings[1]["id"]
    r = await admin.post(
        f"{BASE}/persons/{person['id']}/move-in",
        json={"dwelling_id": d1, "start_date": "2015-06-01", "role": "owner"},
    )
    assert r.status_code == 201, r.text
    first = r.json()
    r = await admin.post(
        f"{BASE}/persons/{person['id']}/move-in", json={"dwelling_id": d2, "start_date": "2020-01-01"}
    )
    assert r.status_code == 409  # overlapping residency
    r = await admin.post(f"{BASE}/residencies/{first['id']}/move-out", json={"end_date": "2010-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "end_date"
    r = await admin.post(
        f"{BASE}/residencies/{first['id']}/move-out", json={"end_date": "2021-03-31", "reason": "搬去女儿家"}
    )
    assert r.status_code == 200
    r = await admin.post(f"{BASE}/residencies/{first['id']}/move-out", json={"end_date": "2021-04-01"})
    assert r.status_code == 409  # not living there any more
    r = await admin.post(
        f"{BASE}/persons/{person['id']}/move-in",
        json={"dwelling_id": d2, "start_date": "2021-04-01", "role": "tenant"},
    )
    assert r.status_code == 201
    detail = (await admin.get(f"{BASE}/persons/{person['id']}")).json()
    assert [(x["dwelling"], x["end_date"]) for x in detail["residencies"]] == [(d1, "2021-03-31"), (d2, None)]
    dwelling = (await admin.get(f"{BASE}/dwellings/{d2}")).json()
    assert dwelling["state"] == "rented" and dwelling["residents"][0]["person"]["name"] == "李建国"
    from core.events.tables import OutboxEvent

    async with h.tenant("comm-a"):
        types = [e["type"] for e in await OutboxEvent.select().order_by(OutboxEvent.id).run()]
    assert types == ["resident.moved_in", "resident.moved_out", "resident.moved_in"]


async def test_search_filters_and_keyset_pages(reg):
    _h, admin, building, dwellings = reg
    names = ["王秀英", "王建华", "王丽", "刘洋", "陈静"]
    ids = {}
    for i, name in enumerate(names):
        birth = "1940-05-01" if i < 2 else "1990-05-01"
        p = (await admin.post(f"{BASE}/persons", json={"name": name, "birth_date": birth})).json()
        ids[name] = p["id"]
        await admin.post(
            f"{BASE}/persons/{p['id']}/move-in",
            json={"dwelling_id": dwellings[i]["id"], "start_date": "2019-01-01"},
        )
    await admin.post(
        f"{BASE}/persons/{ids['王秀英']}/vulnerabilities", json={"category": "elderly_alone", "tier": 1}
    )
    page = (await admin.get(f"{BASE}/persons", params={"name": "王", "limit": 2})).json()
    assert len(page["items"]) == 2 and page["next"]
    rest = (
        await admin.get(f"{BASE}/persons", params={"name": "王", "limit": 2, "after": page["next"]})
    ).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    all_wang = {p["name"] for p in page["items"] + rest["items"]}
    assert all_wang == {"王秀英", "王建华", "王丽"}
    old = (await admin.get(f"{BASE}/persons", params={"min_age": 60})).json()
    assert {p["name"] for p in old["items"]} == {"王秀英", "王建华"}
    alone = (
        await admin.get(
            f"{BASE}/persons",
            params={"min_age": 60, "category": "elderly_alone", "building_id": building["id"]},
        )
    ).json()
    assert [p["name"] for p in alone["items"]] == ["王秀英"]
    r = await admin.get(f"{BASE}/persons", params={"category": "wealthy"})
    assert r.status_code == 400 and r.json()["field"] == "category"
    r = await admin.get(f"{BASE}/persons", params={"after": "garbage"})
    assert r.status_code == 400 and r.json()["field"] == "after"


async def test_grid_worker_sees_only_their_grid(reg):
    import datetime as dt

    from core.grids.tables import Grid, GridAssignment, GridPlace

    h, admin, building, dwellings = reg
    other = (
        await admin.post(
            f"{BASE}/buildings", json={"name": "9栋", "floors": 3, "units": 1, "dwellings_per_floor": 1}
        )
    ).json()
    other_dwellings = (await admin.get(f"{BASE}/buildings/{other['id']}/dwellings")).json()
    inside = (await admin.post(f"{BASE}/persons", json={"name": "网格内"})).json()
    outside = (await admin.post(f"{BASE}/persons", json={"name": "网格外"})).json()
    await admin.post(
        f"{BASE}/persons/{inside['id']}/move-in",
        json={"dwelling_id": dwellings[0]["id"], "start_date": "2019-01-01"},
    )
    await admin.post(
        f"{BASE}/persons/{outside['id']}/move-in",
        json={"dwelling_id": other_dwellings[0]["id"], "start_date": "2019-01-01"},
    )
    worker = await h.user(role="grid_worker", community="comm-a")
    async with h.tenant("comm-a"):
        grid = Grid(name="第一网格")
        await grid.save().run()
        await GridPlace.insert(GridPlace(grid=grid.id, building=building["id"])).run()
        await GridAssignment.insert(
            GridAssignment(
                grid=grid.id, user_id=worker["id"], role="grid_worker", valid_from=dt.date(2020, 1, 1)
            )
        ).run()
    client = await h.login(worker["username"])
    seen = (await client.get(f"{BASE}/persons")).json()
    assert [p["name"] for p in seen["items"]] == ["网格内"]
    assert (await client.get(f"{BASE}/persons/{outside['id']}")).status_code == 404
    assert (await client.get(f"{BASE}/persons/{inside['id']}")).status_code == 200
    assert (await client.get(f"{BASE}/dwellings/{other_dwellings[0]['id']}")).status_code == 404


async def test_the_kit_makes_residents(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    person = await h.resident(
        "comm-a", "刘奶奶", birth_date=__import__("datetime").date(1940, 1, 1), categories=["elderly_alone"]
    )
    admin = await h.as_role("community_admin", "comm-a")
    found = (await admin.get(f"{BASE}/persons", params={"category": "elderly_alone"})).json()["items"]
    assert [p["id"] for p in found] == [person["id"]]


async def test_privacy_export_and_erase_reach_core_tables(make_linli):
    h = await make_linli()
    await h.community("comm-a")
    person = await h.resident(
        "comm-a", "钱阿姨", id_number=ELDER_ID, phone="13912345678", categories=["elderly_alone"]
    )
    admin = await h.as_role("community_admin", "comm-a")
    await admin.post(
        f"{BASE}/persons/{person['id']}/emergency-contacts",
        json={"name": "钱小", "phone": "13800000000", "relation": "女儿"},
    )
    exported = (await admin.get(f"{BASE}/persons/{person['id']}/privacy-export")).json()
    core = exported["core"]
    assert core["person"]["id_number"] == ELDER_ID and core["emergency_contacts"][0]["name"] == "钱小"
    assert core["vulnerabilities"][0]["category"] == "elderly_alone"
    staff = await h.as_role("community_staff", "comm-a")
    assert (await staff.post(f"{BASE}/persons/{person['id']}/erase")).status_code == 403
    r = await admin.post(f"{BASE}/persons/{person['id']}/erase")
    assert r.status_code == 200 and r.json()["erased"]["core"] >= 3
    assert (await admin.get(f"{BASE}/persons/{person['id']}")).status_code == 404
    found = (await admin.get(f"{BASE}/persons", params={"id_number": ELDER_ID})).json()["items"]
    assert found == []  # the number no longer finds anyone
    # The residency's dates stay, so occupancy history remains true.
    from core.residents.tables import Person, Residency

    async with h.tenant("comm-a"):
        assert await Residency.count().where(Residency.person == person["id"]).run() == 1
        row = await Person.select().where(Person.id == person["id"]).first().run()
    assert row["id_number_enc"] == "" and row["phone"] == "" and row["name"] == "（已删除）"
