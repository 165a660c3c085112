"""The kitchen's menus: the dishes it cooks (with allergens and the textures it can make), the
week's menu — choose each meal's dishes, change a meal's capacity — publishing it, and who must
not have which dish of the week, known before the week starts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get

from core.api import Done, Form, InvalidInput, Refusal, form_post, render_page, requires
from plugins.canteen import menus, orders, scope, vocabulary
from plugins.canteen.clock import today
from plugins.canteen.pages.common import base, context, listed


def _week(request: Request) -> dt.date:
    raw = request.query_params.get("week") or ""
    try:
        return menus.monday_of(dt.date.fromisoformat(raw)) if raw else menus.monday_of(today())
    except ValueError:
        return menus.monday_of(today())


async def draw(
    request: Request,
    *,
    week: dt.date | None = None,
    form: Any = None,
    refusal: Refusal | None = None,
    **_: Any,
) -> Response:
    week = week or _week(request)
    row = await menus.menu_of_week(week)
    menu = await menus.week(row["id"]) if row else None
    if menu:
        for s in menu["services"]:
            s["taken"] = await orders.taken(s["id"])
    return await render_page(
        request,
        "canteen/menus.html",
        status=refusal.status if refusal else 200,
        **context(
            week=week,
            previous=week - dt.timedelta(days=7),
            following=week + dt.timedelta(days=7),
            menu=menu,
            flags=await menus.flags(menu["id"]) if menu else [],
            dishes=await menus.dishes(),
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    week = None
    if isinstance(form, Form) and form.raw("week"):
        try:
            week = menus.monday_of(dt.date.fromisoformat(form.raw("week")))
        except ValueError:
            week = None
    return await draw(request, week=week, form=form, refusal=refusal)


@get("/menus", guards=[requires("canteen.kitchen")])
async def menus_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class WeekForm(Form):
    week: str = ""


@form_post("/menus", WeekForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def create_form(request: Request, form: WeekForm) -> Done:
    week = form.date("week")
    await menus.create_week(week)
    return Done(
        f"{base()}/menus?week={week.isoformat()}",
        flash=("已建立本周菜单，请为每一餐选菜。", "Menu made; choose each meal's dishes."),
    )


@dataclass
class DishesForm(Form):
    week: str = ""
    service_id: str = ""
    dish_ids: str = ""
    capacity: str = ""


@form_post("/menus/meal", DishesForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def meal_form(request: Request, form: DishesForm) -> Done:
    service_id = form.integer("service_id", minimum=1)
    ids = [int(i) for i in form.raw("dish_ids").split(",") if i.isdigit()]
    service = await menus.get_service(service_id)
    capacity = form.optional_integer("capacity", minimum=0, maximum=10_000)
    if capacity is not None and capacity != service["capacity"]:
        await menus.change_service(service_id, capacity=capacity)
    await menus.set_dishes(service_id, ids)
    return Done(
        f"{base()}/menus?week={menus.monday_of(service['day']).isoformat()}",
        flash=("已保存这一餐。", "Meal saved."),
    )


@form_post("/menus/publish", WeekForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def publish_form(request: Request, form: WeekForm) -> Done:
    week = form.date("week")
    row = await menus.menu_of_week(week)
    if row is None:
        raise InvalidInput("this week has no menu yet", field="week")
    await menus.publish(row["id"], by_user_id=scope.caller_id(request))
    return Done(
        f"{base()}/menus?week={week.isoformat()}",
        flash=("菜单已发布，居民可以订餐了。", "Published; residents can order."),
    )


@dataclass
class DishForm(Form):
    week: str = ""
    name: str = ""
    kind: str = ""
    components: str = ""
    allergens: str = ""
    textures: str = ""


@form_post("/dishes", DishForm, redraw=redraw, guards=[requires("canteen.kitchen")])
async def dish_form(request: Request, form: DishForm) -> Done:
    await menus.add_dish(
        name=form.text("name", required=True, max_length=60),
        kind=form.choice("kind", vocabulary.DISH_KINDS),
        components=form.text("components", max_length=200),
        allergens=listed(form, "allergens", vocabulary.ALLERGENS),
        textures=listed(form, "textures", vocabulary.TEXTURES),
    )
    week = form.raw("week") or menus.monday_of(today()).isoformat()
    return Done(f"{base()}/menus?week={week}", flash=("已添加菜品。", "Dish added."))


HANDLERS = [menus_page, create_form, meal_form, publish_form, dish_form]
