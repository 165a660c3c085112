"""The monthly subsidy statement (助餐补贴结算表) for the street office: per funder, one sheet
of every subsidised meal (day, meal, diner, tier, price, subsidy, paid), the totals first.
Numbers are numbers (fen shown as yuan with two decimals), headers in Chinese, and every text
cell that could start a formula is written as text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from plugins.canteen.figures import EATEN

HEADERS = ("日期", "餐次", "姓名", "住址", "补贴档次", "餐价（元）", "补贴（元）", "自付（元）", "取餐方式")
MEAL_ZH = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}
HOW_ZH = {"dine_in": "堂食", "pick_up": "自取", "delivered": "送餐"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """A text cell never starts a formula (a diner named "=HYPERLINK(…)" stays a name)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    return start, (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


async def subsidised(month: dt.date) -> list[dict[str, Any]]:
    from plugins.canteen.tables import Order

    start, end = month_bounds(month)
    rows = (
        await Order.select(
            Order.subsidy_fen,
            Order.price_fen,
            Order.payable_fen,
            Order.rule_name,
            Order.funder,
            Order.how,
            Order.service.day,
            Order.service.meal,
            Order.diner.name,
            Order.diner.address,
        )
        .where(
            (Order.service.day >= start)
            & (Order.service.day <= end)
            & Order.state.is_in(list(EATEN))
            & (Order.subsidy_fen > 0)
        )
        .run()
    )
    return sorted(rows, key=lambda r: (r["funder"], r["service.day"], r["service.meal"], r["diner.address"]))


async def statement_xlsx(month: dt.date, community_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = await subsidised(month)
    funders = sorted({r["funder"] for r in rows})
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append([f"{community_name} 社区食堂助餐补贴结算表 {month:%Y年%m月}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["资金来源", "补贴餐数", "补贴金额（元）", "自付金额（元）"])
    for funder in funders:
        mine = [r for r in rows if r["funder"] == funder]
        summary.append(
            [
                safe(funder),
                len(mine),
                sum(r["subsidy_fen"] for r in mine) / 100,
                sum(r["payable_fen"] for r in mine) / 100,
            ]
        )
    if not rows:
        summary.append(["本月没有补贴餐", None, None, None])
    for row in summary.iter_rows(min_row=3, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "0.00"
    for funder in funders:
        sheet = book.create_sheet(safe(funder)[:31] or "未注明")
        sheet.append(list(HEADERS))
        for r in (r for r in rows if r["funder"] == funder):
            sheet.append(
                [
                    r["service.day"],
                    MEAL_ZH.get(r["service.meal"], r["service.meal"]),
                    safe(r["diner.name"]),
                    safe(r["diner.address"]),
                    safe(r["rule_name"]),
                    r["price_fen"] / 100,
                    r["subsidy_fen"] / 100,
                    r["payable_fen"] / 100,
                    HOW_ZH.get(r["how"], r["how"]),
                ]
            )
        for row in sheet.iter_rows(min_row=2, min_col=6, max_col=8):
            for cell in row:
                cell.number_format = "0.00"
        for row in sheet.iter_rows(min_row=2, max_col=1):
            for cell in row:
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
