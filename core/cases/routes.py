"""HTTP API of the case engine (being built)."""

from __future__ import annotations

from typing import Any

CASE_HANDLERS: list[Any] = []
