"""What the repairs pages share: where they live and the category labels they draw."""

from __future__ import annotations

from typing import Any

from core.api import current_tenant
from plugins.repairs import categories


def base() -> str:
    return f"/c/{current_tenant().slug}/repairs"


async def labels() -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in await categories.list_categories()}
