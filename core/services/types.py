"""The typed values the core's services hand to plugins (``core.api``): frozen msgspec structs,
so a plugin reads ``dwelling.building_name``, its type checker knows the fields, and a route
returning one gets a described response in the OpenAPI document.

Each carries what plugins need and nothing the core keeps to itself (an ID number never leaves
the core). New fields may be added in a minor version; none is removed without a deprecation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec


class Building(msgspec.Struct, frozen=True):
    """A building (楼栋) of the current community."""

    id: int
    name: str
    floors: int = 1
    has_lift: bool = False
    compound_id: int | None = None
    address: str = ""


class Dwelling(msgspec.Struct, frozen=True):
    """A dwelling (户) with the names of its building and unit, for addresses ("8栋 2单元 301")."""

    id: int
    building_id: int
    building_name: str
    number: str
    floor: int = 1
    unit_id: int | None = None
    unit_name: str | None = None
    area_m2: float | None = None

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.building_name, self.unit_name or "", self.number) if p)


class Person(msgspec.Struct, frozen=True):
    """A person of the register as plugins see them."""

    id: int
    name: str
    phone: str | None = None
    birth_date: dt.date | None = None


class Residence(msgspec.Struct, frozen=True):
    """An open residency: where a person lives now, and as what (owner, tenant, family)."""

    id: int
    dwelling_id: int
    building_id: int
    unit_id: int | None
    role: str
    start_date: dt.date


class CareRecord(msgspec.Struct, frozen=True):
    """A person in the care register under one category, with the visit tier."""

    person_id: int
    tier: int


class VisitRequestRef(msgspec.Struct, frozen=True):
    """A visit a plugin asked a grid worker for, and — once made — what the visit found."""

    id: int
    person_id: int
    reason: str
    due_on: dt.date
    done_at: dt.datetime | None = None
    visited_on: dt.date | None = None
    visit_kind: str | None = None  # home / phone / video / neighbour
    findings: str = ""


class CaseRef(msgspec.Struct, frozen=True):
    """A case of the shared case engine as its plugin sees it."""

    id: int
    number: str
    type: str
    title: str
    state: str
    priority: str
    grid_id: int | None = None
    dwelling_id: int | None = None
    building_id: int | None = None
    requester_person_id: int | None = None
    requester_user_id: int | None = None
    assignee_user_id: int | None = None
    due_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


def to_struct(kind: type[Any], row: dict[str, Any], **renamed: str) -> Any:
    """A struct from a row, taking only the struct's fields (``renamed``: field → row key)."""
    fields = kind.__struct_fields__
    values = {f: row[renamed.get(f, f)] for f in fields if renamed.get(f, f) in row}
    return msgspec.convert(values, kind, strict=False)
