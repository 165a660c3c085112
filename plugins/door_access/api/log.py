"""The access log, "why can't they get in?", alerts and refused webhook pushes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromQuery

from core.api import requires
from plugins.door_access import alerts, events, why
from plugins.door_access.callers import VIEW


class LogController(Controller):
    path = "/"

    @get("/log", guards=[requires(VIEW)])
    async def access_log(
        self,
        person_id: FromQuery[int | None] = None,
        access_point_id: FromQuery[int | None] = None,
        result: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
    ) -> list[dict[str, Any]]:
        return await events.search(
            person_id=person_id, access_point_id=access_point_id, result=result, limit=limit
        )

    @get("/why", guards=[requires(VIEW)])
    async def why_not(self, person_id: FromQuery[int], access_point_id: FromQuery[int]) -> dict[str, Any]:
        return await why.explain(person_id, access_point_id)

    @get("/alerts", guards=[requires(VIEW)])
    async def open_alerts(self) -> list[dict[str, Any]]:
        return await alerts.open_alerts()

    @get("/webhook-refusals", guards=[requires(VIEW)])
    async def webhook_refusals(self) -> list[dict[str, Any]]:
        return await events.refusals()
