"""Request bodies are msgspec Structs that refuse unknown fields: a typo is a 400, not ignored."""

from __future__ import annotations

from typing import Annotated

import msgspec

# Row ids as the databases store them (a 32-bit integer): anything else is a 400 naming the
# field, never a driver error. Plugins take it from core.api.
Id = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
# Any other whole number a body carries (floors, tiers, days, estimates): within 32 bits, so no
# number reaches a driver that cannot bind it; the domain checks its own narrower range.
Int32 = Annotated[int, msgspec.Meta(ge=-2_147_483_648, le=2_147_483_647)]
# Free text a person writes into a body: a note, a reason, a comment, a case's description.
Note = Annotated[str, msgspec.Meta(max_length=2000)]
LongText = Annotated[str, msgspec.Meta(max_length=10_000)]
# Byte counts (quotas) within what every database and JSON reader holds exactly.
Bytes = Annotated[int, msgspec.Meta(ge=0, le=2**53)]


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies."""


def _query_id() -> object:
    from litestar.params import Parameter

    return Parameter(ge=1, le=2_147_483_647)


# An optional id in a query string (``?building_id=…``), range-checked like the path's ids.
QueryId = Annotated[int | None, _query_id()]
