"""Where the door access pages live."""

from __future__ import annotations

from core.api import current_tenant


def home() -> str:
    return f"/c/{current_tenant().slug}/door_access"
