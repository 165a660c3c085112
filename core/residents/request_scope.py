"""The register's scope applied to one request: a building, place or person outside the
caller's grids answers 404, like another community's. One rule for the API, the pages and the
plugins (``core.api.person_in_scope``)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.auth.guards import principal_of
from core.errors import NotFound
from core.residents import people
from core.residents.scope import VisiblePlaces, visible_building_ids, visible_places
from core.residents.tables import Residency
from core.tenancy.context import current_tenant


async def building_in_scope(request: Request, building_id: int) -> VisiblePlaces | None:
    """The caller's grid scope; a building outside it answers 404, like a missing one."""
    visible = await visible_places(principal_of(request), current_tenant())
    if visible is not None and building_id not in await visible_building_ids(visible):
        raise NotFound("no such building")
    return visible


async def place_in_scope(request: Request, building_id: int, unit_id: int | None) -> None:
    visible = await visible_places(principal_of(request), current_tenant())
    if visible is not None and not visible.contains(building_id, unit_id):
        raise NotFound("not found")


async def person_in_scope(request: Request, person_id: int) -> dict[str, Any]:
    person = await people.get_person(person_id)
    visible = await visible_places(principal_of(request), current_tenant())
    if visible is not None:
        homes = (
            await Residency.select(Residency.dwelling.building, Residency.dwelling.unit)
            .where((Residency.person == person_id) & Residency.end_date.is_null())
            .run()
        )
        if not any(visible.contains(h["dwelling.building"], h["dwelling.unit"]) for h in homes):
            raise NotFound("no such person")
    return person
