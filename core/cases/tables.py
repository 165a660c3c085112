"""The case engine's tables: cases and everything that happens to them, all tenant-owned."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Real, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.db.tenant import TenantTable


class Case(TenantTable, tablename="case_item"):
    number = Varchar(length=20)  # "2026-000123", per community
    type = Varchar(length=50)
    title = Varchar(length=200)
    description = Text(default="")
    channel = Varchar(length=20, default="walk_in")  # walk_in / phone / app / grid_visit / on_behalf
    requester_person_id = Integer(null=True, default=None)
    requester_user_id = Integer(null=True, default=None, index=True)
    acting_user_id = Integer(null=True, default=None)  # who entered it on someone's behalf
    dwelling_id = Integer(null=True, default=None)
    building_id = Integer(null=True, default=None)
    location_note = Varchar(length=200, default="")
    grid_id = Integer(null=True, default=None, index=True)
    state = Varchar(length=20, default="reported", index=True)
    previous_state = Varchar(length=20, default="")  # where on_hold resumes
    level = Varchar(length=20, default="grid")  # grid / community / office
    assignee_user_id = Integer(null=True, default=None, index=True)
    priority = Varchar(length=10, default="normal")  # normal / urgent / emergency
    extra = JSON(default="{}")
    hold_reason = Varchar(length=300, default="")
    reject_reason = Varchar(length=300, default="")
    created_at = Timestamptz()
    state_since = Timestamptz()
    due_at = Timestamptz(null=True, default=None, index=True)
    breached = Boolean(default=False)
    resolved_at = Timestamptz(null=True, default=None)
    resolved_level = Varchar(length=20, default="")
    closed_at = Timestamptz(null=True, default=None)
    reopen_count = SmallInt(default=0)


class CaseTransition(TenantTable, tablename="case_transition"):
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade)
    from_state = Varchar(length=20)
    to_state = Varchar(length=20)
    actor_user_id = Integer(null=True, default=None)
    reason = Varchar(length=300, default="")
    at = Timestamptz()


class CaseNote(TenantTable, tablename="case_note"):
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade)
    author_user_id = Integer(null=True, default=None)
    visibility = Varchar(length=10, default="internal")  # public / internal
    body = Text()
    at = Timestamptz()


class CaseEscalation(TenantTable, tablename="case_escalation"):
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade)
    from_level = Varchar(length=20)
    to_level = Varchar(length=20)
    reason = Varchar(length=300, default="")
    automatic = Boolean(default=False)
    actor_user_id = Integer(null=True, default=None)
    at = Timestamptz()


class CaseFeedback(TenantTable, tablename="case_feedback"):
    case = ForeignKey(Case, null=False, on_delete=OnDelete.cascade)
    outcome = Varchar(length=10)  # fixed / partly / not_fixed
    score = SmallInt()
    comment = Text(default="")
    by_user_id = Integer(null=True, default=None)
    at = Timestamptz()


class SlaPolicy(TenantTable, tablename="case_sla_policy"):
    """A community's override: hours allowed in a state for a case type (at every level)."""

    case_type = Varchar(length=50)
    state = Varchar(length=20)
    hours = Real()


class CaseCounter(TenantTable, tablename="case_counter"):
    """The last case number given in a community: one row each, incremented in the transaction
    that files a case (the row lock serialises concurrent filings on PostgreSQL), so numbers are
    never given twice. ``case_item`` has a unique (community_id, number) index as the backstop."""

    last = Integer(default=0)


CASE_TABLES: list[type[Table]] = [
    Case,
    CaseTransition,
    CaseNote,
    CaseEscalation,
    CaseFeedback,
    SlaPolicy,
    CaseCounter,
]
