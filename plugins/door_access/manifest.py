"""Who the plugin is, what it needs, and what it adds."""

from typing import Annotated

import msgspec

from core.api import Manifest, Permission

STAFF = ("community_admin", "community_staff")


class DoorAccessSettings(msgspec.Struct):
    open_seconds: Annotated[int, msgspec.Meta(title="Seconds a door stays unlocked after a pass")] = 5
    long_open_seconds: Annotated[int, msgspec.Meta(title="Seconds for residents with impaired mobility")] = 15
    open_too_long_seconds: Annotated[
        int, msgspec.Meta(title="Alert when a door stays open longer than (seconds)")
    ] = 120
    alert_case_minutes: Annotated[
        int, msgspec.Meta(title="An alert still open after (minutes) becomes a case")
    ] = 30
    offline_minutes: Annotated[int, msgspec.Meta(title="A device silent this long is offline (minutes)")] = 10
    pass_max_days: Annotated[int, msgspec.Meta(title="Longest visitor pass (days)")] = 7
    pass_max_uses: Annotated[int, msgspec.Meta(title="Most uses of a visitor pass")] = 20
    welfare_hours: Annotated[
        int, msgspec.Meta(title="Hours without door activity before a welfare visit (0: off)")
    ] = 0
    webhook_skew_seconds: Annotated[
        int, msgspec.Meta(title="Allowed clock difference of devices (seconds)")
    ] = 300


manifest = Manifest(
    id="door_access",
    name_zh="智能门禁",
    name_en="Door access",
    version="0.1.0",
    requires_core=">=0.1,<1",
    settings=DoorAccessSettings,
    personal_data=True,  # credentials, face images, the access log
    permissions=(
        Permission(
            "door_access.view",
            "See doors, devices, sync state, the access log and alerts",
            (*STAFF, "grid_worker"),
        ),
        Permission(
            "door_access.manage", "Add doors and devices, grant and revoke access, issue credentials", STAFF
        ),
        Permission(
            "door_access.self",
            "Residents: see their own access, issue visitor passes, face consent",
            (*STAFF, "resident"),
        ),
    ),
    description="Doors, devices, credentials (card, PIN, QR, face with consent), visitor passes, "
    "device sync and the access log.",
)
