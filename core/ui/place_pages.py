"""Adding a building from the register page: its units and flats laid out in one go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from core.auth.guards import requires
from core.errors import InvalidInput
from core.tenancy.context import current_tenant


@dataclass
class BuildingForm:
    name: str = ""
    floors: str = "6"
    units: str = "1"
    dwellings_per_floor: str = "2"
    has_lift: str = ""


def _number(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput("must be a whole number", field=field) from None


@post("/c/{community:str}/register/buildings", guards=[requires("places.edit")])
async def add_building(
    request: Request, data: Annotated[BuildingForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response:
    from core.residents.places import create_building
    from core.ui.register_pages import render_buildings

    try:
        building = await create_building(
            data.name,
            floors=_number(data.floors, "floors"),
            units=_number(data.units, "units"),
            dwellings_per_floor=_number(data.dwellings_per_floor, "dwellings_per_floor"),
            has_lift=bool(data.has_lift),
        )
    except InvalidInput as exc:
        # Back to the form with the reason beside the field and the values kept; nothing saved.
        return await render_buildings(request, status=400, form=data, field=exc.field, error=str(exc))
    return Redirect(f"/c/{current_tenant().slug}/register/buildings/{building['id']}", status_code=303)


PLACE_PAGES = [add_building]
