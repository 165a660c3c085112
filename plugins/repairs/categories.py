"""Repair categories and their defaults: the skill needed, priority, SLA and service tier."""

from __future__ import annotations

from typing import Any

from core.api import InvalidInput, NotFound

PRIORITIES = ("normal", "urgent", "emergency")
TIERS = ("free", "low_cost", "paid")

# code: (中文, English, skill, priority, fixed within hours, tier)
DEFAULT_CATEGORIES: dict[str, tuple[str, str, str, str, int, str]] = {
    "water_pipe": ("水管", "Water pipe", "plumber", "urgent", 24, "low_cost"),
    "drain": ("下水道/排污", "Drain / sewage", "plumber", "urgent", 24, "low_cost"),
    "electricity": ("电路", "Electricity", "electrician", "urgent", 24, "low_cost"),
    "stair_lights": ("楼道灯", "Stair lights", "electrician", "normal", 2, "free"),
    "fire_equipment": ("消防设施", "Fire equipment", "handyman", "urgent", 24, "free"),
    "door_access": ("门禁", "Door access", "locksmith", "normal", 24, "free"),
    "exterior_wall": ("外墙", "Exterior wall", "bricklayer", "urgent", 72, "paid"),
    "lift": ("电梯", "Lift", "lift_mechanic", "emergency", 4, "free"),
    "other": ("其他", "Other", "handyman", "normal", 72, "low_cost"),
}


async def seed_defaults() -> int:
    """Insert the default categories a community does not have yet (idempotent)."""
    from plugins.repairs.tables import Category

    have = {r["code"] for r in await Category.select(Category.code).run()}
    new = [
        Category(code=code, label_zh=zh, label_en=en, skill=skill, priority=prio, sla_hours=hours, tier=tier)
        for code, (zh, en, skill, prio, hours, tier) in DEFAULT_CATEGORIES.items()
        if code not in have
    ]
    if new:
        await Category.insert(*new).run()
    return len(new)


async def list_categories() -> list[dict[str, Any]]:
    from plugins.repairs.tables import Category

    return await Category.select().where(Category.active.eq(True)).order_by(Category.id).run()


async def get_category(code: str) -> dict[str, Any]:
    """An active category, or a 400 naming the field and listing the known ones."""
    from plugins.repairs.tables import Category

    row = await Category.select().where((Category.code == code) & Category.active.eq(True)).first().run()
    if row is None:
        raise InvalidInput("choose one of the kinds of repair", field="category")
    return row


async def update_category(code: str, changes: dict[str, Any]) -> dict[str, Any]:
    from plugins.repairs.tables import Category
    from plugins.repairs.team import SKILLS

    # The category named in the path: missing is 404 here (in a report's body it is a 400).
    if not await Category.exists().where((Category.code == code) & Category.active.eq(True)).run():
        raise NotFound(f"no such category {code!r}")
    if "skill" in changes and changes["skill"] not in SKILLS:
        raise InvalidInput(f"unknown skill; one of {', '.join(SKILLS)}", field="skill")
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        raise InvalidInput(f"must be one of {', '.join(PRIORITIES)}", field="priority")
    if "tier" in changes and changes["tier"] not in TIERS:
        raise InvalidInput(f"must be one of {', '.join(TIERS)}", field="tier")
    if "sla_hours" in changes and not 1 <= changes["sla_hours"] <= 24 * 30:
        raise InvalidInput("must be from 1 to 720 hours", field="sla_hours")
    if changes:
        await (
            Category.update({getattr(Category, k): v for k, v in changes.items()})
            .where(Category.code == code)
            .run()
        )
    return await get_category(code)
