"""Times from clients must say their time zone: a naive "20:00" is ambiguous (UTC or Beijing?)."""

from __future__ import annotations

import datetime as dt

from core.api import InvalidInput


def aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("give the time with its zone, e.g. 2026-12-01T20:00:00+08:00", field=field)
    return value
