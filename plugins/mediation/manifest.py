"""Who the plugin is, its settings, and the permissions it adds."""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.api import Manifest, Permission

STAFF = ("community_admin", "community_staff")
COORDINATOR = "mediation_coordinator"  # a member of the people's mediation committee (调委会)
MEDIATOR = "mediator"  # a people's mediator or an expert (lawyer, psychologist, social worker)


class MediationSettings(msgspec.Struct):
    # The return visit after an agreement, in days (the seed: three days later).
    follow_up_days: Annotated[int, msgspec.Meta(title="Return visit after the agreement (days)")] = 3
    # Parties may apply jointly for judicial confirmation within this many days of the agreement
    # (人民调解法 art. 33: 30 days); they are reminded this many days before it runs out.
    confirmation_days: Annotated[int, msgspec.Meta(title="Days for judicial confirmation")] = 30
    confirmation_reminder_days: Annotated[
        int, msgspec.Meta(title="Remind this many days before the deadline")
    ] = 7
    # The community's mediation rooms, booked by sessions held in person.
    rooms: list[str] = msgspec.field(default_factory=lambda: ["调解室"])


manifest = Manifest(
    id="mediation",
    name_zh="矛盾调解",
    name_en="Mediation",
    version="0.1.0",
    requires_core=">=0.2,<1",
    settings=MediationSettings,
    personal_data=True,  # parties, their dispute, session notes, agreements
    permissions=(
        Permission(
            "mediation.raise",
            "Raise a dispute for mediation (residents: their own)",
            (*STAFF, "grid_worker", "resident", COORDINATOR),
        ),
        Permission(
            "mediation.view",
            "Open the mediation module (each dispute only as its party, mediator, raiser or the committee)",
            (*STAFF, "grid_worker", "resident", COORDINATOR, MEDIATOR),
        ),
        Permission(
            "mediation.manage",
            "Screen disputes, assign mediators, keep the roster (the mediation committee)",
            (COORDINATOR,),
        ),
        Permission(
            "mediation.mediate",
            "Hold sessions, write notes and agreements on disputes one is assigned to",
            (COORDINATOR, MEDIATOR),
        ),
        Permission(
            "mediation.follow_up",
            "Make and record return visits after an agreement",
            ("grid_worker", COORDINATOR, MEDIATOR),
        ),
        Permission(
            "mediation.figures",
            "See mediation figures (counts and rates only, nothing confidential)",
            (*STAFF, COORDINATOR, "office_admin", "office_official"),
        ),
    ),
    description="People's mediation of disputes between neighbours: intake with a scope check, "
    "mediators and experts, sessions with confidential notes, agreements with terms and "
    "signatures, performance and return visits.",
)
