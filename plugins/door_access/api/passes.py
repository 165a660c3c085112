"""Visitor passes and gate requests, as staff issue them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from core.api import people_in_scope, requires
from plugins.door_access import passes
from plugins.door_access.api.bodies import (
    GateRequestIn,
    StaffPassIn,
)
from plugins.door_access.callers import MANAGE, VIEW, actor


class PassesController(Controller):
    path = "/"

    @get("/passes", guards=[requires(VIEW)])
    async def list_passes(self, request: Request) -> list[dict[str, Any]]:
        return await passes.list_passes(people=await people_in_scope(request))

    @post("/passes", guards=[requires(MANAGE)])
    async def issue_pass(self, request: Request, data: JSONBody[StaffPassIn]) -> dict[str, Any]:
        return await passes.issue(
            host_person_id=data.host_person_id,
            visitor_name=data.visitor_name,
            visitor_phone=data.visitor_phone,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            access_point_ids=data.access_point_ids,
            max_uses=data.max_uses,
            actor_id=actor(request),
        )

    @post("/passes/{pass_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_pass(self, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.revoke(pass_id)

    @post("/gate-requests", guards=[requires(MANAGE)])
    async def gate_request(self, request: Request, data: JSONBody[GateRequestIn]) -> dict[str, Any]:
        return await passes.request_at_gate(
            host_person_id=data.host_person_id,
            visitor_name=data.visitor_name,
            access_point_id=data.access_point_id,
            actor_id=actor(request),
        )
