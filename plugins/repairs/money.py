"""Yuan in the API, fen (分) in the database: exact sums, and one place that checks amounts."""

from __future__ import annotations

import math

from core.api import InvalidInput


def to_fen(yuan: float | int | None, field: str, *, required: bool = True) -> int | None:
    """A non-negative amount in yuan with at most two decimals, as fen."""
    if yuan is None:
        if required:
            raise InvalidInput("is required", field=field)
        return None
    if isinstance(yuan, bool) or not isinstance(yuan, int | float) or not math.isfinite(yuan):
        raise InvalidInput("must be a number of yuan", field=field)
    fen = round(float(yuan) * 100)
    if abs(float(yuan) * 100 - fen) > 1e-6:
        raise InvalidInput("at most two decimals (fen)", field=field)
    if fen < 0:
        raise InvalidInput("must not be negative", field=field)
    if fen > 100_000_000:  # one million yuan: a typo, not a repair
        raise InvalidInput("is implausibly large (over 1,000,000 yuan)", field=field)
    return fen


def to_yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100
