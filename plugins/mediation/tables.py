"""The plugin's tables, all tenant tables. Confidential text lives in ``Note.body`` and
``Agreement.text`` and is read only through confidential.py; money is kept in fen."""

from __future__ import annotations

from pathlib import Path

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from core.api import PiccoloApp, TenantTable


class Mediator(TenantTable, tablename="mediation_mediator"):
    """A people's mediator or an expert of the roster ("three experts and one mediator")."""

    name = Varchar(length=60)
    kind = Varchar(length=20, default="peoples_mediator")  # vocabulary.MEDIATOR_KINDS
    phone = Varchar(length=20, default="")
    user_id = Integer(null=True, default=None, index=True)  # their login
    specialities = JSON(default="[]")  # dispute kinds they know best
    available = Boolean(default=True)
    active = Boolean(default=True)


class Conflict(TenantTable, tablename="mediation_conflict"):
    """A declared conflict of interest: this mediator may not mediate where this person is a party."""

    mediator = ForeignKey(Mediator, null=False, on_delete=OnDelete.cascade)
    person_id = Integer(index=True)
    reason = Varchar(length=200, default="")
    declared_at = Timestamptz()


class Dispute(TenantTable, tablename="mediation_dispute"):
    """One dispute; its SLA and escalation are a case of type ``mediation`` in the core engine,
    which carries nothing confidential (a number and a generic title)."""

    case_id = Integer(null=True, default=None, index=True)
    number = Varchar(length=20, default="")
    kind = Varchar(length=20)
    source = Varchar(length=20)
    summary = Text()
    state = Varchar(length=20, default="intake")
    state_reason = Text(default="")
    referred_to = Varchar(length=20, default="")  # vocabulary.REFERRALS, when referred out / no agreement
    raised_by_user_id = Integer(index=True)
    building_id = Integer(null=True, default=None)
    dwelling_id = Integer(null=True, default=None)
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    agreed_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    repair_requested = Boolean(default=False)
    repair_case_id = Integer(null=True, default=None)


class Party(TenantTable, tablename="mediation_party"):
    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=20)  # applicant / respondent / third_party
    person_id = Integer(null=True, default=None, index=True)  # a person of the register, or None
    name = Varchar(length=60)
    phone = Varchar(length=20, default="")
    representative = Varchar(length=60, default="")  # who acts for them, where someone does
    representative_user_id = Integer(null=True, default=None, index=True)


class Objection(TenantTable, tablename="mediation_objection"):
    """A party's objection to a mediator: that mediator is not assigned to this dispute."""

    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    party = ForeignKey(Party, null=False, on_delete=OnDelete.cascade)
    mediator = ForeignKey(Mediator, null=False, on_delete=OnDelete.cascade)
    reason = Varchar(length=200, default="")
    at = Timestamptz()


class Assignment(TenantTable, tablename="mediation_assignment"):
    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    mediator = ForeignKey(Mediator, null=False, on_delete=OnDelete.restrict)
    lead = Boolean(default=False)
    by_user_id = Integer()
    assigned_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class Session(TenantTable, tablename="mediation_session"):
    """A mediation session in person; a caucus (separate talk) is with one party."""

    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, default="joint")
    caucus_party = ForeignKey(Party, null=True, default=None, on_delete=OnDelete.set_null)
    room = Varchar(length=40, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    attendees = JSON(default="[]")  # names as they were present
    recorded_by_user_id = Integer()


class Note(TenantTable, tablename="mediation_note"):
    """A session note and who may read it (vocabulary.VISIBILITIES); a caucus note is sealed to
    the mediators whatever was asked."""

    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    session = ForeignKey(Session, null=True, default=None, on_delete=OnDelete.cascade)
    visibility = Varchar(length=12)
    party = ForeignKey(Party, null=True, default=None, on_delete=OnDelete.cascade)  # for "party"
    body = Text()
    author_user_id = Integer()
    created_at = Timestamptz()


class Agreement(TenantTable, tablename="mediation_agreement"):
    """The mediation agreement (调解协议书): its wording, terms and signatures."""

    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade, index=True)  # one per dispute
    text = Text(default="")
    made_on = Date()
    by_user_id = Integer()
    signed_at = Timestamptz(null=True, default=None)  # when the last party signed
    confirmation_deadline = Date(null=True, default=None)
    confirmation_applied_on = Date(null=True, default=None)
    confirmation_reminded = Boolean(default=False)
    # A broken agreement mediated again gives way to a new one, and is kept.
    superseded_at = Timestamptz(null=True, default=None)


class Term(TenantTable, tablename="mediation_term"):
    """Who does what by when (and how much)."""

    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    obligor = ForeignKey(Party, null=False, on_delete=OnDelete.restrict)
    action = Varchar(length=300)
    due_on = Date()
    amount_fen = Integer(null=True, default=None)
    state = Varchar(length=10, default="pending")
    done_on = Date(null=True, default=None)
    note = Varchar(length=300, default="")


class Signature(TenantTable, tablename="mediation_signature"):
    agreement = ForeignKey(Agreement, null=False, on_delete=OnDelete.cascade)
    party = ForeignKey(Party, null=False, on_delete=OnDelete.cascade)
    method = Varchar(length=10)  # phone / paper
    by_user_id = Integer()
    signed_at = Timestamptz()
    attachment_id = Integer(null=True, default=None)  # the scanned paper


class FollowUp(TenantTable, tablename="mediation_follow_up"):
    """A return visit after the agreement; on its day it becomes a case routed to the grid."""

    dispute = ForeignKey(Dispute, null=False, on_delete=OnDelete.cascade)
    due_on = Date()
    case_id = Integer(null=True, default=None)
    outcome = Text(default="")
    settled = Boolean(null=True, default=None)  # is the matter settled, as the visit found
    done_at = Timestamptz(null=True, default=None)
    by_user_id = Integer(null=True, default=None)


TABLES = [
    Mediator,
    Conflict,
    Dispute,
    Party,
    Objection,
    Assignment,
    Session,
    Note,
    Agreement,
    Term,
    Signature,
    FollowUp,
]

APP = PiccoloApp(
    app_name="mediation",
    table_classes=list(TABLES),
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    migration_dependencies=[],
)
