"""The plugin's settings for the current community, merged over the manifest's defaults."""

from __future__ import annotations

from typing import Any

import msgspec

from core.api import current_tenant
from plugins.repairs.manifest import RepairsSettings


def settings() -> dict[str, Any]:
    defaults = msgspec.to_builtins(RepairsSettings())
    return {**defaults, **current_tenant().settings_for("repairs")}
