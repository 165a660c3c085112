"""Subsidies and the month: the subsidy rules (who pays less, within what the street office
allows — its limits shown beside the form), retiring a rule, the monthly subsidy statement to
hand upward, and this month's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.api import Done, Form, Refusal, form_post, render_page, requires
from plugins.canteen import subsidies, vocabulary
from plugins.canteen.clock import today
from plugins.canteen.figures import canteen_figures
from plugins.canteen.pages.common import base, context
from plugins.canteen.settings import settings


async def draw(request: Request, *, form: Any = None, refusal: Refusal | None = None, **_: Any) -> Response:
    day = today()
    last_month = day.replace(day=1) - dt.timedelta(days=1)
    return await render_page(
        request,
        "canteen/setup.html",
        status=refusal.status if refusal else 200,
        **context(
            rules=await subsidies.rules(include_inactive=True),
            limits=subsidies.office_limits(),
            prices=settings().price_fen,
            meals=settings().meals,
            figures=await canteen_figures(day.replace(day=1), day),
            last_month=last_month,
            form=form.values() if isinstance(form, Form) else {},
            errors=refusal.errors if refusal else {},
        ),
    )


async def redraw(request: Request, form: Any, refusal: Refusal, **params: Any) -> Response:
    return await draw(request, form=form, refusal=refusal)


@get("/setup", guards=[requires("canteen.manage")])
async def setup_page(request: Request) -> Response:
    return await draw(request)


@dataclass
class RuleForm(Form):
    name: str = ""
    min_age: str = ""
    hardship: str = ""
    kind: str = "subsidy"
    amount: str = ""
    funder: str = "街道"


@form_post("/setup/rules", RuleForm, redraw=redraw, guards=[requires("canteen.manage")])
async def rule_form(request: Request, form: RuleForm) -> Done:
    kind = form.choice("kind", {"subsidy": "", "pays": ""})
    fen = round(form.decimal("amount", minimum=0, maximum=1000) * 100)
    await subsidies.add_rule(
        name=form.text("name", required=True, max_length=60),
        min_age=form.optional_integer("min_age", minimum=1, maximum=129),
        hardship=form.choice("hardship", vocabulary.HARDSHIPS, required=False),
        subsidy_fen=fen if kind == "subsidy" else None,
        pays_fen=fen if kind == "pays" else None,
        funder=form.text("funder", required=True, max_length=60),
    )
    return Done(f"{base()}/setup", flash=("已添加补贴档次。", "Subsidy rule added."))


@form_post("/setup/rules/{rule_id:int}/retire", None, redraw=redraw, guards=[requires("canteen.manage")])
async def retire_form(request: Request, form: None, rule_id: FromPath[int]) -> Done:
    await subsidies.retire_rule(rule_id)
    return Done(
        f"{base()}/setup", flash=("该档次已停用，已有订单不变。", "Rule retired; orders made keep it.")
    )


HANDLERS = [setup_page, rule_form, retire_form]
