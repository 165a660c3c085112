"""Request bodies: msgspec structs refusing unknown fields (a typo is a 400, not ignored)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.api import Body, Id

Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=10_000_000_000)]


class PartyIn(Body, kw_only=True):
    role: str
    person_id: Id | None = None  # a person of the register; else an outsider by name
    name: str = ""
    phone: str = ""
    representative: str = ""
    representative_user_id: Id | None = None


class DisputeIn(Body, kw_only=True):
    kind: str
    source: str = "resident"
    summary: Text
    parties: list[PartyIn]
    dwelling_id: Id | None = None
    # A court, the police or a department has already taken it (scope check): referred out at once.
    already_before: str = ""


class ReasonIn(Body, kw_only=True):
    reason: Text


class ReferIn(Body, kw_only=True):
    referred_to: str
    reason: Text


class NoAgreementIn(Body, kw_only=True):
    referred_to: str = ""
    reason: Text


class CloseIn(Body, kw_only=True):
    reason: str = ""


class AssignIn(Body, kw_only=True):
    mediator_id: Id
    lead: bool = False


class ObjectionIn(Body, kw_only=True):
    party_id: Id
    mediator_id: Id
    reason: Text


class SessionIn(Body, kw_only=True):
    kind: str = "joint"
    room: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    attendees: list[str] = msgspec.field(default_factory=list)
    caucus_party_id: Id | None = None


class NoteIn(Body, kw_only=True):
    body: Text
    visibility: str
    party_id: Id | None = None
    session_id: Id | None = None


class TermIn(Body, kw_only=True):
    obligor_party_id: Id
    action: str
    due_on: dt.date
    amount_fen: Fen | None = None


class AgreementIn(Body, kw_only=True):
    text: Text
    made_on: dt.date | None = None
    terms: list[TermIn] = msgspec.field(default_factory=list)


class SignatureIn(Body, kw_only=True):
    party_id: Id
    method: str = "phone"
    attachment_id: Id | None = None


class TermStateIn(Body, kw_only=True):
    state: str
    note: str = ""


class ConfirmationIn(Body, kw_only=True):
    applied_on: dt.date


class FollowUpIn(Body, kw_only=True):
    due_on: dt.date


class FollowUpOutcomeIn(Body, kw_only=True):
    outcome: Text
    settled: bool


class MediatorIn(Body, kw_only=True):
    name: str
    kind: str = "peoples_mediator"
    phone: str = ""
    user_id: Id | None = None
    specialities: list[str] = msgspec.field(default_factory=list)


class MediatorPatch(Body, kw_only=True):
    available: bool | None = None
    active: bool | None = None


class ConflictIn(Body, kw_only=True):
    person_id: Id
    reason: str
