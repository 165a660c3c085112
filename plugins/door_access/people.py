"""The register as this plugin reads it: a person or building of this community, or None."""

from __future__ import annotations

from core.api import Building, NotFound, Person, get_building, get_person


async def person_or_none(person_id: int) -> Person | None:
    """The person; None for a missing, foreign or erased person."""
    try:
        return await get_person(person_id)
    except NotFound:
        return None


async def building_or_none(building_id: int) -> Building | None:
    try:
        return await get_building(building_id)
    except NotFound:
        return None
