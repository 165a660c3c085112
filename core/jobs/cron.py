"""Cron expressions (five fields, UTC) through cronsim: parsing with a clear error, the last slot."""

from __future__ import annotations

import datetime as dt

from cronsim import CronSim, CronSimError

from core.errors import ConfigError


def parse(expression: str, name: str = "") -> str:
    try:
        CronSim(expression, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    except CronSimError as exc:
        raise ConfigError(f"schedule {name}: bad cron expression {expression!r}: {exc}") from None
    return expression


def latest_slot(expression: str, now: dt.datetime) -> dt.datetime:
    """The most recent time at or before ``now`` that ``expression`` matches."""
    now = now.replace(second=0, microsecond=0)
    return next(CronSim(expression, now + dt.timedelta(minutes=1), reverse=True))


def next_slot(expression: str, after: dt.datetime) -> dt.datetime:
    return next(CronSim(expression, after))
