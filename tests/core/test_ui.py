"""The pages over HTTP (no browser): login flow, language, the same walls as the API."""

from __future__ import annotations

from typing import Any

from core.testing.harness import DEFAULT_PASSWORD


async def setup(make_linli: Any) -> Any:
    h = await make_linli(plugins=None)  # every installed plugin (the noticeboard adds navigation)
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    await h.community("comm-b", office="office-a")
    await h.resident("comm-a", "王秀英", phone="13800000001")
    return h


async def form_login(h: Any, username: str, password: str = DEFAULT_PASSWORD, next_: str = "/") -> Any:
    client = h.client()
    r = await client.post("/login", data={"username": username, "password": password, "next": next_})
    return client, r


async def test_login_lands_on_the_dashboard_in_chinese_and_english_on_request(make_linli: Any) -> None:
    h = await setup(make_linli)
    staff = await h.user(role="community_staff", community="comm-a")
    anonymous = h.client()
    r = await anonymous.get("/c/comm-a/residents?q=王")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/c/comm-a/residents"
    page = await anonymous.get("/login")
    assert page.status_code == 200 and "用户名或手机号" in page.text and 'lang="zh-CN"' in page.text

    client, r = await form_login(h, staff["username"], next_="/c/comm-a/residents")
    assert r.status_code == 303 and r.headers["location"] == "/c/comm-a/residents"
    found = await client.get("/c/comm-a/residents", params={"q": "王"})
    assert found.status_code == 200 and "王秀英" in found.text
    assert "13800000001" not in found.text  # masked as in the API
    home = await client.get("/", follow_redirects=True)
    assert home.status_code == 200 and "今日" in home.text and "未办结诉求" in home.text
    assert 'aria-label="每周走访次数"' in home.text  # the week-by-week chart, drawn on the server
    assert home.text.split("<title>")[1].split("</title>")[0].strip().startswith("概览")
    assert home.text.index('aria-label="每周走访次数"') > home.text.index("<main")  # in the page body
    r = await client.get("/lang/en", params={"next": "/c/comm-a/"}, follow_redirects=True)
    assert "Open cases" in r.text and 'lang="en"' in r.text
    assert "/static/htmx-2.0.11.min.js" in r.text
    assert (await client.get("/static/htmx-2.0.11.min.js")).status_code == 200  # shipped, no CDN


async def test_bad_login_keeps_the_username_and_says_why(make_linli: Any) -> None:
    h = await setup(make_linli)
    staff = await h.user(role="community_staff", community="comm-a")
    _client, r = await form_login(h, staff["username"], "wrong-password")
    assert r.status_code == 401 and "用户名或密码错误" in r.text and f'value="{staff["username"]}"' in r.text
    _client, r = await form_login(h, "", "")
    assert r.status_code == 400 and "请输入用户名" in r.text
    _client, r = await form_login(h, staff["username"], next_="https://evil.example/")
    assert r.status_code == 303 and r.headers["location"] == "/"  # never an open redirect


async def test_pages_keep_the_same_walls_as_the_api(make_linli: Any) -> None:
    h = await setup(make_linli)
    other = await h.user(role="community_admin", community="comm-b")
    client, _ = await form_login(h, other["username"])
    r = await client.get("/c/comm-a/residents", params={"q": "王"})
    assert r.status_code == 404 and "王秀英" not in r.text and "找不到页面" in r.text
    assert (await client.get("/c/no-such-place/")).status_code == 404
    resident = await h.user(role="resident", community="comm-a")
    client, _ = await form_login(h, resident["username"])
    r = await client.get("/c/comm-a/residents")
    assert r.status_code == 403 and "没有权限" in r.text


async def test_a_plugins_navigation_shows_only_where_it_is_enabled(make_linli: Any) -> None:
    h = await setup(make_linli)
    await h.enable("comm-a", "noticeboard")
    admin_a = await h.user(role="community_admin", community="comm-a")
    client, _ = await form_login(h, admin_a["username"])
    assert "社区公告" in (await client.get("/c/comm-a/")).text
    await h.disable("comm-a", "noticeboard")
    assert "社区公告" not in (await client.get("/c/comm-a/")).text


async def test_a_plugins_pages_draw_inside_the_layout_and_keep_its_walls(make_linli: Any) -> None:
    h = await setup(make_linli)
    await h.enable("comm-a", "noticeboard")
    admin = await h.user(role="community_admin", community="comm-a")
    client, _ = await form_login(h, admin["username"])
    page = await client.get("/c/comm-a/noticeboard/")
    assert page.status_code == 200 and "<h1>社区公告</h1>" in page.text
    assert 'href="/c/comm-a/residents"' in page.text  # the core's navigation around it

    headers = {"X-CSRF-Token": csrf_of(page.text)}
    async with h.tenant("comm-a"):
        from linli_noticeboard.tables import Notice

        before = await Notice.count().run()
    csrf = await client.post("/c/comm-a/noticeboard/", data={"title": "停水通知"})
    assert csrf.status_code == 403  # no CSRF token: refused like any other form
    bad = await client.post("/c/comm-a/noticeboard/", data={"title": " ", "body": "周三9点"}, headers=headers)
    assert bad.status_code == 400 and "请填写标题" in bad.text and "周三9点" in bad.text
    async with h.tenant("comm-a"):
        assert await Notice.count().run() == before  # nothing saved
    ok = await client.post("/c/comm-a/noticeboard/", data={"title": "停水通知"}, headers=headers)
    assert ok.status_code == 303
    client.cookies.set("linli_lang", "en")
    english = await client.get("/c/comm-a/noticeboard/")
    client.cookies.set("linli_lang", "zh-CN")
    assert "<h1>Notices</h1>" in english.text and "停水通知" in english.text
    anonymous = await h.client().get("/c/comm-a/noticeboard/")
    assert anonymous.status_code == 303

    await h.disable("comm-a", "noticeboard")
    gone = await client.get("/c/comm-a/noticeboard/")
    assert gone.status_code == 404 and "找不到页面" in gone.text


async def test_the_cases_inbox_shows_a_resident_only_their_own(make_linli: Any) -> None:
    h = await setup(make_linli)
    mine, theirs = (
        await h.user(role="resident", community="comm-a"),
        await h.user(role="resident", community="comm-a"),
    )
    for user, title in ((mine, "我家水管漏水"), (theirs, "邻居的门禁坏了")):
        api = await h.login(user["username"])
        r = await api.post("/api/v1/c/comm-a/cases", json={"type": "general_request", "title": title})
        assert r.status_code == 201, r.text
    client, _ = await form_login(h, mine["username"])
    inbox = await client.get("/c/comm-a/cases")
    assert inbox.status_code == 200 and "我家水管漏水" in inbox.text and "邻居的门禁坏了" not in inbox.text
    home = await client.get("/c/comm-a/", follow_redirects=True)  # a resident's start: my home
    assert str(home.url).endswith("/c/comm-a/home")
    assert "未办结诉求" not in home.text and '<span class="label">居民</span>' not in home.text
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    inbox = await client.get("/c/comm-a/cases")
    assert "我家水管漏水" in inbox.text and "邻居的门禁坏了" in inbox.text
    home = await client.get("/c/comm-a/")
    chart = home.text.split('aria-label="未办结诉求（按类别）"')[1].split("</svg>")[0]
    assert ">一般诉求</text>" in chart
    assert 'class="chart-value">2</text>' in chart  # both residents' requests, one bar


async def test_the_street_office_sees_its_communities_side_by_side(make_linli: Any) -> None:
    h = await setup(make_linli)  # comm-a and comm-b under office-a
    await h.office("office-b")
    official = await h.user(role="office_admin", office="office-a")
    client, _ = await form_login(h, official["username"])
    home = await client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/o/office-a/"
    page = await client.get("/o/office-a/")
    assert page.status_code == 200 and "各社区对比" in page.text
    assert page.text.count('<th scope="col">') == 2  # comm-a and comm-b as columns
    assert '<svg class="chart"' in page.text and 'aria-label="常住居民"' in page.text  # charts, labelled
    last_month = await client.get("/o/office-a/", params={"period": "last_month"})
    assert last_month.status_code == 200 and 'value="last_month" selected' in last_month.text

    # Module policy from the page; a bad value is refused beside the table, nothing changed.
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    bad = await client.post("/o/office-a/policies/noticeboard", data={"policy": "sometimes"}, headers=headers)
    assert bad.status_code == 400 and "noticeboard" in bad.text
    ok = await client.post("/o/office-a/policies/noticeboard", data={"policy": "required"}, headers=headers)
    assert ok.status_code == 303
    api = await h.login(official["username"])
    listed = (await api.get("/api/v1/o/office-a/plugin-policies")).json()
    policies = {p["plugin_id"]: p["policy"] for p in listed}
    assert policies["noticeboard"] == "required"

    # Drill-down: the office admin may open a community, and the opening is in its audit log.
    drill = await client.get("/o/office-a/c/comm-a")
    assert drill.status_code == 200 and "王秀英" not in drill.text and "审计日志" in drill.text
    admin_a = await h.login((await h.user(role="community_admin", community="comm-a"))["username"])
    log = (await admin_a.get("/api/v1/c/comm-a/audit")).json()
    entries = log["entries"] if isinstance(log, dict) else log
    assert any(e["action"] == "office.drill_down" and e["actor_id"] == official["id"] for e in entries)
    viewer = await h.user(role="office_official", office="office-a")
    viewer_client, _ = await form_login(h, viewer["username"])
    assert (await viewer_client.get("/o/office-a/c/comm-a")).status_code == 403  # no drill_down
    assert "/o/office-a/c/comm-a" not in (await viewer_client.get("/o/office-a/")).text

    other = await h.user(role="office_admin", office="office-b")
    await h.community("comm-x", office="office-b")
    client, _ = await form_login(h, other["username"])
    assert (await client.get("/o/office-a/")).status_code == 404
    assert (await client.get("/o/office-b/c/comm-a")).status_code == 404  # not this office's community


def csrf_of(html: str) -> str:
    import re

    match = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert match, "the page carries its CSRF token for htmx"
    return match.group(1)


async def test_staff_escalate_with_a_reason_and_notes_reach_the_resident_only_when_public(
    make_linli: Any,
) -> None:
    h = await setup(make_linli)
    resident = await h.user(role="resident", community="comm-a")
    api = await h.login(resident["username"])
    case = (
        await api.post("/api/v1/c/comm-a/cases", json={"type": "general_request", "title": "楼上漏水"})
    ).json()
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    page = await client.get(f"/c/comm-a/cases/{case['id']}")
    headers = {"X-CSRF-Token": csrf_of(page.text)}
    url = f"/c/comm-a/cases/{case['id']}"
    r = await client.post(url, data={"action": "escalate", "reason": ""}, headers=headers)
    assert r.status_code == 400 and "say why the case goes up a level" in r.text  # inline, nothing changed
    r = await client.post(url, data={"action": "escalate", "reason": "涉及公共管道"}, headers=headers)
    assert r.status_code == 303
    await client.post(
        url, data={"action": "note", "body": "已联系物业", "visibility": "public"}, headers=headers
    )
    await client.post(
        url, data={"action": "note", "body": "物业推诿", "visibility": "internal"}, headers=headers
    )
    assert (await client.post(url, data={"action": "note", "body": "x"})).status_code == 403  # no CSRF
    mine, _ = await form_login(h, resident["username"])
    seen = (await mine.get(url)).text
    assert "已联系物业" in seen and "物业推诿" not in seen and "社区" in seen  # escalated grid -> community
    inbox = await client.get("/c/comm-a/cases", params={"overdue": "true"})
    assert inbox.status_code == 200 and "楼上漏水" not in inbox.text  # not overdue yet


async def test_the_inbox_filters_by_grid(make_linli: Any) -> None:
    from core.grids import service as grids
    from core.residents import places

    h = await setup(make_linli)
    async with h.tenant("comm-a"):
        east_b = await places.create_building("东1栋", floors=6)
        west_b = await places.create_building("西1栋", floors=6)
        east = await grids.create_grid("东片网格")
        west = await grids.create_grid("西片网格")
        await grids.add_place(east["id"], east_b["id"], None)
        await grids.add_place(west["id"], west_b["id"], None)
    staff = await h.user(role="community_staff", community="comm-a")
    api = await h.login(staff["username"])
    for building, title in ((east_b, "东边路灯坏了"), (west_b, "西边井盖松了")):
        r = await api.post(
            "/api/v1/c/comm-a/cases",
            json={"type": "general_request", "title": title, "building_id": building["id"]},
        )
        assert r.status_code == 201, r.text
    client, _ = await form_login(h, staff["username"])
    inbox = await client.get("/c/comm-a/cases", params={"grid": east["id"]})
    assert "东边路灯坏了" in inbox.text and "西边井盖松了" not in inbox.text
    assert f'value="{east["id"]}" selected' in inbox.text
    everything = await client.get("/c/comm-a/cases")
    assert "东边路灯坏了" in everything.text and "西边井盖松了" in everything.text


async def test_the_case_history_names_the_assignee(make_linli: Any) -> None:
    h = await setup(make_linli)
    staff = await h.user(role="community_staff", community="comm-a")
    repairer = await h.user(role="community_staff", community="comm-a", username="liu-shifu")
    api = await h.login(staff["username"])
    base = "/api/v1/c/comm-a/cases"
    case = (await api.post(base, json={"type": "general_request", "title": "门坏了"})).json()
    assert (await api.post(f"{base}/{case['id']}/transition", json={"to": "accepted"})).is_success
    assert (await api.post(f"{base}/{case['id']}/assign", json={"user_id": repairer["id"]})).is_success
    client, _ = await form_login(h, staff["username"])
    page = await client.get(f"/c/comm-a/cases/{case['id']}")
    assert "派给 liu-shifu" in page.text and "to user" not in page.text


async def test_staff_assign_a_colleague_and_see_why_a_case_went_up(make_linli: Any) -> None:
    h = await setup(make_linli)
    staff = await h.user(role="community_admin", community="comm-a")
    await h.user(role="community_staff", community="comm-a", username="zhou-shifu")
    api = await h.login(staff["username"])
    base = "/api/v1/c/comm-a/cases"
    case = (await api.post(base, json={"type": "general_request", "title": "路灯坏了"})).json()
    assert (await api.post(f"{base}/{case['id']}/transition", json={"to": "accepted"})).is_success
    client, _ = await form_login(h, staff["username"])
    url = f"/c/comm-a/cases/{case['id']}"
    client.headers["X-CSRF-Token"] = csrf_of((await client.get(url)).text)
    r = await client.post(url, data={"action": "assign", "username": "nobody"})
    assert r.status_code == 400 and "社区成员中没有这个用户名" in r.text
    r = await client.post(url, data={"action": "assign", "username": "zhou-shifu"})
    assert r.status_code == 303, r.text
    assert (await api.get(f"{base}/{case['id']}")).json()["state"] == "assigned"
    r = await client.post(url, data={"action": "escalate", "reason": "需要街道协调电力公司"})
    assert r.status_code == 303, r.text
    page = await client.get(url)
    assert "派给 zhou-shifu" in page.text
    assert (
        "从社区上报到街道" in page.text and "需要街道协调电力公司" in page.text
    )  # no grid: it starts at the community


async def test_a_case_says_who_asked_and_where_to_staff(make_linli: Any) -> None:
    h = await setup(make_linli)
    admin = await h.user(role="community_admin", community="comm-a")
    api = await h.login(admin["username"])
    wang = await h.resident("comm-a", "张桂兰", building="7栋", dwelling="502", phone="13912345678")
    base = "/api/v1/c/comm-a/cases"
    r = await api.post(
        base,
        json={
            "type": "general_request",
            "title": "楼道灯不亮",
            "requester_person_id": wang["id"],
            "dwelling_id": wang["dwelling_id"],
        },
    )
    assert r.status_code == 201, r.text
    client, _ = await form_login(h, admin["username"])
    page = await client.get(f"/c/comm-a/cases/{r.json()['id']}")
    assert "诉求人" in page.text and "张桂兰" in page.text and "7栋 502" in page.text
    assert (
        "13912345678" not in page.text or 'href="tel:13912345678"' in page.text
    )  # masked unless the role may see it
