"""The core's domain events and their payloads, declared once (``register_events``), and the
check every ``emit`` makes against the declarations of the core and the installed plugins.

An event no one declared is refused, and so is a payload that does not match its declaration
(a missing field, a wrong type, a field the declaration does not know): a typo in an event's
name or shape fails where it is written, not in a handler days later. The generated catalog of
every declared event is docs/plugins/events.md (``python -m core.events.catalog``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.plugins.types import EventType


class Payload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of event payloads: a field the declaration does not know is refused."""


# -- the register ---------------------------------------------------------------------------


class ResidentMovedIn(Payload, kw_only=True):
    person_id: int
    residency_id: int
    dwelling_id: int
    building_id: int | None = None
    unit_id: int | None = None
    household_id: int | None = None
    role: str = ""  # owner / tenant / family / other
    start_date: str = ""  # ISO date
    source: str = ""  # "import" when it came from a register spreadsheet


class ResidentMovedOut(Payload, kw_only=True):
    person_id: int
    residency_id: int
    dwelling_id: int
    building_id: int | None = None
    unit_id: int | None = None
    end_date: str  # ISO date
    reason: str = ""  # free text; a death is a move-out whose reason says so (去世 / 病故)


class DwellingChanged(Payload, kw_only=True):
    dwelling_id: int
    changes: dict[str, str]  # column → new value, as text


# -- grids and visits -----------------------------------------------------------------------


class VisitRecorded(Payload, kw_only=True):
    visit_id: int
    person_id: int
    kind: str  # home / phone / video / neighbour


class VisitRequested(Payload, kw_only=True):
    request_id: int
    person_id: int
    source: str  # the plugin that asked


# -- cases ----------------------------------------------------------------------------------


class CaseReported(Payload, kw_only=True):
    case_id: int
    type: str
    grid_id: int | None = None


class CaseTransitioned(Payload, kw_only=True):
    case_id: int
    from_: str = msgspec.field(name="from")
    to: str


class CaseEscalated(Payload, kw_only=True):
    case_id: int
    from_: str = msgspec.field(name="from")  # escalation levels: grid / community / office
    to: str
    automatic: bool = False


class CaseFeedback(Payload, kw_only=True):
    case_id: int
    outcome: str  # fixed / not_fixed
    score: int | None = None


CORE_EVENTS = (
    EventType(
        "resident.moved_in",
        ResidentMovedIn,
        description="A person moved into a dwelling (by hand or by import).",
    ),
    EventType("resident.moved_out", ResidentMovedOut, description="A person's residency ended."),
    EventType("dwelling.changed", DwellingChanged, description="A dwelling's state, area or notes changed."),
    EventType("grid.visit_recorded", VisitRecorded, description="A grid worker recorded a visit."),
    EventType(
        "grid.visit_requested", VisitRequested, description="A plugin asked a grid worker for a visit."
    ),
    EventType("case.reported", CaseReported, description="A case was filed."),
    EventType("case.transitioned", CaseTransitioned, description="A case moved from one state to another."),
    EventType(
        "case.escalated", CaseEscalated, description="A case went up a level (by hand or when overdue)."
    ),
    EventType("case.feedback", CaseFeedback, description="The requester said whether the matter was fixed."),
)


class UndeclaredEvent(ValueError):
    """An event no one declared, or a payload that does not match its declaration."""


def check(events: Any, event_type: str, payload: dict[str, Any]) -> None:
    """Raise UndeclaredEvent unless ``payload`` matches the declaration of ``event_type``."""
    declared = events.get(event_type)
    if declared is None:
        raise UndeclaredEvent(
            f"event {event_type!r} is not declared: its owner declares it with register_events"
        )
    try:
        msgspec.convert(payload, declared.item.payload, strict=False)
    except msgspec.ValidationError as exc:
        raise UndeclaredEvent(
            f"event {event_type!r}: the payload does not match its declaration: {exc}"
        ) from None


# -- the generated catalog ------------------------------------------------------------------


def _field_type(kind: Any) -> str:
    import msgspec.inspect as mi

    if isinstance(kind, mi.Metadata):
        kind = kind.type
    if isinstance(kind, mi.UnionType):
        parts = [_field_type(t) for t in kind.types]
        return " | ".join("null" if p == "None" else p for p in parts)
    names: dict[type, str] = {
        mi.IntType: "int",
        mi.StrType: "str",
        mi.BoolType: "bool",
        mi.FloatType: "float",
        mi.NoneType: "None",
        mi.DictType: "object",
        mi.ListType: "list",
        mi.AnyType: "any",
    }
    return names.get(type(kind), type(kind).__name__.removesuffix("Type").lower())


def catalog_markdown(events: Any) -> str:
    """docs/plugins/events.md: every declared event, its owner, version and payload fields."""
    import msgspec.inspect as mi

    lines = [
        "# Event catalog",
        "",
        "Every domain event the core and the first-party plugins emit, with its payload. Generated from",
        "the declarations (`register_events`) by `python -m core.events.catalog`; "
        "`tests/core/test_event_catalog.py` fails when this page and the code disagree. `emit` refuses an",
        "undeclared event and a payload that does not match (docs/plugins/hooks.md, `register_events`).",
        "",
    ]
    for name in sorted(events):
        declared = events[name]
        spec = declared.item
        lines += [
            f"## `{name}`",
            "",
            f"Owner: `{declared.plugin_id}` · version {spec.version}. {spec.description}".rstrip(),
            "",
        ]
        lines += ["| field | type | required |", "|---|---|---|"]
        for f in mi.type_info(spec.payload).fields:  # type: ignore[attr-defined]
            lines.append(f"| `{f.encode_name}` | {_field_type(f.type)} | {'yes' if f.required else 'no'} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # python -m core.events.catalog  → rewrites docs/plugins/events.md
    from pathlib import Path

    from core.plugins.registry import load_plugins

    registry = load_plugins(strict=True)
    out = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "events.md"
    out.write_text(catalog_markdown(registry.contributions.events), encoding="utf-8")
    print(f"wrote {out}")
