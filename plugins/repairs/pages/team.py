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
        shift_kinds=SHIFT_LABELS,
        logins=await _logins([m["user_id"] for m in await team.roster() if m.get("user_id")]),
        today=dt.date.today(),
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **_: Any) -> Response:
    return await draw(request, refusal=refusal)


@get("/team", guards=[requires("repairs.team")])
async def team_page(request: Request) -> Response:
    return await draw(request)


SHIFT_LABELS = {
    "day": ("白班", "Day"),
    "night": ("夜班", "Night"),
    "weekend": ("周末", "Weekend"),
    "holiday": ("节假日", "Holiday"),
}
CST = dt.timezone(dt.timedelta(hours=8))


async def _logins(user_ids: list[int]) -> dict[int, str]:
    """The user names of the members' logins, for the page (staff know them by name, not by id)."""
    from core.api import member_names

    return {uid: names["username"] for uid, names in (await member_names(user_ids)).items()}


async def _login_of(form: Form, field: str = "username") -> int | None:
    from core.api import InvalidInput, member_by_username

    name = form.text(field, max_length=60)
    if not name:
        return None
    user_id = await member_by_username(name)
    if user_id is None:
        raise InvalidInput("no member of the community has this user name", field=field)
    return user_id


@dataclass
class MemberForm(Form):
    name: str = ""
    phone: str = ""
    username: str = ""


@form_post("/team", MemberForm, redraw=redraw, guards=[requires("repairs.team")])
async def add_member_form(request: Request, form: MemberForm) -> Done:
    await team.create_member(name=form.name, phone=form.phone, user_id=await _login_of(form))
    return Done(f"{base()}/team", flash=("已加入维修队。", "Added to the team."))


@dataclass
class EditForm(Form):
    phone: str = ""
    username: str = ""
    available: str = ""
    active: str = ""


@form_post("/team/{member_id:int}", EditForm, redraw=redraw, guards=[requires("repairs.team")])
async def edit_member_form(request: Request, form: EditForm, member_id: int) -> Done:
    """Phone, the volunteer's login (by user name), available or not, still on the team or left."""
    changes: dict[str, Any] = {
        "phone": form.text("phone", max_length=20),
        "available": form.checked("available"),
        "active": form.checked("active"),
    }
    from core.api import Conflict, InvalidInput

    try:
        if form.raw("username"):
            changes["user_id"] = await _login_of(form)
        await team.update_member(member_id, changes)
    except InvalidInput as exc:  # shown above the table: every member's row has these fields
        raise InvalidInput(str(exc)) from None
    except Conflict as exc:
        raise Conflict(str(exc)) from None
    return Done(f"{base()}/team", flash=("已保存。", "Saved."))


@dataclass
class ShiftForm(Form):
    member: str = ""
    kind: str = "day"
    day: str = ""
    start: str = "08:00"
    hours: str = "12"


@form_post("/team/shifts", ShiftForm, redraw=redraw, guards=[requires("repairs.team")])
async def add_shift_form(request: Request, form: ShiftForm) -> Done:
    """A rota shift: who is on call, from a day and time (China Standard Time) for some hours."""
    from core.api import InvalidInput

    raw = form.text("start", required=True, max_length=5).replace("：", ":")
    try:
        hour, minute = (int(x) for x in raw.split(":"))
        starts = dt.datetime.combine(form.date("day"), dt.time(hour, minute), tzinfo=CST)
    except ValueError:
        raise InvalidInput("a time like 08:00", field="start") from None
    hours = form.integer("hours", minimum=1, maximum=96)
    await team.add_shift(
        form.integer("member", minimum=1),
        kind=form.choice("kind", SHIFT_LABELS),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
    )
    return Done(f"{base()}/team", flash=("已排班。", "Shift added."))


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


HANDLERS = [team_page, add_member_form, add_shift_form, add_skill_form, edit_member_form]
