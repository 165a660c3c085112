"""The access log, "why can't they get in?", alerts and refused webhook pushes."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromQuery, Parameter

from core.api import QueryId, people_in_scope, person_in_scope, requires
from plugins.door_access import alerts, events, why
from plugins.door_access.callers import VIEW


class LogController(Controller):
    path = "/"

    @get("/log", guards=[requires(VIEW)])
    async def access_log(
        self,
        request: Request,
        person_id: QueryId = None,
        access_point_id: QueryId = None,
        result: FromQuery[str | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> list[dict[str, Any]]:
        return await events.search(
            person_id=person_id,
            access_point_id=access_point_id,
            result=result,
            limit=limit,
            people=await people_in_scope(request),
        )

    @get("/why", guards=[requires(VIEW)])
    async def why_not(
        self,
        request: Request,
        person_id: Annotated[int, Parameter(ge=1, le=2_147_483_647)],
        access_point_id: Annotated[int, Parameter(ge=1, le=2_147_483_647)],
    ) -> dict[str, Any]:
        await person_in_scope(request, person_id)
        return await why.explain(person_id, access_point_id)

    @get("/alerts", guards=[requires(VIEW)])
    async def open_alerts(self) -> list[dict[str, Any]]:
        return await alerts.open_alerts()

    @get("/webhook-refusals", guards=[requires(VIEW)])
    async def webhook_refusals(self) -> list[dict[str, Any]]:
        return await events.refusals()
