"""HTTP API of grids, assignments, visit plans and visits (being built)."""

from __future__ import annotations

from typing import Any

GRID_HANDLERS: list[Any] = []
