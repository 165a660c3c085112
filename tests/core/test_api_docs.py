"""docs/plugins/api-reference.md lists every name core.api exports, with the version it arrived in."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import Version

import core.api

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "api-reference.md"


def documented() -> dict[str, str]:
    rows = re.findall(r"^\| `(\w+)` \| (\d+\.\d+) \|", DOC.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_every_core_api_name_has_a_line_and_a_since_version() -> None:
    docs = documented()
    exported = set(core.api.__all__)
    assert exported - set(docs) == set(), "exported by core.api but not in api-reference.md"
    assert set(docs) - exported == set(), "in api-reference.md but not exported by core.api"
    for name, since in docs.items():
        assert Version(since) <= Version(core.api.CORE_VERSION), f"{name}: since {since} is in the future"
