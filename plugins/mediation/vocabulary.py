"""The words of people's mediation as codes, each with the English msgid its label is drawn from
(the catalogue in locale/ gives the Chinese). Pages show the labels, never the codes."""

from __future__ import annotations

KINDS = {
    "leak": "Leak between flats",
    "noise": "Noise",
    "parking": "Parking",
    "pets": "Pets",
    "shared_space": "Shared space",
    "property": "Property management",
    "family": "Family",
    "other": "Other",
}
SOURCES = {
    "resident": "Raised by a resident",
    "grid_worker": "Raised by a grid worker",
    "staff": "Raised by community staff",
    "hotline_12345": "Referred by the 12345 hotline",
    "police": "Referred by the police station",
}
PARTY_ROLES = {"applicant": "Applicant", "respondent": "Respondent", "third_party": "Third party"}
MEDIATOR_KINDS = {
    "peoples_mediator": "People's mediator",
    "lawyer": "Lawyer",
    "psychologist": "Psychologist",
    "social_worker": "Social worker",
    "other": "Other expert",
}
# Where a dispute goes when people's mediation may not or does not settle it.
REFERRALS = {
    "court": "A court",
    "police": "The police",
    "arbitration": "Arbitration",
    "department": "A government department",
}

STATES = {
    "intake": "Received",
    "screening": "Being screened",
    "accepted": "Accepted",
    "referred_out": "Referred elsewhere",
    "declined": "Declined",
    "assigned": "Mediator assigned",
    "in_mediation": "In mediation",
    "no_agreement": "No agreement",
    "performing": "Agreement being carried out",
    "performed": "Agreement carried out",
    "breached": "Agreement broken",
    "closed": "Closed",
}
# The dispute's own lifecycle. "agreed" is not a resting state: an agreement signed by every
# party is being performed at once.
TRANSITIONS: dict[str, frozenset[str]] = {
    "intake": frozenset({"screening", "accepted", "referred_out", "declined"}),
    "screening": frozenset({"accepted", "referred_out", "declined"}),
    "accepted": frozenset({"assigned"}),
    "assigned": frozenset({"in_mediation"}),
    "in_mediation": frozenset({"performing", "no_agreement"}),
    "performing": frozenset({"performed", "breached"}),
    "breached": frozenset({"in_mediation", "no_agreement"}),
    "performed": frozenset({"closed"}),
    "no_agreement": frozenset({"closed"}),
    "referred_out": frozenset(),
    "declined": frozenset(),
    "closed": frozenset(),
}
OPEN = frozenset({"intake", "screening", "accepted", "assigned", "in_mediation", "performing", "breached"})
# The core case engine's state that follows each dispute state (SLA clocks and escalation).
CASE_STATE = {
    "intake": "reported",
    "screening": "reported",
    "accepted": "accepted",
    "assigned": "assigned",
    "in_mediation": "in_progress",
    "performing": "in_progress",
    "breached": "in_progress",
    "performed": "resolved",
    "no_agreement": "resolved",
    "closed": "closed",
    "referred_out": "rejected",
    "declined": "rejected",
}

# Who may read a session note. The rule is applied where notes are read (confidential.py).
VISIBILITIES = {
    "mediators": "Mediators only",
    "party": "One party and the mediators",
    "parties": "Both parties and the mediators",
    "committee": "The mediation committee and the mediators",
}
SESSION_KINDS = {"joint": "Joint session", "caucus": "Separate talk (caucus)"}
SIGNATURE_METHODS = {"phone": "Signed on the phone", "paper": "Signed on paper (scanned)"}
TERM_STATES = {"pending": "To do", "done": "Done", "late": "Late", "breached": "Broken"}


def choices(vocabulary: dict[str, str]) -> str:
    return ", ".join(vocabulary)
