"""The events mediation emits, declared once (``register_events``): ids, kinds and states only
— never a party's name or a word of the dispute."""

from __future__ import annotations

import msgspec

from core.api import EventPayload, EventType
from plugins.mediation.vocabulary import STATES


class Raised(EventPayload, kw_only=True):
    dispute_id: int
    case_id: int
    kind: str
    source: str


class Moved(EventPayload, kw_only=True):
    dispute_id: int
    from_: str = msgspec.field(name="from")
    to: str
    kind: str


class Agreed(EventPayload, kw_only=True):
    dispute_id: int
    agreement_id: int


class FollowUpDue(EventPayload, kw_only=True):
    dispute_id: int
    follow_up_id: int
    case_id: int


class ConfirmationReminder(EventPayload, kw_only=True):
    dispute_id: int
    agreement_id: int
    deadline: str  # ISO date


EVENTS = (
    EventType("mediation.raised", Raised, description="A dispute was raised (or referred in)."),
    EventType("mediation.agreed", Agreed, description="Every party signed the agreement."),
    EventType(
        "mediation.follow_up_due", FollowUpDue, description="A return visit fell due; its case is open."
    ),
    EventType(
        "mediation.confirmation_reminder",
        ConfirmationReminder,
        description="The window for judicial confirmation closes soon.",
    ),
    *(
        EventType(f"mediation.{state}", Moved, description=f"A dispute moved to {label.lower()}.")
        for state, label in STATES.items()
        if state != "intake"
    ),
)
