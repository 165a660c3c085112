"""The canteen's case type: a welfare check when a high-need diner did not open the door."""

from __future__ import annotations

from core.api import CaseType

WELFARE_CASE = CaseType(
    "canteen.welfare_check",
    label="Welfare check after a missed delivery",
    # Seen the same day: accepted within an hour, someone at the door within four.
    sla_hours={"reported": 1.0, "accepted": 1.0, "assigned": 4.0, "in_progress": 8.0},
    default_priority="urgent",
)
