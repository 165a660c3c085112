"""Staff: the volunteer team and its skills register (certificates with their expiry)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import Done, Form, Refusal, form_post, render_page, requires
from plugins.repairs import team
from plugins.repairs.pages.common import base


async def draw(request: Request, *, refusal: Refusal | None = None) -> Response:
    return await render_page(
        request,
        "repairs/team.html",
        status=refusal.status if refusal else 200,
        members=await team.roster(),
        skills=team.SKILLS,
        today=dt.date.today(),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: Any, refusal: Refusal) -> Response:
    return await draw(request, refusal=refusal)


@get("/team", guards=[requires("repairs.team")])
async def team_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class MemberForm(Form):
    name: str = ""
    phone: str = ""


@form_post("/team", MemberForm, redraw=redraw, guards=[requires("repairs.team")])
async def add_member_form(request: Request, form: MemberForm) -> Done:
    await team.create_member(name=form.name, phone=form.phone)
    return Done(f"{base()}/team", flash=("已加入维修队。", "Added to the team."))


@dataclass
class SkillForm(Form):
    member: str = ""
    skill: str = ""
    level: str = "1"
    certificate_no: str = ""
    certificate_expires: str = ""


@form_post("/team/skills", SkillForm, redraw=redraw, guards=[requires("repairs.team")])
async def add_skill_form(request: Request, form: SkillForm) -> Done:
    await team.add_skill(
        form.integer("member"),
        skill=form.skill,
        level=form.integer("level"),
        certificate_no=form.certificate_no,
        certificate_expires=form.optional_date("certificate_expires"),
    )
    return Done(f"{base()}/team", flash=("已登记技能。", "Skill recorded."))


HANDLERS = [team_page, add_member_form, add_skill_form]
