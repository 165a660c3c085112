"""Request bodies: msgspec structs refusing unknown fields (a typo is a 400, not ignored)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Body, Id


class RepairIn(Body, kw_only=True):
    category: str
    location: str = "dwelling"
    description: str
    dwelling_id: Id | None = None
    building_id: Id | None = None
    location_note: str = ""
    urgency: str | None = None
    preferred_time: str = ""
    requester_person_id: Id | None = None  # staff and grid workers reporting on someone's behalf


class CategoryPatch(Body, kw_only=True):
    skill: str | None = None
    priority: str | None = None
    sla_hours: int | None = None
    tier: str | None = None


class AssignIn(Body, kw_only=True):
    member_id: Id
    reason: str = ""


class ReasonIn(Body, kw_only=True):
    reason: str


class TierIn(Body, kw_only=True):
    tier: str
    reason: str


class AppointmentIn(Body, kw_only=True):
    at: dt.datetime
    note: str = ""


class QuoteIn(Body, kw_only=True):
    amount_yuan: float
    note: str = ""


class WorkIn(Body, kw_only=True):
    minutes: int
    materials: list[dict[str, Any]] = []
    cost_yuan: float | None = None
    note: str = ""


class SignOffIn(Body, kw_only=True):
    paid_yuan: float
    note: str = ""


class FeedbackIn(Body, kw_only=True):
    outcome: str
    speed_score: int
    service_score: int
    comment: str = ""


class MemberIn(Body, kw_only=True):
    name: str
    phone: str = ""
    user_id: Id | None = None
    person_id: Id | None = None
    party_member: bool = False
    grid_ids: list[Id] = []
    notes: str = ""


class MemberPatch(Body, kw_only=True):
    phone: str | None = None
    user_id: Id | None = None  # link the volunteer's login
    available: bool | None = None
    active: bool | None = None
    party_member: bool | None = None
    grid_ids: list[Id] | None = None
    notes: str | None = None


class SkillIn(Body, kw_only=True):
    skill: str
    level: int = 1
    certificate_no: str = ""
    certificate_expires: dt.date | None = None


class ShiftIn(Body, kw_only=True):
    kind: str = "night"
    starts_at: dt.datetime
    ends_at: dt.datetime


class ProjectIn(Body, kw_only=True):
    title: str
    building_id: Id
    per_household_yuan: float
    description: str = ""
    representative_user_id: Id | None = None
    dwelling_ids: list[Id] | None = None
    contacts: dict[str, Id] = {}  # dwelling id -> the household's user, who may see the accounts


class CollectionIn(Body, kw_only=True):
    dwelling_id: Id
    amount_yuan: float


class ExpenseIn(Body, kw_only=True):
    description: str
    amount_yuan: float
    spent_on: dt.date


class BalanceIn(Body, kw_only=True):
    dwelling_id: Id


class AvailabilityIn(Body, kw_only=True):
    available: bool
