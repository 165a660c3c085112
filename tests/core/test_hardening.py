"""Input that must never reach a 500 or be turned into something else: formulas in exported
cells, JSON nested to exhaust the decoder, JSON sent as another type; the headers every answer
carries; unknown pages drawn as pages."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from core.residents.spreadsheet import write_table


def test_exported_text_that_looks_like_a_formula_stays_text() -> None:
    names = ['=HYPERLINK("http://x.example","点我")', "+86 138", "-1", "@SUM(A1)", "\t=1", "王秀英"]
    book = openpyxl.load_workbook(io.BytesIO(write_table("居民", ["姓名"], [[n] for n in names])))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == names
    assert all(c.data_type == "s" for c in cells)  # a string cell, never a formula ("f")


async def test_deep_json_and_json_as_text_are_refused_before_decoding(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    client = h.client()
    deep = "[" * 1000 + "]" * 1000
    for path in ("/api/v1/auth/login", "/api/v1/c/comm-a/join"):
        r = await client.post(path, content=deep, headers={"content-type": "application/json"})
        assert r.status_code in (400, 404), (path, r.status_code)  # never the decoder's 500
    r = await client.post("/api/v1/auth/login", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "nested deeper" in r.json()["detail"]
    r = await client.post(
        "/api/v1/auth/login",
        content='{"username": "a", "password": "b"}',
        headers={"content-type": "text/plain"},
    )
    assert r.status_code == 415 and "application/json" in r.json()["detail"]
    ok = await client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert ok.status_code == 401  # a normal body still goes through


async def test_every_answer_carries_its_security_headers_and_request_id(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    client = h.client()
    login_page = await client.get("/login")
    assert "script-src 'self'" in login_page.headers["content-security-policy"]
    assert login_page.headers["x-frame-options"] == "DENY"
    assert login_page.headers["referrer-policy"] == "same-origin"
    api = await client.get("/api/v1/auth/me")  # a 401 refused in the middleware
    assert api.status_code == 401
    assert api.headers["x-content-type-options"] == "nosniff" and api.headers["cache-control"] == "no-store"
    assert api.headers.get("x-request-id")
    unknown = await client.get("/no/such/page")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert "找不到页面" in unknown.text and unknown.headers.get("x-request-id")
    assert (await client.get("/api/v1/no/such/route")).headers["content-type"].startswith("application/json")


def test_forwarded_headers_are_believed_only_from_configured_proxies() -> None:
    from core.cli import server_options
    from core.settings import load_settings

    alone = server_options(load_settings(environ={}))
    assert alone["proxy_headers"] is False  # a made-up X-Forwarded-For changes nothing
    behind = server_options(load_settings(environ={"LINLI_TRUSTED_PROXIES": "10.0.0.5, 10.0.0.6"}))
    assert behind["proxy_headers"] is True and behind["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"


async def test_names_with_control_or_bidi_characters_are_refused_with_the_field(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    for name in ("王\x00秀英", "\x1b[31m王秀英", "王\u202e英秀", "王秀英\u2066"):
        r = await staff.post("/api/v1/c/comm-a/persons", json={"name": name})
        assert (
            r.status_code == 400 and r.json()["field"] == "name" and "control character" in r.json()["detail"]
        )
    assert (await staff.post("/api/v1/c/comm-a/persons", json={"name": "王秀英"})).status_code in (200, 201)


def test_the_cli_prints_stored_text_without_escapes_or_markup() -> None:
    from core.community_cli import printable

    shown = printable("王[bold]秀英\x1b[31m\u202e")
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "\\u001b" in shown and "\\u202e" in shown and "\\[bold]" in shown


async def test_numbers_past_the_databases_range_are_400_naming_the_field(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    staff = await h.as_role("community_admin", "comm-a")
    huge = 100000000000000000000
    for path in (
        f"/api/v1/c/comm-a/persons?building_id={huge}",
        f"/api/v1/c/comm-a/cases?grid_id={huge}",
        f"/api/v1/c/comm-a/attachments?owner_kind=case&owner_id={huge}",
    ):
        r = await staff.get(path)
        assert r.status_code == 400, (path, r.status_code, r.text)
    r = await staff.post(
        "/api/v1/c/comm-a/cases", json={"type": "general_request", "title": "漏水", "dwelling_id": huge}
    )
    assert r.status_code == 400 and "dwelling_id" in r.text
    r = await staff.post("/api/v1/c/comm-a/buildings", json={"name": "1栋", "floors": huge})
    assert r.status_code == 400 and "floors" in r.text


async def test_a_token_cannot_mint_a_token_that_outlives_it(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    admin = await h.as_role("community_admin", "comm-a")
    made = await admin.post(
        "/api/v1/c/comm-a/tokens",
        json={"name": "integration", "role": "community_admin", "expires_in_days": 30},
    )
    assert made.status_code == 201
    bearer = h.client({"Authorization": f"Bearer {made.json()['token']}"})
    for days in (None, 31, 365):
        r = await bearer.post(
            "/api/v1/c/comm-a/tokens",
            json={"name": "child", "role": "community_staff", "expires_in_days": days},
        )
        assert r.status_code == 400 and r.json()["field"] == "expires_in_days", (days, r.text)
    ok = await bearer.post(
        "/api/v1/c/comm-a/tokens", json={"name": "child", "role": "community_staff", "expires_in_days": 7}
    )
    assert ok.status_code == 201


async def test_case_extra_fields_are_checked_against_their_declared_kinds(make_linli: Any) -> None:
    from core.cases import engine
    from core.cases.routes import case_types
    from core.errors import InvalidInput
    from core.plugins.types import CaseType

    types = {
        **case_types((await make_linli(plugins=[])).runtime),
        "probe": CaseType("probe", label="Probe", extra_fields={"count": "int", "day": "date"}),
    }
    for extra, field in (
        ({"count": "3"}, "extra.count"),
        ({"count": True}, "extra.count"),
        ({"count": 2**40}, "extra.count"),
        ({"day": "tomorrow"}, "extra.day"),
    ):
        try:
            await engine.open_case(types, case_type="probe", title="x", extra=extra)
        except InvalidInput as exc:
            assert exc.field == field, extra
        else:
            raise AssertionError(f"accepted {extra}")


async def test_notes_and_texts_have_a_length_limit(make_linli: Any) -> None:
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    staff = await h.as_role("community_admin", "comm-a")
    r = await staff.post(
        "/api/v1/c/comm-a/cases",
        json={"type": "general_request", "title": "漏水", "description": "长" * 10_001},
    )
    assert r.status_code == 400 and "description" in r.text


async def test_a_login_form_posted_from_another_site_is_refused(make_linli: Any) -> None:
    from core.testing.harness import DEFAULT_PASSWORD

    h = await make_linli(plugins=[])
    user = await h.user()
    form = {"username": user["username"], "password": DEFAULT_PASSWORD, "next": "/"}
    evil = await h.client().post("/login", data=form, headers={"Origin": "https://evil.example"})
    assert (
        evil.status_code == 403
        and "其他网站" in evil.text
        and "linli_session" not in evil.headers.get("set-cookie", "")
    )
    fetch = await h.client().post("/login", data=form, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403
    own = await h.client().post("/login", data=form, headers={"Origin": "http://testserver"})
    assert own.status_code == 303
