"""Diners: the list (searchable by name or address), signing someone up on their behalf — a
grid worker for people of their grids, staff and the kitchen for anyone — and one diner's page:
how they eat, what they must not have, their emergency contact, their standing order, a pause,
a stop, and their meals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, Refusal, form_post, holds, render_page, requires
from plugins.canteen import counter, diners, orders, scope, vocabulary
from plugins.canteen.clock import today
from plugins.canteen.pages.common import base, building_options, context, listed, person_from, words
from plugins.canteen.settings import settings


async def draw_list(
    request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any
) -> Response:
    q = (request.query_params.get("q") or "").strip()[:60]
    visible = await scope.visible_person_ids(request)
    rows = [r for r in await diners.list_diners(query=q) if visible is None or r["person_id"] in visible]
    return await render_page(
        request,
        "canteen/diners.html",
        status=refusal.status if refusal else 200,
        **context(
            rows=rows,
            q=q,
            may_enrol=holds(request, "canteen.enrol"),
            buildings=await building_options(),
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw_list(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw_list(request, form=form, refusal=refusal)


@get("/diners", guards=[requires("canteen.view")])
async def diners_page(request: Request) -> Response:
    return await draw_list(request)


@dataclass
class SignUpForm(Form):
    person_name: str = ""
    person_building: str = ""
    person_number: str = ""
    eats: str = "dine_in"
    texture: str = "normal"
    diets: str = ""
    allergies: str = ""
    avoid: str = ""
    emergency_name: str = ""
    emergency_phone: str = ""


@form_post("/diners", SignUpForm, redraw=redraw_list, guards=[requires("canteen.enrol")])
async def sign_up_form(request: Request, form: SignUpForm) -> Done:
    person_id = await person_from(form)
    await scope.may_enrol(request, person_id)
    diner = await diners.sign_up(
        person_id,
        by_user_id=scope.caller_id(request),
        eats=form.choice("eats", vocabulary.EATS),
        texture=form.choice("texture", vocabulary.TEXTURES),
        diets=listed(form, "diets", vocabulary.DIETS),
        allergies=listed(form, "allergies", vocabulary.ALLERGENS),
        avoid=words(form, "avoid"),
        emergency_name=form.text("emergency_name", max_length=60),
        emergency_phone=form.text("emergency_phone", max_length=20),
    )
    return Done(f"{base()}/diners/{diner['id']}", flash=("已登记为助餐对象。", "Signed up."))


async def draw_one(
    request: Request, diner_id: int, *, form: Any = None, refusal: Refusal | None = None, **_: Any
) -> Response:
    diner = await scope.diner_for(request, diner_id)
    start = today()
    return await render_page(
        request,
        "canteen/diner.html",
        status=refusal.status if refusal else 200,
        **context(
            d=diner,
            standing={s["meal"]: s for s in await orders.standing_orders_of(diner_id)},
            meals=settings().meals,
            weekdays=settings().weekdays,
            history=await counter.orders_of_diner(
                diner_id, start=start - dt.timedelta(days=31), end=start + dt.timedelta(days=14)
            ),
            may_enrol=holds(request, "canteen.enrol"),
            may_order=holds(request, "canteen.order"),
            may_take_payment=holds(request, "canteen.kitchen"),
            this_month=start.strftime("%Y-%m"),
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw_one(request: Request, form: Any, refusal: Refusal, diner_id: int, **params: Any) -> Response:
    return await draw_one(request, diner_id, form=form, refusal=refusal)


@get("/diners/{diner_id:int}", guards=[requires("canteen.view")])
async def diner_page(request: Request, diner_id: FromPath[int]) -> Response:
    return await draw_one(request, diner_id)


@dataclass
class ProfileForm(Form):
    eats: str = ""
    texture: str = ""
    diets: str = ""
    allergies: str = ""
    avoid: str = ""
    emergency_name: str = ""
    emergency_phone: str = ""


@form_post(
    "/diners/{diner_id:int}/profile", ProfileForm, redraw=redraw_one, guards=[requires("canteen.enrol")]
)
async def profile_form(request: Request, form: ProfileForm, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    await diners.update_profile(
        diner_id,
        eats=form.choice("eats", vocabulary.EATS),
        texture=form.choice("texture", vocabulary.TEXTURES),
        diets=listed(form, "diets", vocabulary.DIETS),
        allergies=listed(form, "allergies", vocabulary.ALLERGENS),
        avoid=words(form, "avoid"),
        emergency_name=form.text("emergency_name", max_length=60),
        emergency_phone=form.text("emergency_phone", max_length=20),
    )
    return Done(f"{base()}/diners/{diner_id}", flash=("已保存。", "Saved."))


@dataclass
class StandingForm(Form):
    meal: str = "lunch"
    weekdays: str = ""
    portion: str = "normal"
    how: str = "dine_in"


@form_post(
    "/diners/{diner_id:int}/standing", StandingForm, redraw=redraw_one, guards=[requires("canteen.order")]
)
async def standing_form(request: Request, form: StandingForm, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    days = [int(d) for d in form.raw("weekdays").split(",") if d.isdigit()]
    await orders.set_standing(
        diner_id,
        meal=form.choice("meal", vocabulary.MEALS),
        weekdays=days,
        portion=form.choice("portion", vocabulary.PORTIONS),
        how=form.choice("how", vocabulary.HOW),
        by_user_id=scope.caller_id(request),
    )
    flash = ("常订已保存。", "Standing order saved.") if days else ("常订已取消。", "Standing order ended.")
    return Done(f"{base()}/diners/{diner_id}", flash=flash)


@dataclass
class PauseForm(Form):
    start: str = ""
    end: str = ""
    reason: str = ""


@form_post("/diners/{diner_id:int}/pause", PauseForm, redraw=redraw_one, guards=[requires("canteen.order")])
async def pause_form(request: Request, form: PauseForm, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    await diners.pause(
        diner_id,
        start=form.date("start"),
        end=form.date("end"),
        reason=form.choice("reason", vocabulary.PAUSE_REASONS),
    )
    return Done(f"{base()}/diners/{diner_id}", flash=("已暂停用餐，到期自动恢复。", "Paused."))


@form_post("/diners/{diner_id:int}/resume", None, redraw=redraw_one, guards=[requires("canteen.order")])
async def resume_form(request: Request, form: None, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    await diners.resume(diner_id)
    return Done(f"{base()}/diners/{diner_id}", flash=("已恢复用餐。", "Meals resumed."))


@dataclass
class StopForm(Form):
    reason: str = ""
    deceased: str = ""


@form_post("/diners/{diner_id:int}/stop", StopForm, redraw=redraw_one, guards=[requires("canteen.enrol")])
async def stop_form(request: Request, form: StopForm, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    await diners.stop(
        diner_id, reason=form.text("reason", required=True, max_length=200), deceased=form.checked("deceased")
    )
    return Done(
        f"{base()}/diners/{diner_id}",
        flash=("已停止用餐，之后的订餐已取消。", "Stopped; meals to come are cancelled."),
    )


@form_post("/diners/{diner_id:int}/restart", None, redraw=redraw_one, guards=[requires("canteen.enrol")])
async def restart_form(request: Request, form: None, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    await diners.restart(diner_id)
    return Done(f"{base()}/diners/{diner_id}", flash=("已重新登记。", "Signed up again."))


@dataclass
class MonthForm(Form):
    month: str = ""


@form_post(
    "/diners/{diner_id:int}/pay-month", MonthForm, redraw=redraw_one, guards=[requires("canteen.kitchen")]
)
async def pay_month_form(request: Request, form: MonthForm, diner_id: int) -> Done:
    await scope.diner_for(request, diner_id)
    month = (
        dt.date.fromisoformat(form.raw("month") + "-01")
        if len(form.raw("month")) == 7
        else form.date("month")
    )
    paid = await counter.pay_month(diner_id, month)
    yuan = f"{paid['paid_fen'] // 100}.{paid['paid_fen'] % 100:02d}"
    return Done(
        f"{base()}/diners/{diner_id}",
        flash=(f"已结清 {paid['meals']} 餐，共 ¥{yuan}。", f"{paid['meals']} meals paid, ¥{yuan}."),
    )


HANDLERS = [
    pay_month_form,
    diners_page,
    sign_up_form,
    diner_page,
    profile_form,
    standing_form,
    pause_form,
    resume_form,
    stop_form,
    restart_form,
]
