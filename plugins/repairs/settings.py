"""The plugin's settings for the current community, as its declared struct (defaults filled in)."""

from __future__ import annotations

from core.api import current_tenant
from plugins.repairs.manifest import RepairsSettings


def settings() -> RepairsSettings:
    return current_tenant().settings_as("repairs", RepairsSettings)
