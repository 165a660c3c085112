"""The resident portal over HTTP: staff give a resident an account or a code, the resident
joins, logs in by phone, sees their home and their requests."""

from __future__ import annotations

import re
from typing import Any

from core.testing.harness import DEFAULT_PASSWORD
from tests.core.test_ui import csrf_of, form_login


async def setup(make_linli: Any) -> Any:
    h = await make_linli(plugins=None)
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    return h


async def test_staff_create_an_account_inline_errors_then_the_resident_lands_at_home(make_linli: Any) -> None:
    h = await setup(make_linli)
    wang = await h.resident("comm-a", "王秀英", building="8栋", dwelling="301")
    await h.resident("comm-a", "李建华", building="8栋", dwelling="301")  # moved in alone: own household
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    person_url = f"/c/comm-a/residents/{wang['id']}"
    page = await client.get(person_url)
    assert "居民端账号" in page.text and "生成邀请码" in page.text
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    r = await client.post(
        f"{person_url}/account", data={"phone": "1380", "password": DEFAULT_PASSWORD}, headers=headers
    )
    assert r.status_code == 400 and 'value="1380"' in r.text and "11 位" in r.text
    assert 'aria-invalid="true"' in r.text
    r = await client.post(
        f"{person_url}/account", data={"phone": "13800000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 403  # no CSRF token: refused, nothing saved
    r = await client.post(
        f"{person_url}/account", data={"phone": "13800000001", "password": DEFAULT_PASSWORD}, headers=headers
    )
    assert r.status_code == 303
    assert "13800000001" in (await client.get(person_url)).text

    me, r = await form_login(h, "13800000001")
    assert r.status_code == 303
    home = await me.get("/", follow_redirects=True)
    assert str(home.url).endswith("/c/comm-a/home")
    main = home.text.split("<main")[1]
    assert "我的家" in home.text and "8栋 301" in main and "王秀英" in main and "李建华" not in main
    assert "未办结诉求" not in main  # no community figures for residents

    new = await me.get("/c/comm-a/cases/new")
    assert 'capture="environment"' in new.text and 'accept="image/*"' in new.text
    r = await me.post(
        "/c/comm-a/cases/new",
        data={"type": "general_request", "title": "楼道灯坏了", "photo": "light.jpg"},
        headers={"X-CSRF-Token": csrf_of(new.text)},
    )
    assert r.status_code == 303, r.text
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    from core.cases.tables import Case

    async with h.tenant("comm-a"):
        case = await Case.select().where(Case.id == case_id).first().run()
    assert case["requester_person_id"] == wang["id"] and case["dwelling_id"] == wang["dwelling_id"]
    assert "楼道灯坏了" in (await me.get("/c/comm-a/home")).text


async def test_a_resident_joins_with_an_invitation_code(make_linli: Any) -> None:
    h = await setup(make_linli)
    li = await h.resident("comm-a", "李桂芳", building="3栋", dwelling="502")
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    page = await client.get(f"/c/comm-a/residents/{li['id']}")
    slip = await client.post(
        f"/c/comm-a/residents/{li['id']}/invitations", headers={"X-CSRF-Token": csrf_of(page.text)}
    )
    assert slip.status_code == 200 and "/c/comm-a/join" in slip.text
    code = re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', slip.text).group(1)  # type: ignore[union-attr]

    anonymous = h.client()
    form = await anonymous.get("/c/comm-a/join")
    assert form.status_code == 200 and "邀请码" in form.text
    r = await anonymous.post(
        "/c/comm-a/join", data={"code": "AAAA-AAAA", "phone": "13900000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and "邀请码无效" in r.text and 'value="13900000001"' in r.text
    assert DEFAULT_PASSWORD not in r.text  # the password is never sent back
    r = await anonymous.post(
        "/c/comm-a/join", data={"code": code, "phone": "139", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400 and 'id="phone-error"' in r.text
    r = await anonymous.post(
        "/c/comm-a/join", data={"code": code, "phone": "13900000001", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 303 and r.headers["location"] == "/c/comm-a/home"
    home = await anonymous.get("/c/comm-a/home")  # logged in by the join itself
    assert home.status_code == 200 and "3栋 502" in home.text and "李桂芳" in home.text
    again = h.client()
    r = await again.post(
        "/c/comm-a/join", data={"code": code, "phone": "13900000002", "password": DEFAULT_PASSWORD}
    )
    assert r.status_code == 400  # single use


async def test_a_modules_pages_appear_on_the_residents_home_only_while_it_is_on(make_linli: Any) -> None:
    h = await setup(make_linli)
    resident = await h.user(role="resident", community="comm-a")
    me, _ = await form_login(h, resident["username"])
    await h.enable("comm-a", "noticeboard")
    home = await me.get("/c/comm-a/home")
    assert home.status_code == 200 and 'href="/c/comm-a/noticeboard"' in home.text.split("<main")[1]
    assert "还没有关联社区的居民登记" in home.text  # an account not linked to a person still works
    english = await me.get("/lang/en", params={"next": "/c/comm-a/home"}, follow_redirects=True)
    assert "My household" in english.text and "Report a problem" in english.text
    assert 'lang="en"' in english.text
    await h.disable("comm-a", "noticeboard")
    assert "/c/comm-a/noticeboard" not in (await me.get("/c/comm-a/home")).text


async def test_a_resident_changes_the_password_staff_chose_and_other_sessions_end(make_linli: Any) -> None:
    h = await setup(make_linli)
    wang = await h.resident("comm-a", "王秀英")
    admin = await h.as_role("community_admin", "comm-a")
    await admin.post(
        f"/api/v1/c/comm-a/persons/{wang['id']}/account",
        json={"phone": "13800000001", "password": DEFAULT_PASSWORD},
    )
    other, _ = await form_login(h, "13800000001")
    me, _ = await form_login(h, "13800000001")
    form = await me.get("/c/comm-a/password")
    assert form.status_code == 200 and "修改密码" in form.text
    headers = {"X-CSRF-Token": csrf_of(form.text)}
    r = await me.post(
        "/c/comm-a/password",
        data={"current": "wrong-one-1", "new": "new-pass-2024", "repeat": "new-pass-2024"},
        headers=headers,
    )
    assert r.status_code == 400 and 'id="f-current-error"' in r.text
    r = await me.post(
        "/c/comm-a/password",
        data={"current": DEFAULT_PASSWORD, "new": "new-pass-2024", "repeat": "new-pass-2025"},
        headers=headers,
    )
    assert r.status_code == 400 and 'id="f-repeat-error"' in r.text
    r = await me.post(
        "/c/comm-a/password",
        data={"current": DEFAULT_PASSWORD, "new": "short", "repeat": "short"},
        headers=headers,
    )
    assert r.status_code == 400 and 'id="f-new-error"' in r.text
    r = await me.post(
        "/c/comm-a/password",
        data={"current": DEFAULT_PASSWORD, "new": "new-pass-2024", "repeat": "new-pass-2024"},
        headers=headers,
    )
    assert r.status_code == 200 and "密码已修改" in r.text
    assert (await me.get("/c/comm-a/home")).status_code == 200  # this session stays
    assert (await other.get("/c/comm-a/home")).status_code == 303  # the other one ends
    _, r = await form_login(h, "13800000001", "new-pass-2024")
    assert r.status_code == 303


async def test_staff_void_a_code_and_reset_a_forgotten_password(make_linli: Any) -> None:
    h = await setup(make_linli)
    li = await h.resident("comm-a", "李桂芳", building="3栋", dwelling="502")
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    page = await client.get(f"/c/comm-a/residents/{li['id']}")
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    slip = await client.post(f"/c/comm-a/residents/{li['id']}/invitations", headers=headers)
    code = re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', slip.text).group(1)  # type: ignore[union-attr]
    person = await client.get(f"/c/comm-a/residents/{li['id']}")
    invitation_id = re.search(r"/invitations/(\d+)/cancel", person.text).group(1)  # type: ignore[union-attr]
    void = await client.post(
        f"/c/comm-a/residents/{li['id']}/invitations/{invitation_id}/cancel", headers=headers
    )
    assert void.status_code == 303
    joined = await h.client().post(
        "/c/comm-a/join", data={"code": code, "phone": "13900000003", "password": DEFAULT_PASSWORD}
    )
    assert joined.status_code == 400 and "邀请码无效" in joined.text  # the voided code opens nothing
    again = await client.post(
        f"/c/comm-a/residents/{li['id']}/invitations/{invitation_id}/cancel", headers=headers
    )
    assert again.status_code == 404  # nothing open to void

    made = await client.post(
        f"/c/comm-a/residents/{li['id']}/account",
        headers=headers,
        data={"phone": "13900000003", "password": DEFAULT_PASSWORD},
    )
    assert made.status_code == 303
    resident, _ = await form_login(h, "13900000003")
    assert (await resident.get("/c/comm-a/home")).status_code == 200
    weak = await client.post(
        f"/c/comm-a/residents/{li['id']}/account/password", headers=headers, data={"password": "1"}
    )
    assert weak.status_code == 400 and 'id="new-password-error"' in weak.text
    new_password = "Gui-fang-2026-new"
    reset = await client.post(
        f"/c/comm-a/residents/{li['id']}/account/password", headers=headers, data={"password": new_password}
    )
    assert reset.status_code == 303
    assert (await resident.get("/c/comm-a/home")).status_code == 303  # the old login has ended
    _old, refused = await form_login(h, "13900000003")
    assert refused.status_code != 303
    _new, ok = await form_login(h, "13900000003", password=new_password)
    assert ok.status_code == 303
