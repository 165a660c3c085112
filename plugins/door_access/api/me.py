"""Residents' own access (``/me``): their grants and credentials, visitor passes, face consent."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from core.api import requires
from plugins.door_access import credentials, passes
from plugins.door_access.api.bodies import (
    FaceIn,
    PassIn,
)
from plugins.door_access.callers import SELF, access_of, actor, my_person


class MeController(Controller):
    path = "/"

    @get("/me", guards=[requires(SELF)])
    async def my_access(self, request: Request) -> dict[str, Any]:
        person_id = await my_person(request)
        return {**(await access_of(person_id)), "passes": await passes.list_passes(person_id)}

    @post("/me/passes", guards=[requires(SELF)])
    async def my_new_pass(self, request: Request, data: JSONBody[PassIn]) -> dict[str, Any]:
        person_id = await my_person(request)
        return await passes.issue(
            host_person_id=person_id,
            visitor_name=data.visitor_name,
            visitor_phone=data.visitor_phone,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            access_point_ids=data.access_point_ids,
            max_uses=data.max_uses,
            actor_id=actor(request),
        )

    @post("/me/passes/{pass_id:int}/revoke", guards=[requires(SELF)], status_code=200)
    async def my_revoke_pass(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.revoke(pass_id, await my_person(request))

    @post("/me/passes/{pass_id:int}/approve", guards=[requires(SELF)], status_code=200)
    async def my_approve(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.decide(pass_id, approve=True, host_person_id=await my_person(request))

    @post("/me/passes/{pass_id:int}/decline", guards=[requires(SELF)], status_code=200)
    async def my_decline(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.decide(pass_id, approve=False, host_person_id=await my_person(request))

    @post("/me/face", guards=[requires(SELF)])
    async def my_face(self, request: Request, data: JSONBody[FaceIn]) -> dict[str, Any]:
        person_id = await my_person(request)
        return await credentials.issue(
            person_id,
            kind="face",
            face_image_b64=data.face_image_b64,
            face_consent=data.face_consent,
            consent_text=data.consent_text,
            actor_id=actor(request),
        )

    @post("/me/face/withdraw", guards=[requires(SELF)], status_code=200)
    async def my_face_withdraw(self, request: Request) -> dict[str, Any]:
        return await credentials.withdraw_face_consent(await my_person(request))
