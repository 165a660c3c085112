"""Resident accounts: staff create one or hand out an invitation code; the resident logs in by
phone and sees their own household, and nobody else's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.testing.harness import DEFAULT_PASSWORD

BASE = "/api/v1/c/comm-a"


async def setup(make_linli: Any) -> Any:
    h = await make_linli()
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    await h.community("comm-b", office="office-a")
    return h


async def test_staff_create_an_account_and_the_resident_sees_their_household(make_linli: Any) -> None:
    h = await setup(make_linli)
    wang = await h.resident("comm-a", "王秀英", building="8栋", dwelling="301")
    await h.resident("comm-a", "王建国", building="8栋", dwelling="302")  # a neighbour
    staff = await h.as_role("community_staff", "comm-a")
    r = await staff.post(
        f"{BASE}/persons/{wang['id']}/account", json={"phone": "1380000", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and r.json()["field"] == "phone"
    r = await staff.post(
        f"{BASE}/persons/{wang['id']}/account", json={"phone": "13800000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 201, r.text
    r = await staff.post(
        f"{BASE}/persons/{wang['id']}/account", json={"phone": "13800000002", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 409  # one account per person

    me = await h.login("13800000001")  # by phone number
    home = (await me.get(f"{BASE}/me/household")).json()
    assert home["person_id"] == wang["id"]
    assert home["home"]["building"] == "8栋" and home["home"]["number"] == "301"
    assert [m["name"] for m in home["home"]["members"]] == ["王秀英"]
    assert (await me.get("/api/v1/c/comm-b/me/household")).status_code == 404
    assert (await me.get(f"{BASE}/persons/{wang['id']}")).status_code == 403  # not the register


async def test_an_invitation_code_is_single_use_local_and_expires(make_linli: Any) -> None:
    h = await setup(make_linli)
    li = await h.resident("comm-a", "李桂芳")
    staff = await h.as_role("community_staff", "comm-a")
    invite = (await staff.post(f"{BASE}/persons/{li['id']}/invitations", json={})).json()
    code = invite["code"]
    assert len(code) == 9 and code[4] == "-"
    anonymous = h.client()
    r = await anonymous.post(
        "/api/v1/c/comm-b/join", json={"code": code, "phone": "13900000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and r.json()["field"] == "code"  # only where it was issued
    r = await anonymous.post(
        f"{BASE}/join",
        json={"code": code.lower().replace("-", " "), "phone": "13900000001", "password": "short"},
    )
    assert r.status_code == 400 and r.json()["field"] == "password"
    r = await anonymous.post(
        f"{BASE}/join", json={"code": code, "phone": "13900000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 201, r.text
    r = await anonymous.post(
        f"{BASE}/join", json={"code": code, "phone": "13900000009", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and r.json()["field"] == "code"  # used
    me = await h.login("13900000001")
    assert (await me.get(f"{BASE}/me/household")).json()["person_id"] == li["id"]

    zhao = await h.resident("comm-a", "赵大爷", dwelling="102")
    late = (await staff.post(f"{BASE}/persons/{zhao['id']}/invitations", json={"valid_days": 1})).json()
    from core.residents.tables import Invitation

    async with h.tenant("comm-a"):
        await (
            Invitation.update({Invitation.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)})
            .where(Invitation.person == zhao["id"])
            .run()
        )
    r = await anonymous.post(
        f"{BASE}/join", json={"code": late["code"], "phone": "13900000002", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and r.json()["field"] == "code"


async def test_a_phone_with_an_account_links_only_with_its_password(make_linli: Any) -> None:
    h = await setup(make_linli)
    a = await h.resident("comm-a", "周阿姨")
    b = await h.resident("comm-b", "周阿姨")
    staff_a = await h.as_role("community_staff", "comm-a")
    staff_b = await h.as_role("community_staff", "comm-b")
    await staff_a.post(
        f"{BASE}/persons/{a['id']}/account", json={"phone": "13700000001", "password": DEFAULT_PASSWORD}
    )
    r = await staff_b.post(
        f"/api/v1/c/comm-b/persons/{b['id']}/account",
        json={"phone": "13700000001", "password": "another-pass-123"},
    )
    assert r.status_code == 409  # staff cannot take over an existing login
    code = (await staff_b.post(f"/api/v1/c/comm-b/persons/{b['id']}/invitations", json={})).json()["code"]
    r = await h.client().post(
        "/api/v1/c/comm-b/join", json={"code": code, "phone": "13700000001", "password": "another-pass-123"}
    )
    assert r.status_code == 400 and r.json()["field"] == "password"
    r = await h.client().post(
        "/api/v1/c/comm-b/join", json={"code": code, "phone": "13700000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 201, r.text
    me = await h.login("13700000001")
    assert (await me.get("/api/v1/c/comm-b/me/household")).json()["person_id"] == b["id"]
    assert (await me.get(f"{BASE}/me/household")).json()["person_id"] == a["id"]


async def test_erasing_a_person_unlinks_their_portal_account(make_linli: Any) -> None:
    h = await setup(make_linli)
    wang = await h.resident("comm-a", "王秀英")
    admin = await h.as_role("community_admin", "comm-a")
    await admin.post(
        f"{BASE}/persons/{wang['id']}/account", json={"phone": "13800000001", "password": DEFAULT_PASSWORD}
    )
    await admin.post(f"{BASE}/persons/{wang['id']}/invitations", json={})
    export = (await admin.get(f"{BASE}/persons/{wang['id']}/privacy-export")).json()
    assert [a["login_phone"] for a in export["core"]["portal_account"]] == ["13800000001"]
    assert (await admin.post(f"{BASE}/persons/{wang['id']}/erase")).status_code == 200
    me = await h.login("13800000001")
    assert (await me.get(f"{BASE}/me/household")).status_code == 404


async def test_the_demo_gives_each_community_a_resident_login(make_linli: Any) -> None:
    from core.demo import demo_resident

    h = await setup(make_linli)
    await h.resident("comm-a", "王秀英", building="8栋", dwelling="301")
    async with h.tenant("comm-a"):
        assert await demo_resident(h.runtime, "comm-a", DEFAULT_PASSWORD) == "comm-a-resident"
    async with h.tenant("comm-a"):
        assert await demo_resident(h.runtime, "comm-a", DEFAULT_PASSWORD) is None  # once
    me = await h.login("comm-a-resident")
    home = (await me.get(f"{BASE}/me/household")).json()["home"]
    assert home["building"] == "8栋" and home["number"] == "301"
