"""The volunteer team, the skills register (专业人才台账) and the on-call rota."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from core.api import requires
from plugins.repairs import team
from plugins.repairs.api.bodies import MemberIn, MemberPatch, ShiftIn, SkillIn


class TeamController(Controller):
    path = "/team"

    @get("/", guards=[requires("repairs.team")])
    async def roster(self) -> list[dict[str, Any]]:
        return await team.roster()

    @get("/skills", guards=[requires("repairs.view")])
    async def skills(self) -> list[dict[str, Any]]:
        return [
            {"skill": k, "label_zh": zh, "label_en": en, "needs_certificate": cert}
            for k, (zh, en, cert) in team.SKILLS.items()
        ]

    @get("/rota", guards=[requires("repairs.team")])
    async def rota(
        self, start: FromQuery[dt.datetime | None] = None, days: Annotated[int, Parameter(ge=1, le=366)] = 7
    ) -> list[dict[str, Any]]:
        """On-call shifts overlapping ``start`` (default now) and the following ``days``."""
        return await team.shifts(start or dt.datetime.now(dt.UTC), days)

    @post("/", guards=[requires("repairs.team")])
    async def add_member(self, data: JSONBody[MemberIn]) -> dict[str, Any]:
        return await team.create_member(
            name=data.name,
            phone=data.phone,
            user_id=data.user_id,
            person_id=data.person_id,
            party_member=data.party_member,
            grid_ids=data.grid_ids,
            notes=data.notes,
        )

    @get("/{member_id:int}", guards=[requires("repairs.team")])
    async def member(self, member_id: FromPath[int]) -> dict[str, Any]:
        member = await team.get_member(member_id)
        return {
            **member,
            "skills": await team.skills_of(member_id),
            "service": await team.service_record(member_id),
        }

    @patch("/{member_id:int}", guards=[requires("repairs.team")])
    async def change_member(self, member_id: FromPath[int], data: JSONBody[MemberPatch]) -> dict[str, Any]:
        changes = {k: getattr(data, k) for k in data.__struct_fields__ if getattr(data, k) is not None}
        return await team.update_member(member_id, changes)

    @post("/{member_id:int}/skills", guards=[requires("repairs.team")], status_code=200)
    async def skill(self, member_id: FromPath[int], data: JSONBody[SkillIn]) -> dict[str, Any]:
        return await team.add_skill(
            member_id,
            skill=data.skill,
            level=data.level,
            certificate_no=data.certificate_no,
            certificate_expires=data.certificate_expires,
        )

    @post("/{member_id:int}/rota", guards=[requires("repairs.team")])
    async def shift(self, member_id: FromPath[int], data: JSONBody[ShiftIn]) -> dict[str, Any]:
        return await team.add_shift(member_id, kind=data.kind, starts_at=data.starts_at, ends_at=data.ends_at)

    @get("/{member_id:int}/service", guards=[requires("repairs.team")])
    async def service(self, member_id: FromPath[int]) -> dict[str, Any]:
        return await team.service_record(member_id)
