"""Demo data: Wanquanjie's elderly canteen (shared/seeds/004) told through the plugin — lunch
Monday to Friday, two meat dishes, two vegetable dishes, a soup and rice; a queue from 11:00;
volunteers carrying meals to those who cannot come. This week's and next week's menus are out,
the oldest people of the register eat there on standing orders (the frailest delivered), the
subsidy tiers of age and 低保 apply, and one delivery route has the demo volunteer on it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, dwellings_of_building, list_buildings, residents_of_dwelling
from plugins.canteen import deliveries, diners, menus, orders, subsidies
from plugins.canteen.clock import today
from plugins.canteen.manifest import COOK, VOLUNTEER

DISHES: tuple[tuple[str, str, str, list[str]], ...] = (
    ("红烧肉", "meat", "猪五花肉、冰糖", []),
    ("番茄炒蛋", "meat", "番茄、鸡蛋", ["egg"]),
    ("清蒸鲈鱼", "meat", "鲈鱼、姜丝", ["fish"]),
    ("土豆烧鸡块", "meat", "鸡肉、土豆", []),
    ("清炒时蔬", "vegetable", "青菜", []),
    ("西芹百合", "vegetable", "芹菜、百合", []),
    ("醋溜白菜", "vegetable", "白菜", []),
    ("麻婆豆腐", "vegetable", "豆腐、肉末", ["soy"]),
    ("紫菜蛋花汤", "soup", "紫菜、鸡蛋", ["egg"]),
    ("冬瓜排骨汤", "soup", "冬瓜、排骨", []),
    ("米饭", "staple", "大米", []),
)
# Each weekday's two meat, two vegetable dishes and soup (by index into DISHES), and rice.
WEEK = ((0, 1, 4, 5, 8), (2, 3, 6, 7, 9), (0, 3, 4, 6, 8), (1, 2, 5, 7, 9), (3, 0, 6, 4, 8))


def _age(person: Any, on: dt.date) -> int | None:
    b = person.birth_date
    return None if b is None else on.year - b.year - ((on.month, on.day) < (b.month, b.day))


async def _elders(limit: int) -> list[Any]:
    """The oldest people of the register (or, with no birth dates, the first ones)."""
    people: list[Any] = []
    for building in await list_buildings():
        for flat in await dwellings_of_building(building.id):
            people += await residents_of_dwelling(flat.id)
    day = today()
    aged = sorted((p for p in people if (_age(p, day) or 0) >= 65), key=lambda p: p.birth_date)
    return (aged or people)[:limit]


async def _menu(week_start: dt.date, dish_ids: list[int], cook: int) -> None:
    if await menus.menu_of_week(week_start) is not None:
        return
    menu = await menus.create_week(week_start)
    rice = dish_ids[-1]
    for service in menu["services"]:
        chosen = [dish_ids[i] for i in WEEK[service["day"].weekday() % len(WEEK)]] + [rice]
        await menus.set_dishes(service["id"], chosen)
    if menu["services"]:
        await menus.publish(menu["id"], by_user_id=cook)


async def load(logins: dict[str, int]) -> None:
    cook = logins.get(COOK)
    volunteer = logins.get(VOLUNTEER)
    if cook is None:
        return
    dish_ids = [
        (await menus.add_dish(name=n, kind=k, components=c, allergens=a, textures=["soft", "minced"]))["id"]
        for n, k, c, a in DISHES
    ]
    await subsidies.add_rule(
        name="80岁以上老人", min_age=80, hardship="", subsidy_fen=500, pays_fen=None, funder="街道"
    )
    await subsidies.add_rule(
        name="低保老人", min_age=None, hardship="low_income", subsidy_fen=None, pays_fen=500, funder="民政"
    )
    await subsidies.add_rule(
        name="特困人员",
        min_age=None,
        hardship="extreme_poverty",
        subsidy_fen=None,
        pays_fen=300,
        funder="民政",
    )
    monday = menus.monday_of(today())
    await _menu(monday, dish_ids, cook)
    await _menu(monday + dt.timedelta(days=7), dish_ids, cook)
    route = await deliveries.add_route(
        name="送餐一线", meal="lunch", volunteer_user_id=volunteer, standin_user_id=None
    )
    for i, person in enumerate(await _elders(10)):
        delivered = i % 3 == 2  # the frailest third cannot come to the canteen
        try:
            diner = await diners.sign_up(
                person.id,
                by_user_id=cook,
                eats="delivered" if delivered else "dine_in",
                diets=["low_salt"] if i % 2 else [],
                texture="soft" if delivered else "normal",
                avoid=["芹菜"] if i == 1 else [],
                allergies=["egg"] if i == 4 else [],
            )
        except (InvalidInput, Conflict):
            continue  # no home in the register to deliver to, or already a diner
        await orders.set_standing(
            diner["id"],
            meal="lunch",
            weekdays=[0, 1, 2, 3, 4],
            portion="normal",
            how=diner["eats"],
            by_user_id=cook,
        )
        if delivered:
            await deliveries.add_stop(route["id"], diner["id"], note="敲门要大声，老人耳背" if i == 2 else "")
    await orders.generate_due(today())
