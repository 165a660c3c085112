"""HTML pages at /c/{community}/mediation/…"""

from __future__ import annotations

from pathlib import Path

from core.api import Pages


def pages() -> Pages:
    return Pages(handlers=[], templates=Path(__file__).parent.parent / "templates")
