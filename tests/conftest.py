"""Suite-wide setup: small plugin modules for plugin-system tests live in tests/fixture_plugins."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "fixture_plugins"))
