"""Grids from a page (staff with ``grids.manage``): make a grid, put whole buildings or single
units in it, and assign its people — grid leader, grid workers, instructor, building leaders,
volunteers — by their user name, with the dates they serve. Grid workers see their own grids.
Every form redirects after its post; a refusal is shown beside its field, nothing saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.auth.guards import requires
from core.errors import InvalidInput, NotFound
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.forms import Done, Form, Refusal, form_post
from core.ui.render import page

ROLE_LABELS = {
    "grid_leader": ("网格长", "Grid leader"),
    "grid_worker": ("专职网格员", "Grid worker"),
    "grid_worker_part_time": ("兼职网格员", "Part-time grid worker"),
    "grid_instructor": ("网格指导员", "Grid instructor"),
    "building_leader": ("楼栋长", "Building leader"),
    "volunteer": ("志愿者", "Volunteer"),
}


def base() -> str:
    return f"/c/{current_tenant().slug}/grids"


async def _grids(request: Request) -> list[dict[str, Any]]:
    from core.auth.tables import User
    from core.grids.routes import _my_grids
    from core.grids.tables import Grid, GridAssignment, GridPlace
    from core.services.access import holds

    mine = None if holds(request, "grids.manage") else await _my_grids(request)
    rows = await Grid.select().where(Grid.active.eq(True)).order_by(Grid.name).run()
    if mine is not None:
        rows = [g for g in rows if g["id"] in mine]
    ids = [g["id"] for g in rows] or [0]
    places = (
        await GridPlace.select(GridPlace.grid, GridPlace.building.name, GridPlace.unit.name)
        .where(GridPlace.grid.is_in(ids))
        .run()
    )
    people = (
        await GridAssignment.select().where(GridAssignment.grid.is_in(ids)).order_by(GridAssignment.id).run()
    )
    names = {
        u["id"]: u["display_name"] or u["username"]
        for u in await User.select(User.id, User.username, User.display_name)
        .where(User.id.is_in([p["user_id"] for p in people] or [0]))
        .run()
    }
    today = dt.date.today()
    for g in rows:
        g["places"] = sorted(
            " ".join(x for x in (p["building.name"], p["unit.name"] or "") if x)
            for p in places
            if p["grid"] == g["id"]
        )
        g["people"] = [
            {
                **p,
                "name": names.get(p["user_id"], ""),
                "current": p["valid_from"] <= today and (p["valid_to"] is None or p["valid_to"] >= today),
            }
            for p in people
            if p["grid"] == g["id"]
        ]
    return rows


async def _buildings() -> list[tuple[str, str]]:
    from core.services.register import list_buildings

    return [(str(b.id), b.name) for b in await list_buildings()]


async def draw(request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any) -> Response:
    from core.services.access import holds

    ui = await chrome(request)
    return page(
        request,
        "grids.html",
        status=refusal.status if refusal else 200,
        **ui,
        grids=await _grids(request),
        buildings=await _buildings(),
        roles=ROLE_LABELS,
        may_manage=holds(request, "grids.manage"),
        today=dt.date.today().isoformat(),
        form=form.values() if isinstance(form, Form) else {},
        errors=refusal.errors if refusal else {},
        base=base(),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw(request, form=form, refusal=refusal)


@get("/c/{community:str}/grids", guards=[requires("grids.view")])
async def grids_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class GridForm(Form):
    name: str = ""
    notes: str = ""


@form_post("/c/{community:str}/grids", GridForm, redraw=redraw, guards=[requires("grids.manage")])
async def new_grid(request: Request, form: GridForm) -> Done:
    from core.grids.service import create_grid

    await create_grid(form.text("name", required=True, max_length=100), form.text("notes", max_length=500))
    return Done(base(), flash=("已建立网格。", "Grid made."))


@dataclass
class PlaceForm(Form):
    building_id: str = ""
    unit: str = ""


@form_post(
    "/c/{community:str}/grids/{grid_id:int}/places",
    PlaceForm,
    redraw=redraw,
    guards=[requires("grids.manage")],
)
async def add_place(request: Request, form: PlaceForm, grid_id: int) -> Done:
    """A whole building, or one unit of it named as the register names it ("2单元")."""
    from core.grids.service import add_place as _add
    from core.residents.tables import Unit

    building_id = form.integer("building_id", minimum=1)
    unit_name = form.text("unit", max_length=20)
    unit_id = None
    if unit_name:
        row = (
            await Unit.select(Unit.id)
            .where((Unit.building == building_id) & (Unit.name == unit_name))
            .first()
            .run()
        )
        if row is None:
            raise InvalidInput("this building has no unit of that name", field="unit")
        unit_id = row["id"]
    try:
        await _add(grid_id, building_id, unit_id)
    except NotFound as exc:
        if "grid" in str(exc):
            raise
        raise InvalidInput("choose one of the options", field="building_id") from None
    return Done(base(), flash=("已划入网格。", "Added to the grid."))


@dataclass
class AssignForm(Form):
    username: str = ""
    role: str = "grid_worker"
    valid_from: str = ""
    valid_to: str = ""


@form_post(
    "/c/{community:str}/grids/{grid_id:int}/people",
    AssignForm,
    redraw=redraw,
    guards=[requires("grids.manage")],
)
async def assign(request: Request, form: AssignForm, grid_id: int) -> Done:
    from core.grids.service import assign as _assign
    from core.services.access import member_by_username

    username = form.text("username", required=True, max_length=60)
    user_id = await member_by_username(username)
    if user_id is None:
        raise InvalidInput("no member of the community has this user name", field="username")
    valid_from = form.optional_date("valid_from") or dt.date.today()
    try:
        await _assign(
            grid_id, user_id, form.choice("role", ROLE_LABELS), valid_from, form.optional_date("valid_to")
        )
    except InvalidInput as exc:
        raise InvalidInput(str(exc), field="username" if exc.field == "user_id" else exc.field) from None
    return Done(base(), flash=("已指定。", "Assigned."))


GRID_PAGES = [grids_page, new_grid, add_place, assign]
