"""The plugin's settings for the current community, as its declared struct (defaults filled in)."""

from __future__ import annotations

from core.api import current_tenant
from plugins.canteen.manifest import CanteenSettings


def settings() -> CanteenSettings:
    return current_tenant().settings_as("canteen", CanteenSettings)
