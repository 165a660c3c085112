"""The plugin's settings for the current community, as its declared struct (defaults filled in)."""

from __future__ import annotations

from core.api import current_tenant
from plugins.door_access.manifest import DoorAccessSettings


def settings() -> DoorAccessSettings:
    return current_tenant().settings_as("door_access", DoorAccessSettings)
