"""Users and roles page and the header's community switcher, over HTTP."""

from __future__ import annotations

from typing import Any

from core.testing.harness import DEFAULT_PASSWORD
from tests.core.test_ui import csrf_of, form_login


async def test_an_administrator_adds_and_removes_users_with_roles(make_linli: Any) -> None:
    h = await make_linli(plugins=None)
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    admin = await h.user(role="community_admin", community="comm-a")
    client, _ = await form_login(h, admin["username"])
    page = await client.get("/c/comm-a/members")
    assert page.status_code == 200 and "用户和角色" in page.text and admin["username"] in page.text
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    r = await client.post(
        "/c/comm-a/members",
        data={"login": "liwei", "display_name": "李伟", "password": "short", "role": "grid_worker"},
        headers=headers,
    )
    assert r.status_code == 400 and 'id="f-password-error"' in r.text and 'value="liwei"' in r.text
    r = await client.post(
        "/c/comm-a/members",
        data={"login": "liwei", "display_name": "李伟", "password": DEFAULT_PASSWORD, "role": "grid_worker"},
    )
    assert r.status_code == 403  # CSRF
    r = await client.post(
        "/c/comm-a/members",
        data={"login": "liwei", "display_name": "李伟", "password": DEFAULT_PASSWORD, "role": "grid_worker"},
        headers=headers,
    )
    assert r.status_code == 303
    page = await client.get("/c/comm-a/members")
    assert "李伟" in page.text and "网格员" in page.text
    worker, r = await form_login(h, "liwei")
    assert r.status_code == 303 and (await worker.get("/c/comm-a/visits")).status_code == 200

    from core.auth.tables import Membership

    row = await Membership.select(Membership.id).where(Membership.role == "grid_worker").first().run()
    r = await client.post(f"/c/comm-a/members/{row['id']}/remove", headers=headers)
    assert r.status_code == 303
    assert (await worker.get("/c/comm-a/visits")).status_code == 404  # no role here any more
    mine = await Membership.select(Membership.id).where(Membership.role == "community_admin").first().run()
    r = await client.post(f"/c/comm-a/members/{mine['id']}/remove", headers=headers)
    assert r.status_code == 409  # never lock yourself out

    await h.user(role="resident", community="comm-a", username="resident-a")
    page = await client.get("/c/comm-a/members")
    assert "resident-a" not in page.text and "居民账号：1 个" in page.text  # residents on request
    assert "resident-a" in (await client.get("/c/comm-a/members?residents=true")).text

    staff = await h.user(role="community_staff", community="comm-a")
    viewer, _ = await form_login(h, staff["username"])
    page = await viewer.get("/c/comm-a/members")
    assert page.status_code == 200 and "添加用户" not in page.text  # staff see, admins change


async def test_a_user_of_two_communities_switches_in_the_header(make_linli: Any) -> None:
    h = await make_linli(plugins=None)
    await h.office("office-a")
    await h.community("comm-a", office="office-a", name="红光社区")
    await h.community("comm-b", office="office-a", name="月塘社区")
    user = await h.user(role="community_staff", community="comm-a")
    single, _ = await form_login(h, user["username"])
    assert 'class="switch' not in (await single.get("/c/comm-a/")).text
    from core.auth.users import grant_role

    async with h.transaction():
        await grant_role(h.runtime.roles, user["username"], "community_admin", community="comm-b")
    client, _ = await form_login(h, user["username"])
    page = await client.get("/c/comm-a/")
    assert 'class="switch' in page.text and 'href="/c/comm-b/"' in page.text and "月塘社区" in page.text
    other = await client.get("/c/comm-b/")
    assert other.status_code == 200 and "月塘社区" in other.text
