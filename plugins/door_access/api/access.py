"""Access groups, grants, and one person's access: grants, credentials, sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from core.api import person_in_scope, requires
from plugins.door_access import credentials, grants
from plugins.door_access.api.bodies import (
    CredentialIn,
    GrantIn,
    GroupIn,
    RevokeIn,
)
from plugins.door_access.callers import MANAGE, VIEW, access_of, actor


class AccessController(Controller):
    path = "/"

    @get("/groups", guards=[requires(VIEW)])
    async def list_groups(self) -> list[dict[str, Any]]:
        return await grants.list_groups()

    @post("/groups", guards=[requires(MANAGE)])
    async def create_group(self, data: JSONBody[GroupIn]) -> dict[str, Any]:
        return await grants.create_group(
            name=data.name, hours=data.hours, access_point_ids=data.access_point_ids
        )

    @post("/grants", guards=[requires(MANAGE)])
    async def create_grant(self, request: Request, data: JSONBody[GrantIn]) -> dict[str, Any]:
        return await grants.create_manual_grant(
            person_id=data.person_id,
            group_id=data.group_id,
            valid_from=data.valid_from or dt.date.today(),
            valid_until=data.valid_until,
            note=data.note,
            actor_id=actor(request),
        )

    @post("/grants/{grant_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_grant(self, grant_id: FromPath[int], data: JSONBody[RevokeIn]) -> dict[str, Any]:
        return await grants.revoke_grant(grant_id, data.reason)

    @get("/persons/{person_id:int}/access", guards=[requires(VIEW)])
    async def person_access(self, request: Request, person_id: FromPath[int]) -> dict[str, Any]:
        await person_in_scope(request, person_id)  # a grid worker: only their grid's residents
        return await access_of(person_id)

    @post("/persons/{person_id:int}/credentials", guards=[requires(MANAGE)])
    async def issue_credential(
        self, request: Request, person_id: FromPath[int], data: JSONBody[CredentialIn]
    ) -> dict[str, Any]:
        return await credentials.issue(
            person_id,
            kind=data.kind,
            card_number=data.card_number,
            pin=data.pin,
            face_image_b64=data.face_image_b64,
            face_consent=data.face_consent,
            consent_text=data.consent_text,
            actor_id=actor(request),
        )

    @post("/credentials/{credential_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_credential(self, credential_id: FromPath[int]) -> dict[str, Any]:
        return await credentials.revoke(credential_id)

    @post("/persons/{person_id:int}/face/withdraw", guards=[requires(MANAGE)], status_code=200)
    async def withdraw_face(self, person_id: FromPath[int]) -> dict[str, Any]:
        return await credentials.withdraw_face_consent(person_id)
