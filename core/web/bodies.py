"""Request bodies are msgspec Structs that refuse unknown fields: a typo is a 400, not ignored."""

from __future__ import annotations

import msgspec


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies."""
