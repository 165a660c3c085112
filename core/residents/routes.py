"""HTTP API of the register: places, persons, residencies, vulnerabilities."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.audit import audit
from core.auth.guards import principal_of, requires
from core.errors import InvalidInput, NotFound
from core.residents import people, places, vulnerability
from core.residents.bodies import (
    BuildingIn,
    CompoundIn,
    ContactIn,
    DwellingIn,
    DwellingPatch,
    MoveInIn,
    MoveOutIn,
    PersonIn,
    PersonPatch,
    ProxyIn,
    UnitIn,
    VulnerabilityIn,
    VulnerabilityPatch,
)
from core.residents.request_scope import building_in_scope as _building_in_scope
from core.residents.request_scope import person_in_scope as _person_in_scope
from core.residents.request_scope import place_in_scope as _check_place_visible
from core.residents.scope import visible_building_ids, visible_places
from core.residents.search import ResidentQuery, search_residents
from core.residents.tables import Building, Compound, Dwelling, Residency, Unit
from core.residents.views import person_out
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.web.bodies import QueryId

Limit = Annotated[int, QueryParameter(ge=1, le=200)]


class PlacesController(Controller):
    path = "/api/v1/c/{community:str}"
    tags = ["register"]

    @get("/compounds", guards=[requires("residents.view")])
    async def list_compounds(self) -> list[dict[str, Any]]:
        return await Compound.select().order_by(Compound.name).run()

    @post("/compounds", guards=[requires("places.edit")])
    async def create_compound(self, data: JSONBody[CompoundIn]) -> dict[str, Any]:
        return await places.create_compound(
            data.name, address=data.address, management=data.management, notes=data.notes
        )

    @get("/buildings", guards=[requires("residents.view")])
    async def list_buildings(self, request: Request, compound_id: QueryId = None) -> list[dict[str, Any]]:
        query = Building.select()
        if compound_id is not None:
            query = query.where(Building.compound == compound_id)
        visible = await visible_places(principal_of(request), current_tenant())
        if visible is not None:  # a grid worker: the buildings of their grids
            query = query.where(Building.id.is_in(sorted(await visible_building_ids(visible)) or [0]))
        return await query.order_by(Building.name).run()

    @post("/buildings", guards=[requires("places.edit")])
    async def create_building(self, data: JSONBody[BuildingIn]) -> dict[str, Any]:
        return await places.create_building(
            data.name,
            compound_id=data.compound_id,
            address=data.address,
            floors=data.floors,
            has_lift=data.has_lift,
            built_year=data.built_year,
            units=data.units,
            dwellings_per_floor=data.dwellings_per_floor,
        )

    @get("/buildings/{building_id:int}", guards=[requires("residents.view")])
    async def get_building(self, request: Request, building_id: FromPath[int]) -> dict[str, Any]:
        await _building_in_scope(request, building_id)
        building = await places.get_building(building_id)
        building["units"] = await Unit.select().where(Unit.building == building_id).order_by(Unit.name).run()
        building["dwellings"] = await Dwelling.count().where(Dwelling.building == building_id).run()
        return building

    @post("/buildings/{building_id:int}/units", guards=[requires("places.edit")])
    async def create_unit(self, building_id: FromPath[int], data: JSONBody[UnitIn]) -> dict[str, Any]:
        return await places.create_unit(building_id, data.name)

    @get("/buildings/{building_id:int}/dwellings", guards=[requires("residents.view")])
    async def list_dwellings(self, request: Request, building_id: FromPath[int]) -> list[dict[str, Any]]:
        visible = await _building_in_scope(request, building_id)
        await places.get_building(building_id)
        query = Dwelling.select().where(Dwelling.building == building_id)
        if visible is not None and building_id not in visible.building_ids:  # only some units are theirs
            query = query.where(Dwelling.unit.is_in(sorted(visible.unit_ids) or [0]))
        return await query.order_by(Dwelling.unit, Dwelling.floor, Dwelling.number).run()

    @post("/dwellings", guards=[requires("places.edit")])
    async def create_dwelling(self, data: JSONBody[DwellingIn]) -> dict[str, Any]:
        return await places.create_dwelling(
            data.building_id,
            data.number,
            unit_id=data.unit_id,
            floor=data.floor,
            area_m2=data.area_m2,
            state=data.state,
        )

    @get("/dwellings/{dwelling_id:int}", guards=[requires("residents.view")])
    async def get_dwelling(self, request: Request, dwelling_id: FromPath[int]) -> dict[str, Any]:
        dwelling = await places.get_dwelling(dwelling_id)
        await _check_place_visible(request, dwelling["building"], dwelling["unit"])
        keys = state_of(request.app).field_keys
        rows = (
            await Residency.select(
                Residency.id,
                Residency.role,
                Residency.relation,
                Residency.start_date,
                Residency.household,
                Residency.primary_contact,
                *Residency.person.all_columns(),
            )
            .where((Residency.dwelling == dwelling_id) & Residency.end_date.is_null())
            .run()
        )
        dwelling["residents"] = [
            {
                "residency_id": r["id"],
                "role": r["role"],
                "relation": r["relation"],
                "start_date": r["start_date"],
                "household_id": r["household"],
                "person": person_out(
                    {k.removeprefix("person."): v for k, v in r.items() if k.startswith("person.")}, keys
                ),
            }
            for r in rows
        ]
        return dwelling

    @patch("/dwellings/{dwelling_id:int}", guards=[requires("places.edit")])
    async def update_dwelling(
        self, request: Request, dwelling_id: FromPath[int], data: JSONBody[DwellingPatch]
    ) -> dict[str, Any]:
        return await places.update_dwelling(
            dwelling_id,
            {"state": data.state, "area_m2": data.area_m2, "notes": data.notes},
            actor_id=principal_of(request).user_id,
        )


async def _reveal(request: Request, reveal: bool, purpose: str | None, subject: str) -> bool:
    """Unmasking is explicit, needs the permission and a purpose, and is audited every time."""
    if not reveal:
        return False
    runtime = state_of(request.app)
    principal = principal_of(request)
    roles = principal.roles_in(current_tenant())
    if not any(runtime.roles.has(r, "residents.view_sensitive") for r in roles):
        raise PermissionDeniedException("this needs the permission 'residents.view_sensitive'")
    if not purpose or not purpose.strip():
        raise InvalidInput("say why the full numbers are needed", field="purpose")
    await audit("person.unmasked", actor_id=principal.user_id, subject=subject, purpose=purpose.strip())
    return True


class PersonsController(Controller):
    path = "/api/v1/c/{community:str}/persons"
    tags = ["register"]

    @get("/", guards=[requires("residents.view")])
    async def search(
        self,
        request: Request,
        name: FromQuery[str | None] = None,
        phone: FromQuery[str | None] = None,
        id_number: FromQuery[str | None] = None,
        building_id: QueryId = None,
        unit_id: QueryId = None,
        dwelling_id: QueryId = None,
        category: FromQuery[list[str] | None] = None,
        min_age: Annotated[int | None, QueryParameter(ge=0, le=150)] = None,
        max_age: Annotated[int | None, QueryParameter(ge=0, le=150)] = None,
        include_former: FromQuery[bool] = False,
        after: FromQuery[str | None] = None,
        limit: Limit = 50,
        reveal: FromQuery[bool] = False,
        purpose: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        runtime = state_of(request.app)
        visible = await visible_places(principal_of(request), current_tenant())
        query = ResidentQuery(
            name_prefix=name,
            phone=phone,
            id_number=id_number,
            building_id=building_id,
            unit_id=unit_id,
            dwelling_id=dwelling_id,
            categories=category or [],
            min_age=min_age,
            max_age=max_age,
            current_only=not include_former or visible is not None,
            allowed_building_ids=None if visible is None else visible.building_ids,
            allowed_unit_ids=None if visible is None else visible.unit_ids,
        )
        rows, next_cursor = await search_residents(runtime.field_keys, query, after=after, limit=limit)
        shown = await _reveal(request, reveal, purpose, f"search:{len(rows)} persons")
        return {"items": [person_out(r, runtime.field_keys, reveal=shown) for r in rows], "next": next_cursor}

    @post("/", guards=[requires("residents.edit")])
    async def register(self, request: Request, data: JSONBody[PersonIn]) -> dict[str, Any]:
        keys = state_of(request.app).field_keys
        row = await people.register_person(
            keys,
            data.name,
            id_number=data.id_number,
            phone=data.phone,
            birth_date=data.birth_date,
            gender=data.gender,
            notes=data.notes,
        )
        return person_out(row, keys)

    @get("/{person_id:int}", guards=[requires("residents.view")])
    async def get_person(
        self,
        request: Request,
        person_id: FromPath[int],
        reveal: FromQuery[bool] = False,
        purpose: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        keys = state_of(request.app).field_keys
        row = await _person_in_scope(request, person_id)
        shown = await _reveal(request, reveal, purpose, f"person:{person_id}")
        out = person_out(row, keys, reveal=shown)
        out["residencies"] = (
            await Residency.select(
                Residency.id,
                Residency.dwelling,
                Residency.household,
                Residency.role,
                Residency.relation,
                Residency.start_date,
                Residency.end_date,
                Residency.end_reason,
                Residency.dwelling.number.as_alias("dwelling_number"),
                Residency.dwelling._.building._.name.as_alias("building_name"),
            )
            .where(Residency.person == person_id)
            .order_by(Residency.start_date)
            .run()
        )
        out["vulnerabilities"] = await vulnerability.list_for(person_id)
        return out

    @patch("/{person_id:int}", guards=[requires("residents.edit")])
    async def update(
        self, request: Request, person_id: FromPath[int], data: JSONBody[PersonPatch]
    ) -> dict[str, Any]:
        keys = state_of(request.app).field_keys
        await _person_in_scope(request, person_id)
        row = await people.update_person(
            keys,
            person_id,
            {"name": data.name, "id_number": data.id_number, "phone": data.phone, "notes": data.notes},
        )
        return person_out(row, keys)

    @post("/{person_id:int}/move-in", guards=[requires("residents.edit")])
    async def move_in(
        self, request: Request, person_id: FromPath[int], data: JSONBody[MoveInIn]
    ) -> dict[str, Any]:
        dwelling = await places.get_dwelling(data.dwelling_id)
        await _check_place_visible(request, dwelling["building"], dwelling["unit"])
        return await people.move_in(
            person_id,
            data.dwelling_id,
            start_date=data.start_date,
            role=data.role,
            relation=data.relation,
            household_id=data.household_id,
            primary_contact=data.primary_contact,
            actor_id=principal_of(request).user_id,
        )

    @post("/{person_id:int}/emergency-contacts", guards=[requires("residents.edit")])
    async def add_contact(
        self, request: Request, person_id: FromPath[int], data: JSONBody[ContactIn]
    ) -> dict[str, Any]:
        await _person_in_scope(request, person_id)
        return await people.add_emergency_contact(person_id, data.name, data.phone, data.relation)

    @post("/{person_id:int}/proxies", guards=[requires("residents.edit")])
    async def add_proxy(
        self, request: Request, person_id: FromPath[int], data: JSONBody[ProxyIn]
    ) -> dict[str, Any]:
        await _person_in_scope(request, person_id)
        return await people.add_proxy(
            person_id,
            proxy_person_id=data.proxy_person_id,
            proxy_user_id=data.proxy_user_id,
            scope=data.scope,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
        )

    @post("/{person_id:int}/vulnerabilities", guards=[requires("residents.edit")])
    async def add_vulnerability(
        self, request: Request, person_id: FromPath[int], data: JSONBody[VulnerabilityIn]
    ) -> dict[str, Any]:
        await _person_in_scope(request, person_id)
        return await vulnerability.add(
            person_id,
            data.category,
            tier=data.tier,
            consent_on=data.consent_on,
            consent_note=data.consent_note,
            review_on=data.review_on,
            notes=data.notes,
            actor_id=principal_of(request).user_id,
        )

    @get("/{person_id:int}/privacy-export", guards=[requires("residents.privacy")])
    async def privacy_export(self, request: Request, person_id: FromPath[int]) -> dict[str, Any]:
        from core.privacy import export_person

        runtime = state_of(request.app)
        await people.get_person(person_id)
        from core.residents.privacy import export_core

        await audit(
            "person.privacy_export", actor_id=principal_of(request).user_id, subject=f"person:{person_id}"
        )
        return {
            "core": await export_core(runtime.field_keys, person_id),
            "plugins": await export_person(runtime, current_tenant(), person_id),
        }

    @post("/{person_id:int}/erase", guards=[requires("residents.privacy")], status_code=200)
    async def erase(self, request: Request, person_id: FromPath[int]) -> dict[str, Any]:
        from core.privacy import erase_person

        runtime = state_of(request.app)
        await people.get_person(person_id)
        from core.residents.privacy import erase_core

        counts = {
            "core": await erase_core(person_id),
            **await erase_person(runtime, current_tenant(), person_id),
        }
        await audit(
            "person.erased",
            actor_id=principal_of(request).user_id,
            subject=f"person:{person_id}",
            detail=counts,
        )
        return {"person_id": person_id, "erased": counts}


class ResidenciesController(Controller):
    path = "/api/v1/c/{community:str}/residencies"
    tags = ["register"]

    @post("/{residency_id:int}/move-out", guards=[requires("residents.edit")], status_code=200)
    async def move_out(
        self, request: Request, residency_id: FromPath[int], data: JSONBody[MoveOutIn]
    ) -> dict[str, Any]:
        row = (
            await Residency.select(Residency.dwelling.building, Residency.dwelling.unit)
            .where(Residency.id == residency_id)
            .first()
            .run()
        )
        if row is None:
            raise NotFound("no such residency")
        await _check_place_visible(request, row["dwelling.building"], row["dwelling.unit"])
        return await people.move_out(
            residency_id, end_date=data.end_date, reason=data.reason, actor_id=principal_of(request).user_id
        )


class VulnerabilitiesController(Controller):
    path = "/api/v1/c/{community:str}/vulnerabilities"
    tags = ["register"]

    @patch("/{vulnerability_id:int}", guards=[requires("residents.edit")])
    async def update(
        self, request: Request, vulnerability_id: FromPath[int], data: JSONBody[VulnerabilityPatch]
    ) -> dict[str, Any]:
        row = await vulnerability.get(vulnerability_id)
        await _person_in_scope(request, row["person"])
        return await vulnerability.update(
            vulnerability_id,
            {f: getattr(data, f) for f in data.__struct_fields__},
            actor_id=principal_of(request).user_id,
        )


def _handlers() -> list[Any]:
    from core.residents.account_routes import ResidentAccountsController
    from core.residents.transfer_routes import RegisterTransferController

    return [
        PlacesController,
        PersonsController,
        ResidenciesController,
        VulnerabilitiesController,
        RegisterTransferController,
        ResidentAccountsController,
    ]


RESIDENT_HANDLERS = _handlers()
