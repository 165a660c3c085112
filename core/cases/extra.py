"""What a case type's ``extra_fields`` declare, checked when a case is filed."""

from __future__ import annotations

import datetime as dt
from typing import Any

# What a case type's ``extra_fields`` may declare, and what each accepts.
_EXTRA_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "date": (str,),
}


def extra_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` does not fit the declared kind, or None."""
    if value is None or kind not in _EXTRA_KINDS:
        return None  # a kind the engine does not know is the plugin's to check
    if isinstance(value, bool) and kind != "bool":
        return f"must be a {kind}"
    if not isinstance(value, _EXTRA_KINDS[kind]):
        return f"must be a {kind}"
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**31) <= value < 2**31:
        return "out of range"
    if isinstance(value, str) and len(value) > 500:
        return "at most 500 characters"
    if kind == "date" and isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "must be a date like 2026-12-04"
    return None
