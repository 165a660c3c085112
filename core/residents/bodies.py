"""Request bodies of the register API: msgspec structs refusing unknown fields, ids and numbers
in range, text within its limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.web.bodies import Body, Id, Int32, Note


class CompoundIn(Body):
    name: str
    address: str = ""
    management: str = "none"
    notes: Note = ""


class BuildingIn(Body):
    name: str
    compound_id: Id | None = None
    address: str = ""
    floors: Int32 = 1
    has_lift: bool = False
    built_year: Int32 | None = None
    units: Int32 = 0
    dwellings_per_floor: Int32 = 0


class UnitIn(Body):
    name: str


class DwellingIn(Body):
    building_id: Id
    number: str
    unit_id: Id | None = None
    floor: Int32 = 1
    area_m2: Decimal | None = None
    state: str = "vacant"


class DwellingPatch(Body):
    state: str | None = None
    area_m2: Decimal | None = None
    notes: Note | None = None


class PersonIn(Body):
    name: str
    id_number: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    gender: str = ""
    notes: Note = ""


class PersonPatch(Body):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    notes: Note | None = None


class MoveInIn(Body):
    dwelling_id: Id
    start_date: dt.date
    role: str = "family"
    relation: str = ""
    household_id: Id | None = None
    primary_contact: bool = False


class MoveOutIn(Body):
    end_date: dt.date
    reason: Note = ""


class ContactIn(Body):
    name: str
    phone: str
    relation: str = ""


class ProxyIn(Body):
    valid_from: dt.date
    proxy_person_id: Id | None = None
    proxy_user_id: Id | None = None
    scope: str = "all"
    valid_to: dt.date | None = None


class VulnerabilityIn(Body):
    category: str
    tier: Int32 = 2
    consent_on: dt.date | None = None
    consent_note: Note = ""
    review_on: dt.date | None = None
    notes: Note = ""


class VulnerabilityPatch(Body):
    tier: Int32 | None = None
    consent_on: dt.date | None = None
    consent_note: Note | None = None
    review_on: dt.date | None = None
    active: bool | None = None
    notes: Note | None = None
