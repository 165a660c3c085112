"""Who the plugin is, its settings, and the permissions it adds."""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.api import Manifest, Permission

_STAFF = ("community_admin", "community_staff")
COORDINATOR = "repair_coordinator"


class RepairsSettings(msgspec.Struct):
    # Vulnerability categories whose members are repaired free of charge (服务对象免费).
    free_for_categories: list[str] = msgspec.field(
        default_factory=lambda: ["elderly_alone", "low_income", "disabled", "extreme_poverty"]
    )
    # The community's price list for paid work: category code -> base price in yuan.
    price_list: dict[str, float] = msgspec.field(default_factory=dict)
    # How many open jobs a volunteer may hold before they cannot grab another.
    max_open_jobs: Annotated[int, msgspec.Meta(title="Most open jobs a volunteer may hold")] = 3
    # Volunteer points per hour of confirmed work (at least one point per job).
    points_per_hour: Annotated[int, msgspec.Meta(title="Volunteer points per hour of work")] = 10
    # The assigned volunteer is reminded this many minutes before the repair is due.
    remind_before_minutes: Annotated[
        int, msgspec.Meta(title="Remind the volunteer before the repair is due (minutes)")
    ] = 30


manifest = Manifest(
    id="repairs",
    name_zh="便民维修",
    name_en="Repairs",
    version="0.1.0",
    requires_core=">=0.1,<1",
    settings=RepairsSettings,
    personal_data=True,  # requesters, volunteers' phones, certificates, hours
    permissions=(
        Permission(
            "repairs.view",
            "See repairs (residents: their own; volunteers: their jobs)",
            (*_STAFF, COORDINATOR, "grid_worker", "volunteer", "resident"),
        ),
        Permission(
            "repairs.report",
            "Report a repair; sign off and rate one's own",
            (*_STAFF, COORDINATOR, "grid_worker", "resident"),
        ),
        Permission("repairs.dispatch", "Assign, reassign and re-tier repairs", (*_STAFF, COORDINATOR)),
        Permission(
            "repairs.work", "Grab, decline and record work on repair jobs", (COORDINATOR, "volunteer")
        ),
        Permission(
            "repairs.team",
            "Keep the volunteer team, skills register and on-call rota",
            (*_STAFF, COORDINATOR),
        ),
        Permission(
            "repairs.projects",
            "Run shared-cost repair projects (collections, expenses, settling)",
            (*_STAFF, COORDINATOR),
        ),
        Permission(
            "repairs.configure", "Change repair categories (skill, priority, SLA, tier)", ("community_admin",)
        ),
        Permission(
            "repairs.figures", "See repair figures", (*_STAFF, COORDINATOR, "office_admin", "office_official")
        ),
    ),
    description="Volunteer repair team: reports, dispatch, work records, sign-off, feedback, "
    "service tiers and shared-cost projects (多退少补).",
)
