"""JSON columns come back from some drivers as text: decode them once, where rows are read."""

from __future__ import annotations

import json
from typing import Any


def decoded(row: dict[str, Any], *fields: str) -> dict[str, Any]:
    for field in fields:
        value = row.get(field)
        if isinstance(value, str):
            row[field] = json.loads(value or "[]")
    return row
