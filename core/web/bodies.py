"""Request bodies are msgspec Structs that refuse unknown fields: a typo is a 400, not ignored."""

from __future__ import annotations

from typing import Annotated

import msgspec

# Row ids as the databases store them (a 32-bit integer): anything else is a 400 naming the
# field, never a driver error. Plugins take it from core.api.
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies."""
