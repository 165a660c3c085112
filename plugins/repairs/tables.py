"""The plugin's tables. All are tenant tables: each community sees only its own rows.

Money is kept in fen (分, integer) so sums are exact; the API speaks yuan with two decimals.
"""

from __future__ import annotations

from pathlib import Path

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete

from core.api import PiccoloApp, TenantTable


class Category(TenantTable, tablename="repairs_category"):
    """A kind of problem and its defaults (seeded when the plugin is switched on)."""

    code = Varchar(length=30, index=True)
    label_zh = Varchar(length=30)
    label_en = Varchar(length=40)
    skill = Varchar(length=30)  # the skill a volunteer needs (team.SKILLS)
    priority = Varchar(length=10, default="normal")  # normal / urgent / emergency
    sla_hours = SmallInt(default=72)  # to be fixed within, from the report
    tier = Varchar(length=10, default="low_cost")  # free / low_cost / paid
    active = Boolean(default=True)


class Member(TenantTable, tablename="repairs_member"):
    """A member of the volunteer repair team (专业人才台账): a resident or an outsider."""

    name = Varchar(length=60)
    phone = Varchar(length=20, default="")
    user_id = Integer(null=True, default=None, index=True)  # their login, for "my jobs"
    person_id = Integer(null=True, default=None, index=True)  # when they are a resident
    party_member = Boolean(default=False)
    grid_ids = JSON(default="[]")  # grids they cover
    available = Boolean(default=True)
    active = Boolean(default=True)
    joined_on = Date()
    notes = Text(default="")


class MemberSkill(TenantTable, tablename="repairs_member_skill"):
    member = ForeignKey(Member, null=False, on_delete=OnDelete.cascade)
    skill = Varchar(length=30)
    level = SmallInt(default=1)  # 1 初级 / 2 中级 / 3 高级
    certificate_no = Varchar(length=60, default="")
    certificate_expires = Date(null=True, default=None)


class RotaShift(TenantTable, tablename="repairs_rota"):
    """An on-call shift for nights, weekends and holidays."""

    member = ForeignKey(Member, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, default="night")  # night / weekend / holiday / day
    starts_at = Timestamptz()
    ends_at = Timestamptz()


class Repair(TenantTable, tablename="repairs_repair"):
    """One reported problem; its lifecycle is a case of type ``repair`` in the core engine."""

    case_id = Integer(index=True)
    number = Varchar(length=20, default="")
    category = Varchar(length=30)
    skill = Varchar(length=30)
    location = Varchar(length=10, default="dwelling")  # dwelling / common
    dwelling_id = Integer(null=True, default=None)
    building_id = Integer(null=True, default=None)
    grid_id = Integer(null=True, default=None)
    location_note = Varchar(length=200, default="")
    description = Text(default="")
    urgency = Varchar(length=10, default="normal")  # normal / urgent / emergency
    preferred_time = Varchar(length=100, default="")
    requester_user_id = Integer(null=True, default=None, index=True)
    requester_person_id = Integer(null=True, default=None, index=True)
    reported_by_user_id = Integer(null=True, default=None)
    tier = Varchar(length=10, default="low_cost")  # free / low_cost / paid
    tier_reason = Varchar(length=100, default="")
    state = Varchar(length=20, default="reported", index=True)  # mirrors the case's state
    assignee_member_id = Integer(null=True, default=None, index=True)
    assigned_at = Timestamptz(null=True, default=None)
    appointment_at = Timestamptz(null=True, default=None)
    appointment_note = Varchar(length=200, default="")
    quote_fen = Integer(null=True, default=None)
    quote_note = Varchar(length=200, default="")
    quote_confirmed_at = Timestamptz(null=True, default=None)
    quote_confirmed_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    due_at = Timestamptz(null=True, default=None)  # the category's "fixed within"
    fixed_at = Timestamptz(null=True, default=None)  # the resident's sign-off
    # Who asked for it when another module did (a ``repairs.requested`` event): its ``source``,
    # e.g. ``mediation:12``; one repair per source.
    source = Varchar(length=40, default="")


class DispatchEntry(TenantTable, tablename="repairs_dispatch"):
    """Who was given, took, declined or lost a job, and why."""

    repair = ForeignKey(Repair, null=False, on_delete=OnDelete.cascade)
    action = Varchar(length=30)  # assigned / grabbed / reassigned / declined / appointment_* / tier
    member_id = Integer(null=True, default=None)
    by_user_id = Integer(null=True, default=None)
    reason = Varchar(length=300, default="")
    at = Timestamptz()


class WorkRecord(TenantTable, tablename="repairs_work"):
    """One visit's work: materials, time, cost, then the resident's sign-off."""

    repair = ForeignKey(Repair, null=False, on_delete=OnDelete.cascade)
    member_id = Integer()
    materials = JSON(default="[]")  # [{"name", "quantity", "cost_fen"}]
    minutes = Integer(default=0)
    cost_fen = Integer(default=0)
    note = Text(default="")
    recorded_by = Integer(null=True, default=None)
    recorded_at = Timestamptz()
    signed_off_at = Timestamptz(null=True, default=None)
    signed_off_by = Integer(null=True, default=None)
    paid_fen = Integer(null=True, default=None)
    sign_off_note = Varchar(length=300, default="")


class RepairFeedback(TenantTable, tablename="repairs_feedback"):
    repair = ForeignKey(Repair, null=False, on_delete=OnDelete.cascade)
    outcome = Varchar(length=10)  # fixed / partly / not_fixed
    speed_score = SmallInt()
    service_score = SmallInt()
    comment = Text(default="")
    by_user_id = Integer(null=True, default=None)
    at = Timestamptz()


class ServiceLog(TenantTable, tablename="repairs_service_log"):
    """Volunteer hours and points: one row per signed-off job (or a manual entry)."""

    member = ForeignKey(Member, null=False, on_delete=OnDelete.cascade)
    repair_id = Integer(null=True, default=None)
    work_id = Integer(null=True, default=None)
    minutes = Integer(default=0)
    points = Integer(default=0)
    on_date = Date()
    note = Varchar(length=200, default="")


class Reminder(TenantTable, tablename="repairs_reminder"):
    """An SLA reminder sent to the assigned volunteer: one per (repair, member, kind)."""

    repair = ForeignKey(Repair, null=False, on_delete=OnDelete.cascade)
    member_id = Integer()
    kind = Varchar(length=10)  # due_soon / overdue
    sent_at = Timestamptz()


class Project(TenantTable, tablename="repairs_project"):
    """A shared-cost repair for a building (e.g. the exterior-wall safety net, 600 yuan a household)."""

    title = Varchar(length=200)
    description = Text(default="")
    building_id = Integer()
    per_household_fen = Integer()
    representative_user_id = Integer(null=True, default=None)  # the residents' representative
    state = Varchar(length=10, default="collecting")  # collecting / settled
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    settled_at = Timestamptz(null=True, default=None)


class ProjectShare(TenantTable, tablename="repairs_project_share"):
    """One household's part: what it owes, paid, and the balance refunded (+) or topped up (-)."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.cascade)
    dwelling_id = Integer()
    label = Varchar(length=60, default="")
    contact_user_id = Integer(null=True, default=None)  # may see the public accounts
    due_fen = Integer()
    paid_fen = Integer(default=0)
    paid_at = Timestamptz(null=True, default=None)
    collected_by = Integer(null=True, default=None)
    cost_fen = Integer(null=True, default=None)  # its share of the expenses, at settling
    balance_fen = Integer(null=True, default=None)  # paid - cost: >0 refund (退), <0 top-up (补)
    balance_done_at = Timestamptz(null=True, default=None)


class ProjectExpense(TenantTable, tablename="repairs_project_expense"):
    """Money spent, with its receipt attached (owner kind ``repairs.expense``)."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.cascade)
    description = Varchar(length=200)
    amount_fen = Integer()
    spent_on = Date()
    recorded_by = Integer(null=True, default=None)
    recorded_at = Timestamptz()


TABLES = [
    Category,
    Member,
    MemberSkill,
    RotaShift,
    Repair,
    DispatchEntry,
    WorkRecord,
    RepairFeedback,
    ServiceLog,
    Reminder,
    Project,
    ProjectShare,
    ProjectExpense,
]

APP = PiccoloApp(
    app_name="repairs",
    table_classes=list(TABLES),
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    migration_dependencies=[],
)
