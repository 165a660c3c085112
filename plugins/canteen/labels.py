"""Meal labels as a PDF, one 70 × 40 mm label per delivered meal: name, building and flat, the
route and stop, portion and texture, and what the diner must not have, large enough to read at a
door. Drawn with reportlab's built-in Chinese font (STSong-Light, a CID font the PDF reader
supplies), so the package ships no font file."""

from __future__ import annotations

import io
from typing import Any

from plugins.canteen import vocabulary

PORTION_ZH = {"small": "小份", "normal": "标准份", "large": "大份"}
TEXTURE_ZH = {"normal": "普通", "soft": "软烂", "minced": "切碎"}
DIET_ZH = {"low_salt": "低盐", "diabetic": "糖尿病餐", "low_fat": "低脂", "vegetarian": "素食"}
ALLERGEN_ZH = {
    "peanut": "花生",
    "tree_nut": "坚果",
    "milk": "乳制品",
    "egg": "蛋类",
    "fish": "鱼",
    "shellfish": "虾蟹贝",
    "soy": "大豆",
    "wheat": "小麦",
    "sesame": "芝麻",
}
MEAL_ZH = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}


def restrictions(order: dict[str, Any]) -> str:
    parts = [DIET_ZH[d] for d in order["diner.diets"] if d in vocabulary.DIETS]
    if order["diner.allergies"]:
        parts.append("过敏：" + "、".join(ALLERGEN_ZH.get(a, a) for a in order["diner.allergies"]))
    if order["warning"]:
        parts.append(order["warning"])
    return "；".join(parts)


def label_pdf(service: dict[str, Any], orders: list[dict[str, Any]]) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(70 * mm, 40 * mm), pageCompression=1)
    page.setTitle(f"{service['day'].isoformat()} {MEAL_ZH.get(service['meal'], '')} 送餐标签")
    for i, order in enumerate(orders, 1):
        page.setFont(font, 16)
        page.drawString(4 * mm, 31 * mm, order["diner.name"])
        page.setFont(font, 12)
        page.drawString(4 * mm, 24 * mm, order["diner.address"])
        route = (
            f"{order['route_name']} 第{order['position'] + 1}站" if order.get("route_name") else "未排路线"
        )
        page.setFont(font, 9)
        page.drawString(
            4 * mm,
            18 * mm,
            f"{route} · {PORTION_ZH.get(order['portion'], '')} · {TEXTURE_ZH.get(order['texture'], '普通')}",
        )
        text = restrictions(order)
        page.setFont(font, 10)
        for line_no, start in enumerate(range(0, len(text), 22)):
            if line_no > 1:
                break
            page.drawString(4 * mm, (11 - 5 * line_no) * mm, text[start : start + 22])
        page.setFont(font, 7)
        page.drawRightString(
            66 * mm,
            2 * mm,
            f"{service['day'].isoformat()} {MEAL_ZH.get(service['meal'], '')} {i}/{len(orders)}",
        )
        page.showPage()
    if not orders:
        page.setFont(font, 12)
        page.drawString(4 * mm, 20 * mm, "今天没有送餐")
        page.showPage()
    page.save()
    return out.getvalue()
