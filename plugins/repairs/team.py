"""The volunteer repair team: members, their skills (with certificates), the on-call rota."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, get_person, is_member
from plugins.repairs.times import aware

# skill: (中文, English, needs a certificate to be assigned)
SKILLS: dict[str, tuple[str, str, bool]] = {
    "bricklayer": ("砖工", "Bricklayer", False),
    "carpenter": ("木工", "Carpenter", False),
    "painter": ("漆工", "Painter", False),
    "plumber": ("水工", "Plumber", False),
    "electrician": ("电工", "Electrician", True),
    "welder": ("焊工", "Welder", True),
    "stonemason": ("石匠", "Stonemason", False),
    "handyman": ("勤杂工", "Handyman", False),
    "locksmith": ("锁匠", "Locksmith", False),
    "lift_mechanic": ("电梯维修工", "Lift mechanic", True),
    "mover": ("搬运", "Mover", False),
}
LEVELS = (1, 2, 3)  # 初级 / 中级 / 高级
SHIFT_KINDS = ("night", "weekend", "holiday", "day")
OPEN_STATES = ("reported", "accepted", "assigned", "in_progress", "reopened")


def grids_of(member: dict[str, Any]) -> list[int]:
    raw = member.get("grid_ids")
    value = json.loads(raw) if isinstance(raw, str) else raw
    return [int(g) for g in value or []]


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise InvalidInput("must be 1-60 characters", field="name")
    return name


async def get_member(member_id: int) -> dict[str, Any]:
    from plugins.repairs.tables import Member

    row = await Member.select().where(Member.id == member_id).first().run()
    if row is None:
        raise NotFound("no such team member")
    row["grid_ids"] = grids_of(row)
    return row


async def member_of_user(user_id: int) -> dict[str, Any] | None:
    from plugins.repairs.tables import Member

    row = await Member.select().where((Member.user_id == user_id) & Member.active.eq(True)).first().run()
    if row is not None:
        row["grid_ids"] = grids_of(row)
    return row


async def create_member(
    *,
    name: str,
    phone: str = "",
    user_id: int | None = None,
    person_id: int | None = None,
    party_member: bool = False,
    grid_ids: list[int] | None = None,
    notes: str = "",
) -> dict[str, Any]:
    from plugins.repairs.tables import Member

    name = _check_name(name)
    phone = (phone or "").strip()
    if phone and not (phone.isdigit() and 5 <= len(phone) <= 20):
        raise InvalidInput("digits only, 5-20 of them", field="phone")
    if user_id is not None:
        if not await is_member(user_id):
            raise InvalidInput("this user has no role in the community", field="user_id")
        if await Member.exists().where(Member.user_id == user_id).run():
            raise Conflict("this user is already on the team")
    if person_id is not None:
        try:
            await get_person(person_id)
        except NotFound:
            raise InvalidInput("no such person in the register", field="person_id") from None
    member = Member(
        name=name,
        phone=phone,
        user_id=user_id,
        person_id=person_id,
        party_member=party_member,
        grid_ids=json.dumps(sorted(set(grid_ids or []))),
        joined_on=dt.date.today(),
        notes=notes,
    )
    await member.save().run()
    return await get_member(member.id)


async def update_member(member_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    from plugins.repairs.tables import Member

    await get_member(member_id)
    values: dict[Any, Any] = {}
    for key in ("available", "active", "party_member", "notes"):
        if key in changes:
            values[getattr(Member, key)] = changes[key]
    if "phone" in changes:
        values[Member.phone] = changes["phone"] or ""
    if "grid_ids" in changes:
        values[Member.grid_ids] = json.dumps(sorted(set(changes["grid_ids"] or [])))
    if "user_id" in changes:  # link (or unlink, None) the volunteer's login
        user_id = changes["user_id"]
        if user_id is not None:
            if not await is_member(user_id):
                raise InvalidInput("this user has no role in the community", field="user_id")
            if await Member.exists().where((Member.user_id == user_id) & (Member.id != member_id)).run():
                raise Conflict("this user is already on the team", field="user_id")
        values[Member.user_id] = user_id
    if values:
        await Member.update(values).where(Member.id == member_id).run()
    return await get_member(member_id)


async def add_skill(
    member_id: int,
    *,
    skill: str,
    level: int = 1,
    certificate_no: str = "",
    certificate_expires: dt.date | None = None,
) -> dict[str, Any]:
    from plugins.repairs.tables import MemberSkill

    await get_member(member_id)
    if skill not in SKILLS:
        raise InvalidInput(f"unknown skill; one of {', '.join(SKILLS)}", field="skill")
    if level not in LEVELS:
        raise InvalidInput("must be 1 (初级), 2 (中级) or 3 (高级)", field="level")
    certificate_no = (certificate_no or "").strip()
    if SKILLS[skill][2] and not (certificate_no and certificate_expires):
        raise InvalidInput(
            f"{skill} needs a certificate number and its expiry date",
            field="certificate_no" if not certificate_no else "certificate_expires",
        )
    where = (MemberSkill.member == member_id) & (MemberSkill.skill == skill)
    values = {
        MemberSkill.level: level,
        MemberSkill.certificate_no: certificate_no,
        MemberSkill.certificate_expires: certificate_expires,
    }
    if await MemberSkill.exists().where(where).run():
        await MemberSkill.update(values).where(where).run()
    else:
        await MemberSkill.insert(
            MemberSkill(
                member=member_id,
                skill=skill,
                level=level,
                certificate_no=certificate_no,
                certificate_expires=certificate_expires,
            )
        ).run()
    row = await MemberSkill.select().where(where).first().run()
    assert row is not None
    return row


async def skills_of(member_id: int) -> list[dict[str, Any]]:
    from plugins.repairs.tables import MemberSkill

    return await MemberSkill.select().where(MemberSkill.member == member_id).order_by(MemberSkill.id).run()


def skill_problem(skills: list[dict[str, Any]], skill: str, on: dt.date) -> str | None:
    """Why a member with ``skills`` may not be given a ``skill`` job on ``on`` (None: they may)."""
    row = next((s for s in skills if s["skill"] == skill), None)
    if row is None:
        return f"has no {skill} skill in the register"
    if SKILLS.get(skill, ("", "", False))[2]:
        expires = row["certificate_expires"]
        if not row["certificate_no"] or expires is None:
            return f"has no {skill} certificate on record"
        if expires < on:
            return f"their {skill} certificate expired on {expires.isoformat()}"
    return None


async def add_shift(
    member_id: int, *, kind: str, starts_at: dt.datetime, ends_at: dt.datetime
) -> dict[str, Any]:
    from plugins.repairs.tables import RotaShift

    await get_member(member_id)
    if kind not in SHIFT_KINDS:
        raise InvalidInput(f"must be one of {', '.join(SHIFT_KINDS)}", field="kind")
    starts_at, ends_at = aware(starts_at, "starts_at"), aware(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise InvalidInput("must be after starts_at", field="ends_at")
    if ends_at - starts_at > dt.timedelta(days=4):
        raise InvalidInput("a shift lasts at most four days", field="ends_at")
    shift = RotaShift(member=member_id, kind=kind, starts_at=starts_at, ends_at=ends_at)
    await shift.save().run()
    return shift.to_dict()


async def shifts(start: dt.datetime, days: int) -> list[dict[str, Any]]:
    """Shifts overlapping ``days`` days from ``start``, with the member's name, in time order."""
    from plugins.repairs.tables import RotaShift

    if not 1 <= days <= 62:
        raise InvalidInput("must be from 1 to 62", field="days")
    start = aware(start, "start")
    end = start + dt.timedelta(days=days)
    return (
        await RotaShift.select(*RotaShift.all_columns(), RotaShift.member.name.as_alias("name"))
        .where((RotaShift.starts_at < end) & (RotaShift.ends_at > start))
        .order_by(RotaShift.starts_at)
        .run()
    )


async def on_call(at: dt.datetime) -> set[int]:
    """Ids of members on an on-call shift at ``at``."""
    from plugins.repairs.tables import RotaShift

    rows = (
        await RotaShift.select(RotaShift.member)
        .where((RotaShift.starts_at <= at) & (RotaShift.ends_at > at))
        .run()
    )
    return {r["member"] for r in rows}


async def open_load() -> dict[int, int]:
    """Open jobs per member."""
    from plugins.repairs.tables import Repair

    rows = (
        await Repair.select(Repair.assignee_member_id)
        .where(Repair.assignee_member_id.is_not_null() & Repair.state.is_in(list(OPEN_STATES)))
        .run()
    )
    load: dict[int, int] = {}
    for r in rows:
        load[r["assignee_member_id"]] = load.get(r["assignee_member_id"], 0) + 1
    return load


async def roster() -> list[dict[str, Any]]:
    """The whole team with skills, open jobs and hours, for the coordinator."""
    from plugins.repairs.tables import Member, MemberSkill, ServiceLog

    members = await Member.select().order_by(Member.id).run()
    skills = await MemberSkill.select().run()
    logs = await ServiceLog.select(ServiceLog.member, ServiceLog.minutes, ServiceLog.points).run()
    load = await open_load()
    for m in members:
        m["grid_ids"] = grids_of(m)
        m["skills"] = [s for s in skills if s["member"] == m["id"]]
        m["open_jobs"] = load.get(m["id"], 0)
        m["minutes"] = sum(x["minutes"] for x in logs if x["member"] == m["id"])
        m["points"] = sum(x["points"] for x in logs if x["member"] == m["id"])
    return members


async def service_record(member_id: int) -> dict[str, Any]:
    from plugins.repairs.tables import ServiceLog

    await get_member(member_id)
    rows = await ServiceLog.select().where(ServiceLog.member == member_id).order_by(ServiceLog.id).run()
    return {
        "member_id": member_id,
        "hours": round(sum(r["minutes"] for r in rows) / 60, 2),
        "points": sum(r["points"] for r in rows),
        "entries": rows,
    }
