"""Small charts drawn on the server as SVG: no script, no library, readable without colour.

Each chart is an ``<svg role="img">`` with a title for screen readers and the value written at
the end of every bar, so the figure is never only a length.
"""

from __future__ import annotations

from markupsafe import Markup, escape

ROW = 28
LABEL_WIDTH = 130
VALUE_WIDTH = 60


def fmt(value: float | int | None, *, percent: bool = False) -> str:
    if value is None:
        return "–"
    if percent:
        return f"{round(value * 100)}%"
    return f"{value:,}" if isinstance(value, int) else f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    title: str, rows: list[tuple[str, float | int | None]], *, percent: bool = False, width: int = 400
) -> Markup:
    """A captioned figure of horizontal bars, one per (label, value); ``percent`` for shares
    between 0 and 1. The SVG scales with its box; its text stays readable from a phone up."""
    top = max([v for _, v in rows if v is not None] + [1 if percent else 0]) or 1
    span = width - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(rows) + 8
    parts = [
        f'<figure class="chart-figure"><figcaption>{escape(title)}</figcaption>'
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        length = 0 if value is None else max(2, round(span * value / top)) if value else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end" class="chart-label">'
            f'{escape(label)}</text><rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" '
            f'height="{ROW - 8}" class="chart-bar" rx="3"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 19}" class="chart-value">'
            f"{escape(fmt(value, percent=percent))}</text>"
        )
    parts.append("</svg></figure>")
    return Markup("".join(parts))
