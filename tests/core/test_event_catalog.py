"""Every event is declared once with a typed payload: emit refuses an undeclared event and a
payload that does not match, a plugin naming another's event is refused at boot, and the
generated catalog page is what the code declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.events.catalog import UndeclaredEvent, catalog_markdown
from core.events.outbox import emit
from core.plugins.registry import load_plugins

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "events.md"


def test_the_catalog_page_is_what_the_code_declares():
    registry = load_plugins(strict=True)
    assert DOC.read_text(encoding="utf-8") == catalog_markdown(registry.contributions.events), (
        "docs/plugins/events.md is stale: run python -m core.events.catalog"
    )
    events = registry.contributions.events
    for name in (
        "resident.moved_in",
        "resident.moved_out",
        "case.transitioned",
        "repairs.requested",
        "canteen.ordered",
    ):
        assert name in events
    assert events["resident.moved_out"].plugin_id == "core"
    assert events["mediation.accepted"].plugin_id == "mediation"


async def test_emit_refuses_what_no_one_declared_and_payloads_that_do_not_match(make_linli):
    h = await make_linli(plugins=[])
    await h.community("comm-a")
    async with h.tenant("comm-a"):
        with pytest.raises(UndeclaredEvent, match="not declared"):
            await emit("resident.movedout", {"person_id": 1})
        with pytest.raises(UndeclaredEvent, match="end_date"):
            await emit("resident.moved_out", {"person_id": 1, "residency_id": 2, "dwelling_id": 3})
        with pytest.raises(UndeclaredEvent, match="person_id"):
            await emit(
                "resident.moved_out",
                {"person_id": "one", "residency_id": 2, "dwelling_id": 3, "end_date": "2026-12-01"},
            )
        with pytest.raises(UndeclaredEvent, match="nickname"):
            await emit("case.feedback", {"case_id": 1, "outcome": "fixed", "nickname": "x"})
        event = await emit("case.feedback", {"case_id": 1, "outcome": "fixed", "score": 5})
        assert event.payload["score"] == 5


def test_a_plugin_may_only_declare_its_own_events():
    import sys
    import types

    import msgspec

    from core.api import EventType, Manifest, hookimpl

    module = types.ModuleType("lp_thief")
    module.manifest = Manifest(id="thief", name_zh="冒名", name_en="Thief", version="0.1.0")  # type: ignore[attr-defined]

    class P(msgspec.Struct):
        x: int

    @hookimpl
    def register_events():
        return [EventType("resident.moved_in", P)]

    module.register_events = register_events  # type: ignore[attr-defined]
    sys.modules["lp_thief"] = module
    try:
        registry = load_plugins(["lp_thief"], include_entry_points=False)
    finally:
        del sys.modules["lp_thief"]
    assert "thief" not in registry.plugins
    [refused] = [q for q in registry.quarantined if q.name == "thief"]
    assert "must be named 'thief." in refused.reason
