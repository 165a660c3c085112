"""Who the plugin is, what it needs, and what it adds."""

import msgspec

from core.api import Manifest, Permission

STAFF = ("community_admin", "community_staff")


class DoorAccessSettings(msgspec.Struct):
    open_seconds: int = 5  # how long a door stays unlocked after a granted pass
    long_open_seconds: int = 15  # for residents with impaired mobility (vulnerability register)
    open_too_long_seconds: int = 120  # devices report a door open longer than this
    alert_case_minutes: int = 30  # an alert still open after this becomes a case
    offline_minutes: int = 10  # a device silent this long is offline
    pass_max_days: int = 7  # the longest visitor pass window
    pass_max_uses: int = 20
    welfare_hours: int = 0  # 0: off; else no door activity this long raises a visit task
    webhook_skew_seconds: int = 300  # allowed clock difference on signed device pushes


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
