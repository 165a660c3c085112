"""Browsing the register: buildings -> units -> dwellings -> households -> residents.

Grid workers see only the places of their grids (``visible_places``); a place outside answers
404 like a missing one. Writing (new person, move in, care register) is in ``person_edit_pages``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.auth.guards import principal_of, requires
from core.errors import NotFound
from core.residents.categories import DWELLING_STATES, RESIDENCY_ROLES
from core.residents.scope import VisiblePlaces, visible_places
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page


async def _scope(request: Request) -> VisiblePlaces | None:
    return await visible_places(principal_of(request), current_tenant())


async def panels_for(request: Request, ui: dict[str, Any], kind: str, subject_id: int) -> list[Any]:
    """Panels the modules switched on here add to a ``building`` or ``dwelling`` page."""
    from core.plugins.dispatch import active_for, gather
    from core.plugins.types import Panel
    from core.runtime import state_of

    runtime, tenant = state_of(request.app), current_tenant()
    panels = await gather(
        runtime.registry,
        "ui_panels",
        active_for(runtime.registry, tenant),
        Panel,
        tenant=tenant,
        user=ui["user_ref"],
        page=kind,
        subject_id=subject_id,
    )
    return sorted(panels, key=lambda p: p.order)


@get("/c/{community:str}/register", guards=[requires("residents.view")])
async def buildings_page(request: Request) -> Response:
    return await render_buildings(request)


async def render_buildings(
    request: Request,
    *,
    status: int = 200,
    form: Any = None,
    field: str | None = None,
    error: str | None = None,
) -> Response:
    from core.residents.tables import Building, Dwelling, Residency
    from core.ui.place_pages import BuildingForm

    visible = await _scope(request)
    query = Building.select(
        Building.id,
        Building.name,
        Building.floors,
        Building.has_lift,
        Building.compound.name.as_alias("compound"),
    )
    if visible is not None:
        units_buildings = {r["building"] for r in await _unit_buildings(visible)}
        query = query.where(Building.id.is_in(list(visible.building_ids | units_buildings) or [0]))
    buildings = await query.order_by(Building.compound).order_by(Building.name).run()
    dwellings: dict[int, int] = defaultdict(int)
    for row in await Dwelling.select(Dwelling.building).run():
        dwellings[row["building"]] += 1
    residents: dict[int, int] = defaultdict(int)
    for row in (
        await Residency.select(Residency.dwelling.building.as_alias("building"))
        .where(Residency.end_date.is_null())
        .run()
    ):
        residents[row["building"]] += 1
    return page(
        request,
        "register.html",
        status=status,
        **await chrome(request),
        buildings=buildings,
        dwellings=dwellings,
        residents=residents,
        form=form or BuildingForm(),
        field=field,
        error=error,
    )


async def _unit_buildings(visible: VisiblePlaces) -> list[dict[str, Any]]:
    from core.residents.tables import Unit

    if not visible.unit_ids:
        return []
    return await Unit.select(Unit.building).where(Unit.id.is_in(list(visible.unit_ids))).run()


@get("/c/{community:str}/register/buildings/{building_id:int}", guards=[requires("residents.view")])
async def building_page(request: Request, building_id: FromPath[int]) -> Response:
    from core.residents.places import get_building
    from core.residents.tables import Dwelling, Residency, Unit

    building = await get_building(building_id)
    visible = await _scope(request)
    units = (
        await Unit.select(Unit.id, Unit.name).where(Unit.building == building_id).order_by(Unit.name).run()
    )
    if visible is not None:
        units = [u for u in units if visible.contains(building_id, u["id"])]
        if not units and building_id not in visible.building_ids:
            raise NotFound("no such building")
    dwellings = (
        await Dwelling.select(Dwelling.id, Dwelling.number, Dwelling.floor, Dwelling.unit, Dwelling.state)
        .where(Dwelling.building == building_id)
        .order_by(Dwelling.floor)
        .order_by(Dwelling.number)
        .run()
    )
    if visible is not None:
        dwellings = [d for d in dwellings if visible.contains(building_id, d["unit"])]
    people: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        await Residency.select(Residency.dwelling, Residency.person, Residency.person.name.as_alias("name"))
        .where(
            (Residency.dwelling.building == building_id)
            & Residency.end_date.is_null()
            & Residency.person.erased_at.is_null()
        )
        .order_by(Residency.start_date)
        .run()
    ):
        people[row["dwelling"]].append(row)
    by_unit: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for d in dwellings:
        by_unit[d["unit"]].append({**d, "people": people.get(d["id"], [])})
    sections = [{"name": u["name"], "dwellings": by_unit.get(u["id"], [])} for u in units]
    if by_unit.get(None):
        sections.append({"name": None, "dwellings": by_unit[None]})
    ui = await chrome(request)
    return page(
        request,
        "building.html",
        **ui,
        building=building,
        sections=sections,
        states=DWELLING_STATES,
        panels=await panels_for(request, ui, "building", building_id),
    )


@get("/c/{community:str}/register/dwellings/{dwelling_id:int}", guards=[requires("residents.view")])
async def dwelling_page(request: Request, dwelling_id: FromPath[int]) -> Response:
    from core.residents.places import get_dwelling
    from core.residents.tables import Household, Residency

    dwelling = await get_dwelling(dwelling_id)
    visible = await _scope(request)
    if visible is not None and not visible.contains(dwelling["building"], dwelling["unit"]):
        raise NotFound("no such dwelling")
    households = (
        await Household.select(Household.id, Household.label, Household.dissolved_on)
        .where(Household.dwelling == dwelling_id)
        .order_by(Household.id)
        .run()
    )
    rows = (
        await Residency.select(
            Residency.household,
            Residency.person,
            Residency.role,
            Residency.relation,
            Residency.start_date,
            Residency.end_date,
            Residency.person.name.as_alias("name"),
        )
        .where((Residency.dwelling == dwelling_id) & Residency.person.erased_at.is_null())
        .order_by(Residency.start_date)
        .run()
    )
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["end_date"] is None:
            members[r["household"]].append(r)
    current = [{**h, "members": members[h["id"]]} for h in households if members.get(h["id"])]
    past = [r for r in rows if r["end_date"] is not None]
    ui = await chrome(request)
    return page(
        request,
        "dwelling.html",
        **ui,
        dwelling=dwelling,
        households=current,
        past=past,
        states=DWELLING_STATES,
        roles=RESIDENCY_ROLES,
        panels=await panels_for(request, ui, "dwelling", dwelling_id),
    )


REGISTER_PAGES = [buildings_page, building_page, dwelling_page]
