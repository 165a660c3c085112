"""The events repairs emits — and ``repairs.requested``, the one it takes in (another plugin
asks for a repair with it) — declared once (``register_events``)."""

from __future__ import annotations

from core.api import EventPayload, EventType


class Reported(EventPayload, kw_only=True):
    repair_id: int
    case_id: int
    category: str
    urgency: str
    grid_id: int | None = None
    source: str = ""  # set when another plugin asked for it (repairs.requested)


class Requested(EventPayload, kw_only=True):
    source: str  # the asker's key, e.g. "mediation:12": one repair per source
    category: str
    location: str = "dwelling"
    dwelling_id: int | None = None
    description: str = ""
    requester_person_id: int | None = None


class Assigned(EventPayload, kw_only=True):
    repair_id: int
    member_id: int
    user_id: int | None = None
    previous_member_id: int | None = None


class Declined(EventPayload, kw_only=True):
    repair_id: int
    member_id: int
    reason: str = ""


class Reminder(EventPayload, kw_only=True):
    repair_id: int
    number: str
    kind: str
    member_id: int | None = None
    user_id: int | None = None
    due_at: str = ""  # ISO time


class WorkRecorded(EventPayload, kw_only=True):
    repair_id: int
    work_id: int


class SignedOff(EventPayload, kw_only=True):
    repair_id: int
    work_id: int
    paid_fen: int = 0


class ProjectSettled(EventPayload, kw_only=True):
    project_id: int
    spent_fen: int


EVENTS = (
    EventType("repairs.reported", Reported, description="A repair was reported (its case filed)."),
    EventType(
        "repairs.requested", Requested, description="Another plugin asks for a repair (handled by repairs)."
    ),
    EventType("repairs.assigned", Assigned, description="A repair went to a team member."),
    EventType("repairs.declined", Declined, description="A team member declined a repair."),
    EventType("repairs.reminder", Reminder, description="A reminder about a repair's due time was sent."),
    EventType("repairs.work_recorded", WorkRecorded, description="Work on a repair was recorded."),
    EventType("repairs.signed_off", SignedOff, description="The resident signed the work off."),
    EventType("repairs.project_settled", ProjectSettled, description="A shared-cost project was settled."),
)
