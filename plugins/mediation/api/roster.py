"""The roster of mediators and experts, and the figures. Mounted at
/api/v1/c/{community}/mediation/mediators and …/figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from core.api import InvalidInput, requires
from plugins.mediation import mediators
from plugins.mediation.api.bodies import ConflictIn, MediatorIn, MediatorPatch
from plugins.mediation.figures import mediation_figures

PUBLIC_FIELDS = ("id", "name", "kind", "specialities", "available")


class MediatorsController(Controller):
    path = "/mediators"

    @get("/", guards=[requires("mediation.view")])
    async def roster(self) -> list[dict[str, Any]]:
        """Names, kinds and specialities: what a party needs to know who may mediate (and to
        object to one); phones and logins are the committee's (see /mediators/{id})."""
        return [{k: m[k] for k in PUBLIC_FIELDS} for m in await mediators.roster()]

    @post("/", guards=[requires("mediation.manage")])
    async def add(self, data: JSONBody[MediatorIn]) -> dict[str, Any]:
        return await mediators.add(
            name=data.name,
            kind=data.kind,
            phone=data.phone,
            user_id=data.user_id,
            specialities=data.specialities,
        )

    @get("/{mediator_id:int}", guards=[requires("mediation.manage")])
    async def one(self, mediator_id: FromPath[int]) -> dict[str, Any]:
        return {**await mediators.get(mediator_id), "conflicts": await mediators.conflicts_of(mediator_id)}

    @patch("/{mediator_id:int}", guards=[requires("mediation.manage")])
    async def change(self, mediator_id: FromPath[int], data: JSONBody[MediatorPatch]) -> dict[str, Any]:
        return await mediators.update(mediator_id, available=data.available, active=data.active)

    @post("/{mediator_id:int}/conflicts", guards=[requires("mediation.manage")])
    async def conflict(self, mediator_id: FromPath[int], data: JSONBody[ConflictIn]) -> dict[str, Any]:
        return await mediators.declare_conflict(mediator_id, person_id=data.person_id, reason=data.reason)


class FiguresController(Controller):
    path = "/figures"

    @get("/", guards=[requires("mediation.figures")])
    async def figures(
        self, start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None
    ) -> dict[str, Any]:
        end = end or dt.date.today()
        start = start or end.replace(day=1)
        if start > end:
            raise InvalidInput("is after end", field="start")
        return await mediation_figures(start, end)
