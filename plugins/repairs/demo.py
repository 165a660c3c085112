"""Demo data: a community repair team as Hongguang's (seed 003) — forty volunteers with their
skills and certificates, a month of repairs reported by residents (most fixed and signed off,
some still open past their time), and a shared-cost project on the exterior-wall safety net at
600 yuan a household."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from core.api import Conflict, InvalidInput, dwellings_of_building, list_buildings, residents_of_dwelling
from plugins.repairs import dispatch, intake, projects, team, work
from plugins.repairs.access import get_repair

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡"
SKILL_MIX = (
    "plumber",
    "electrician",
    "carpenter",
    "bricklayer",
    "painter",
    "handyman",
    "locksmith",
    "welder",
)
CATEGORY_FOR = {
    "water_pipe": "厨房水管漏水",
    "drain": "卫生间下水道堵了",
    "electricity": "家里插座没电",
    "stair_lights": "楼道灯不亮",
    "door_access": "单元门锁坏了",
    "other": "窗户关不严",
}


async def _households(limit: int) -> list[tuple[int, int]]:
    """(dwelling id, person id) of people of the register, a few per building."""
    out: list[tuple[int, int]] = []
    for building in await list_buildings():
        for flat in (await dwellings_of_building(building.id))[:3]:
            people = await residents_of_dwelling(flat.id)
            if people:
                out.append((flat.id, people[0].id))
        if len(out) >= limit:
            break
    return out[:limit]


async def load(logins: dict[str, int]) -> None:
    coordinator = logins.get("repair_coordinator")
    if coordinator is None:
        return
    rng = random.Random(3)
    members: dict[str, list[dict[str, Any]]] = {}
    for i in range(40):
        skill = SKILL_MIX[i % len(SKILL_MIX)]
        member = await team.create_member(
            name=f"{SURNAMES[i % len(SURNAMES)]}师傅{'' if i < len(SURNAMES) else i}",
            phone=f"139{i:08d}",
            party_member=i % 4 == 0,
        )
        needs_certificate = team.SKILLS[skill][2]
        await team.add_skill(
            member["id"],
            skill=skill,
            level=1 + i % 3,
            certificate_no=f"证{2024000 + i}" if needs_certificate else "",
            certificate_expires=dt.date.today() + dt.timedelta(days=365) if needs_certificate else None,
        )
        members.setdefault(skill, []).append(member)
    homes = await _households(36)
    now = dt.datetime.now(dt.UTC)
    for n, (dwelling_id, person_id) in enumerate(homes):
        category = list(CATEGORY_FOR)[n % len(CATEGORY_FOR)]
        try:
            created = await intake.report(
                category=category,
                location="dwelling",
                description=CATEGORY_FOR[category],
                caller_user_id=coordinator,
                on_behalf=True,
                dwelling_id=dwelling_id,
                requester_person_id=person_id,
                at=now - dt.timedelta(days=30 - n * 30 / max(len(homes), 1), hours=rng.randint(0, 8)),
            )
        except (InvalidInput, Conflict):
            continue
        if n % 3 == 2:
            continue  # still open: some of them past their time
        skill = created["skill"]
        crew = members.get(skill) or members.get("handyman") or []
        if not crew:
            continue
        try:
            await dispatch.assign(
                await get_repair(created["id"]), crew[n % len(crew)]["id"], by_user_id=coordinator
            )
            await work.record_work(
                await get_repair(created["id"]),
                member_id=crew[n % len(crew)]["id"],
                materials=[],
                minutes=30 + 15 * (n % 5),
                cost_yuan=None,
                note="已修好",
                by_user_id=coordinator,
            )
            await work.sign_off(
                await get_repair(created["id"]), paid_yuan=0.0, note="", by_user_id=coordinator
            )
            await work.give_feedback(
                await get_repair(created["id"]),
                outcome="fixed",
                speed_score=5 - n % 2,
                service_score=5,
                comment="师傅很耐心",
                by_user_id=coordinator,
            )
        except (InvalidInput, Conflict):
            continue  # a step the rules refuse for this one: it stays where it got to
    buildings = await list_buildings()
    if buildings:
        await projects.create_project(
            title="外墙安全网",
            building_id=buildings[0].id,
            per_household_yuan=600.0,
            description="高空坠物防护网，每户分摊 600 元，账目公开，多退少补。",
            representative_user_id=None,
            dwelling_ids=None,
            contacts={},
            by_user_id=coordinator,
        )
