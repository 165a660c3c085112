"""Writing the register from the pages: register a person (and where they live), edit them,
move them in, keep their care register. Every form answers a refusal with the same form, the
values kept and the message next to its field; the 400 rolls the request's transaction back, so
nothing of a refused form is saved (a new person is not left behind without the home that failed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.residents.scope import visible_places
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page
from core.web.bodies import QueryId

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def errors_of(exc: Exception, shown: tuple[str, ...] | None = None) -> dict[str, str]:
    """{field: message}; "" for a message that belongs to no single field (or to one the form
    does not show, when ``shown`` lists those it does)."""
    field = getattr(exc, "field", None) or ""
    return {field if shown is None or field in shown else "": str(exc)}


def parse_date(value: str, field: str, *, required: bool = False) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidInput("is required", field=field)
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("not a date (YYYY-MM-DD)", field=field) from None


def id_of(value: str) -> int | None:
    """A row id typed into (or tampered with in) a form, or None: ASCII digits, 9 at most."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None


async def _dwelling_in_scope(request: Request, dwelling_id: int) -> dict[str, Any]:
    from core.residents.places import get_dwelling

    dwelling = await get_dwelling(dwelling_id)
    visible = await visible_places(principal_of(request), current_tenant())
    if visible is not None and not visible.contains(dwelling["building"], dwelling["unit"]):
        raise NotFound("no such dwelling")
    return dwelling


def community_url(*parts: object) -> str:
    return "/".join([f"/c/{current_tenant().slug}", *map(str, parts)])


# -- a new person (optionally living in a dwelling from today) ---------------------------------


@dataclass
class PersonForm:
    name: str = ""
    gender: str = ""
    birth_date: str = ""
    id_number: str = ""
    phone: str = ""
    notes: str = ""
    dwelling_id: str = ""
    start_date: str = ""
    role: str = "family"
    relation: str = ""
    join: str = ""  # a checkbox: absent when unticked


async def _person_form(
    request: Request, form: PersonForm, errors: dict[str, str], *, status: int = 200
) -> Response:
    from core.residents.categories import RESIDENCY_ROLES

    dwelling_id = id_of(form.dwelling_id)
    dwelling = await _dwelling_in_scope(request, dwelling_id) if dwelling_id else None
    return page(
        request,
        "person_new.html",
        status=status,
        **await chrome(request),
        form=form,
        errors=errors,
        dwelling=dwelling,
        roles=RESIDENCY_ROLES,
    )


@get("/c/{community:str}/residents/new", guards=[requires("residents.edit")])
async def new_person_form(request: Request, dwelling_id: QueryId = None) -> Response:
    form = PersonForm(dwelling_id=str(dwelling_id or ""), start_date=dt.date.today().isoformat(), join="1")
    return await _person_form(request, form, {})


@post("/c/{community:str}/residents/new", guards=[requires("residents.edit")])
async def new_person_submit(request: Request, data: Annotated[PersonForm, FORM]) -> Response:
    from core.residents import people

    actor = principal_of(request).user_id
    try:
        birth = parse_date(data.birth_date, "birth_date")
        dwelling_id = id_of(data.dwelling_id)
        if data.dwelling_id and dwelling_id is None:
            raise InvalidInput("choose a dwelling", field="")
        if dwelling_id is None and await visible_places(principal_of(request), current_tenant()) is not None:
            raise InvalidInput("grid workers register a person from a dwelling of their grid", field="")
        start = parse_date(data.start_date, "start_date", required=True) if dwelling_id else None
        person = await people.register_person(
            state_of(request.app).field_keys,
            data.name,
            id_number=data.id_number.strip() or None,
            phone=data.phone.strip() or None,
            birth_date=birth,
            gender=data.gender,
            notes=data.notes.strip(),
        )
        if dwelling_id and start is not None:
            await _dwelling_in_scope(request, dwelling_id)
            await people.move_in(
                person["id"],
                dwelling_id,
                start_date=start,
                role=data.role,
                relation=data.relation.strip(),
                actor_id=actor,
                household_id=await _household_to_join(dwelling_id, data.join),
            )
    except (InvalidInput, Conflict) as exc:
        errors = errors_of(
            exc, ("name", "id_number", "gender", "birth_date", "phone", "start_date", "relation")
        )
        if isinstance(exc, Conflict) and "ID number" in str(exc):
            errors = {"id_number": str(exc)}
        return await _person_form(request, data, errors, status=400)
    return Redirect(community_url("residents", person["id"]), status_code=303)


async def _household_to_join(dwelling_id: int, join: str) -> int | None:
    """The household already living in the dwelling (the earliest), when asked to join it."""
    from core.residents.tables import Residency

    if join != "1":
        return None
    row = (
        await Residency.select(Residency.household)
        .where((Residency.dwelling == dwelling_id) & Residency.end_date.is_null())
        .order_by(Residency.start_date)
        .first()
        .run()
    )
    return None if row is None else int(row["household"])


# -- editing -------------------------------------------------------------------------------------


@dataclass
class EditForm:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    notes: str = ""


@get("/c/{community:str}/residents/{person_id:int}/edit", guards=[requires("residents.edit")])
async def edit_person_form(request: Request, person_id: FromPath[int]) -> Response:
    from core.residents.request_scope import person_in_scope as _person_in_scope

    row = await _person_in_scope(request, person_id)
    # Numbers stay masked here too: an empty field keeps the stored one.
    form = EditForm(name=row["name"], notes=row["notes"])
    return page(
        request,
        "person_edit.html",
        **await chrome(request),
        person=_masked(request, row),
        form=form,
        errors={},
    )


def _masked(request: Request, row: dict[str, Any]) -> dict[str, Any]:
    from core.residents.views import person_out

    return person_out(row, state_of(request.app).field_keys, reveal=False)


@post("/c/{community:str}/residents/{person_id:int}/edit", guards=[requires("residents.edit")])
async def edit_person_submit(
    request: Request, person_id: FromPath[int], data: Annotated[EditForm, FORM]
) -> Response:
    from core.residents import people
    from core.residents.request_scope import person_in_scope as _person_in_scope

    row = await _person_in_scope(request, person_id)
    try:
        await people.update_person(
            state_of(request.app).field_keys,
            person_id,
            {
                **asdict(data),
                "phone": data.phone.strip() or None,
                "id_number": data.id_number.strip() or None,
            },
        )
    except (InvalidInput, Conflict) as exc:
        errors = (
            {"id_number": str(exc)}
            if isinstance(exc, Conflict)
            else errors_of(exc, ("name", "phone", "id_number"))
        )
        return page(
            request,
            "person_edit.html",
            status=400,
            **await chrome(request),
            person=_masked(request, row),
            form=EditForm(data.name, data.phone, "", data.notes),
            errors=errors,
        )
    return Redirect(community_url("residents", person_id), status_code=303)


# -- moving in ---------------------------------------------------------------------------------


@dataclass
class MoveInForm:
    building_id: str = ""
    dwelling_id: str = ""
    start_date: str = ""
    role: str = "family"
    relation: str = ""
    join: str = ""  # a checkbox: absent when unticked


async def _move_in_page(
    request: Request,
    person_id: int,
    building_id: int | None,
    form: MoveInForm,
    errors: dict[str, str],
    *,
    status: int = 200,
) -> Response:
    from core.residents.categories import RESIDENCY_ROLES
    from core.residents.request_scope import person_in_scope as _person_in_scope
    from core.residents.tables import Building, Dwelling, Residency

    person = await _person_in_scope(request, person_id)
    visible = await visible_places(principal_of(request), current_tenant())
    buildings = await Building.select(Building.id, Building.name).order_by(Building.name).run()
    dwellings: list[dict[str, Any]] = []
    if building_id is not None:
        dwellings = (
            await Dwelling.select(
                Dwelling.id, Dwelling.number, Dwelling.unit, Dwelling.unit.name.as_alias("unit_name")
            )
            .where(Dwelling.building == building_id)
            .order_by(Dwelling.unit)
            .order_by(Dwelling.floor)
            .order_by(Dwelling.number)
            .run()
        )
    if visible is not None:
        buildings = [
            b
            for b in buildings
            if b["id"] in visible.building_ids or any(visible.contains(b["id"], u) for u in visible.unit_ids)
        ]
        dwellings = [d for d in dwellings if visible.contains(building_id or 0, d["unit"])]
    occupied = {
        r["dwelling"]
        for r in await Residency.select(Residency.dwelling).where(Residency.end_date.is_null()).run()
    }
    return page(
        request,
        "move_in.html",
        status=status,
        **await chrome(request),
        person=person,
        buildings=buildings,
        building_id=building_id,
        dwellings=dwellings,
        occupied=occupied,
        form=form,
        errors=errors,
        roles=RESIDENCY_ROLES,
    )


@get("/c/{community:str}/residents/{person_id:int}/move-in", guards=[requires("residents.edit")])
async def move_in_form(request: Request, person_id: FromPath[int], building_id: QueryId = None) -> Response:
    return await _move_in_page(
        request, person_id, building_id, MoveInForm(start_date=dt.date.today().isoformat(), join="1"), {}
    )


@post("/c/{community:str}/residents/{person_id:int}/move-in", guards=[requires("residents.edit")])
async def move_in_submit(
    request: Request, person_id: FromPath[int], data: Annotated[MoveInForm, FORM]
) -> Response:
    from core.residents import people
    from core.residents.request_scope import person_in_scope as _person_in_scope

    await _person_in_scope(request, person_id)
    building_id = id_of(data.building_id)
    try:
        dwelling_id = id_of(data.dwelling_id)
        if dwelling_id is None:
            raise InvalidInput("choose a dwelling", field="dwelling_id")
        dwelling = await _dwelling_in_scope(request, dwelling_id)
        building_id = dwelling["building"]
        start = parse_date(data.start_date, "start_date", required=True)
        assert start is not None
        await people.move_in(
            person_id,
            dwelling["id"],
            start_date=start,
            role=data.role,
            relation=data.relation.strip(),
            actor_id=principal_of(request).user_id,
            household_id=await _household_to_join(dwelling["id"], data.join),
        )
    except (InvalidInput, Conflict) as exc:
        errors = errors_of(exc, ("dwelling_id", "start_date", "role", "relation"))
        return await _move_in_page(request, person_id, building_id, data, errors, status=400)
    return Redirect(community_url("residents", person_id), status_code=303)


PERSON_EDIT_PAGES = [
    new_person_form,
    new_person_submit,
    edit_person_form,
    edit_person_submit,
    move_in_form,
    move_in_submit,
]
