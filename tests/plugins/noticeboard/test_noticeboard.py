"""The example plugin, through HTTP as a community would use it, and `linli plugins check`."""

from __future__ import annotations

import pytest

BASE = "/api/v1/c/comm-a/noticeboard/notices"


@pytest.fixture
async def board(make_linli):
    h = await make_linli(plugins=["noticeboard"])
    await h.community("comm-a", plugins=["noticeboard"])
    await h.community("comm-b", plugins=["noticeboard"])
    return h, await h.as_role("community_staff", "comm-a"), await h.as_role("resident", "comm-a")


async def test_staff_post_residents_read_and_welcome_is_there(board):
    _h, staff, resident = board
    r = await staff.post(
        BASE, json={"title": "停水通知", "body": "明天9点至12点停水", "category": "works", "pinned": True}
    )
    assert r.status_code == 201, r.text
    titles = [n["title"] for n in (await resident.get(BASE)).json()]
    assert titles[0] == "停水通知" and any("开通" in t for t in titles)  # welcome from on_tenant_enabled
    assert (await resident.post(BASE, json={"title": "x"})).status_code == 403


async def test_bad_input_and_pin_limit(board):
    h, staff, _ = board
    await h.enable("comm-a", "noticeboard", max_pinned=1)
    bad = [
        ({"title": ""}, "title"),
        ({"title": "x", "category": "gossip"}, "category"),
        ({"title": "x", "published_on": "2026-05-02", "expires_on": "2026-05-01"}, "expires_on"),
    ]
    for body, field in bad:
        r = await staff.post(BASE, json=body)
        assert r.status_code == 400 and r.json()["field"] == field, r.text
    assert (await staff.post(BASE, json={"title": "一", "pinned": True})).status_code == 201
    r = await staff.post(BASE, json={"title": "二", "pinned": True})
    assert r.status_code == 400 and r.json()["field"] == "pinned"


async def test_other_community_and_disabled(board):
    h, staff, _ = board
    notice = (await staff.post(BASE, json={"title": "仅本社区"})).json()
    other = await h.as_role("community_staff", "comm-b")
    theirs = [n["title"] for n in (await other.get("/api/v1/c/comm-b/noticeboard/notices")).json()]
    assert "仅本社区" not in theirs
    assert (await other.delete(f"/api/v1/c/comm-b/noticeboard/notices/{notice['id']}")).status_code == 404
    await h.disable("comm-a", "noticeboard")
    assert (await staff.get(BASE)).status_code == 404


async def test_move_in_event_is_handled_once(board):
    from linli_noticeboard.tables import NewcomerGreeting

    from core.events.outbox import emit

    h, _, _ = board
    async with h.tenant("comm-a"):
        await emit("resident.moved_in", {"person_id": 42, "residency_id": 1, "dwelling_id": 1})
    assert await h.deliver_events() == 1
    assert await h.deliver_events() == 0
    async with h.tenant("comm-a"):
        assert await NewcomerGreeting.count().run() == 1


def test_linli_plugins_check_passes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from core.cli import main

    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["plugins", "check", "noticeboard"])
    assert result.exit_code == 0, result.output
    assert result.output.count("✓") == 7 and "✗" not in result.output
    assert "page-time hooks answer" in result.output and "none seen from" in result.output


def test_linli_plugins_check_names_a_plugin_whose_page_hooks_fail(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from core.cli import main

    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINLI_EXTRA_PLUGINS", "lp_faulty")
    result = CliRunner().invoke(main, ["plugins", "check", "faulty"])
    assert result.exit_code != 0
    assert "✗ faulty: page-time hooks answer with the right types" in result.output
    assert "failed on purpose" in result.output
