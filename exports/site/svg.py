"""Charts as inline SVG, drawn on the server: nothing to download, readable with JavaScript off.

Money axes start at 0 and each axis uses one unit (万元 or 元, whichever fits its largest
value), so a dip never looks like a collapse and "2.79万元" never sits beside "3,048元".
Every chart is ``role="img"`` with a Chinese sentence as its accessible name.  User text is
escaped by ``markupsafe``; nothing here is trusted markup except the numbers we compute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from board.periods import period_label
from board.public_record import PublicRecord
from views.charts import (
    EXPENSE_COLOUR,
    INCOME_COLOUR,
    LINE_COLOUR,
    balance_trend_caption,
    expense_category_caption,
    income_expense_caption,
    text_em,
)

WAN_FEN = 1_000_000
# Chart text stays dark on white: AA contrast whatever the bar colour.
INK = "#1a1a1a"
GRID = "#d0d0d0"
BAR_DARK = {"income": "#005a8c", "expense": "#8a5300", "line": "#006b4f"}


@dataclass(frozen=True)
class Unit:
    name: str  # shown once, in the axis title
    fen: int  # fen per unit

    def number(self, fen: int) -> str:
        value = fen / self.fen
        if self.fen == WAN_FEN:
            text = f"{value:,.2f}".rstrip("0").rstrip(".")
        else:
            text = f"{value:,.0f}"
        return text or "0"


def axis_unit(largest_fen: int) -> Unit:
    return Unit("万元", WAN_FEN) if largest_fen >= WAN_FEN else Unit("元", 100)


def nice_ticks(largest: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 × 10ⁿ) up to at least ``largest``."""
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < largest:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, int, str]], *, label: str, width: int = 360, name_em: float | None = None
) -> Markup:
    """Horizontal bars: (name, fen, colour key); the axis from 0 in one unit, each bar's value at its end."""
    font = 14
    row = 34
    unit = axis_unit(max((fen for _, fen, _ in items), default=0))
    names_w = min(150, max(48, font * (name_em or max((text_em(n) for n, _, _ in items), default=2)) + 8))
    values = [fen / unit.fen for _, fen, _ in items]
    ticks = nice_ticks(max(values, default=0))
    plot_w = width - names_w - 16
    top = 26
    height = top + row * len(items) + 28
    scale = plot_w / ticks[-1]
    body = [
        f'<text x="{_num(names_w)}" y="16" font-size="{font}" fill="{INK}">单位：{escape(unit.name)}</text>',
    ]
    for t in ticks:
        x = names_w + t * scale
        body.append(
            f'<line x1="{_num(x)}" y1="{top - 4}" x2="{_num(x)}" y2="{top + row * len(items)}" stroke="{GRID}"/>'
            f'<text x="{_num(x)}" y="{height - 8}" font-size="{font - 2}" fill="{INK}" text-anchor="middle">'
            f"{escape(unit.number(round(t * unit.fen)))}</text>"
        )
    for n, (name, fen, colour) in enumerate(items):
        y = top + n * row
        w = max(0.0, fen / unit.fen * scale)
        shown = name if text_em(name) * font <= names_w - 6 else _clip(name, (names_w - 6) / font)
        value = unit.number(fen)
        inside = w > plot_w * 0.62
        value_x = names_w + (w - 4 if inside else w + 4)
        body.append(
            f'<text x="{_num(names_w - 6)}" y="{y + 21}" font-size="{font}" fill="{INK}" text-anchor="end">'
            f"{escape(shown)}</text>"
            f'<rect x="{_num(names_w)}" y="{y + 5}" width="{_num(w)}" height="{row - 10}" fill="{_fill(colour)}"/>'
            f'<text x="{_num(value_x)}" y="{y + 22}" font-size="{font}" '
            f'fill="{"#ffffff" if inside else INK}" text-anchor="{"end" if inside else "start"}">{escape(value)}</text>'
        )
    return _svg(width, height, label, body)


def _fill(key: str) -> str:
    # Bars with white text on them use the dark shades (AA contrast); light ones carry dark text beside them.
    return {"income": INCOME_COLOUR, "expense": BAR_DARK["expense"], "line": LINE_COLOUR}.get(key, EXPENSE_COLOUR)


def _clip(text: str, room_em: float) -> str:
    out: list[str] = []
    used = 0.0
    for ch in text:
        used += text_em(ch)
        if used > room_em - 1:
            return "".join(out) + "…"
        out.append(ch)
    return text


def column_chart(points: Sequence[tuple[str, int]], *, label: str, width: int = 360, height: int = 220) -> Markup:
    """Columns over time (month, fen): the balance trend, its axis from 0."""
    font = 13
    unit = axis_unit(max((f for _, f in points), default=0))
    ticks = nice_ticks(max((f / unit.fen for _, f in points), default=0))
    left, top, bottom = 48, 24, 30
    plot_w, plot_h = width - left - 8, height - top - bottom
    scale = plot_h / ticks[-1]
    body = [f'<text x="2" y="14" font-size="{font}" fill="{INK}">单位：{escape(unit.name)}</text>']
    for t in ticks:
        y = top + plot_h - t * scale
        body.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{width - 8}" y2="{_num(y)}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{_num(y + 4)}" font-size="{font - 1}" fill="{INK}" text-anchor="end">'
            f"{escape(unit.number(round(t * unit.fen)))}</text>"
        )
    slot = plot_w / max(1, len(points))
    every = max(1, math.ceil(len(points) / 6))
    shown_year = ""
    for n, (period, fen) in enumerate(points):
        h = max(0.0, fen / unit.fen * scale)
        x = left + n * slot
        body.append(
            f'<rect x="{_num(x + slot * 0.15)}" y="{_num(top + plot_h - h)}" width="{_num(slot * 0.7)}" '
            f'height="{_num(h)}" fill="{BAR_DARK["line"] if n == len(points) - 1 else LINE_COLOUR}"/>'
        )
        if n % every == 0 or n == len(points) - 1:
            # "24年11月", then the month alone until the year changes: words between the
            # numbers, so no run of digits reads like a card number when the text is extracted.
            year, month = period.split("-")
            text = f"{int(month)}月" if year == shown_year else f"{year[2:]}年{int(month)}月"
            shown_year = year
            body.append(
                f'<text x="{_num(x + slot / 2)}" y="{height - 10}" font-size="{font - 1}" fill="{INK}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class SiteChart:
    key: str
    title: str
    svg: Markup
    caption: str


def month_charts(record: PublicRecord) -> list[SiteChart]:
    """The month page's charts: income against spending, where the money went, the balance over time."""
    totals = record.finance.totals
    charts = [
        SiteChart(
            "income_expense",
            "本月收入和支出",
            bar_chart(
                [("收入", totals.income_fen, "income"), ("支出", totals.expense_fen, "expense")],
                label=income_expense_caption(record),
            ),
            income_expense_caption(record),
        )
    ]
    categories = record.finance.expense_by_category
    if categories:
        caption = expense_category_caption(record)
        charts.append(
            SiteChart(
                "expense_categories",
                "支出按类别",
                bar_chart([(c.category, c.amount_fen, "expense") for c in categories], label=caption),
                caption,
            )
        )
    points = [(h.period, h.closing_fen) for h in record.history]
    if len(points) > 1:
        caption = balance_trend_caption(record.history)
        first, last = period_label(points[0][0]), period_label(points[-1][0])
        charts.append(
            SiteChart(
                "trend",
                f"账上余额（{first}至{last}，每月月末）",
                column_chart(points, label=caption),
                caption,
            )
        )
    return charts
