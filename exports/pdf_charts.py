"""Vector charts for the PDF board, drawn with reportlab.graphics (no browser involved).

Every chart is built from the snapshot's own figures; axis values are shown in 万元
because that is how residents talk about village money.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from board.money import format_wan
from board.public_record import CategorySum, HistoryPoint

INCOME_COLOR = colors.HexColor("#2e7d32")
EXPENSE_COLOR = colors.HexColor("#c62828")
BALANCE_COLOR = colors.HexColor("#1565c0")
GRID_COLOR = colors.HexColor("#dddddd")
TREND_MONTHS = 12
LABEL_SHARE = 0.35  # at most this much of the spending chart's width goes to category names
ELLIPSIS = "…"


def _wan(fen: int) -> float:
    """Fen as a float number of 万元, for axis geometry only (labels use board.money)."""
    return fen / 1_000_000


def _month_label(period: str) -> str:
    """Bare month numbers: twelve "10月"-style labels do not fit under a third of a page."""
    return str(int(period[5:]))


def _drawing(width: float, height: float, font: str) -> Drawing:
    # initialFontName keeps reportlab from declaring an unused, non-embedded Helvetica.
    return Drawing(width, height, initialFontName=font)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with "…" so it is at most ``width`` wide (user-typed category names can be long)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text + ELLIPSIS


def _title(drawing: Drawing, text: str, font: str, size: float) -> None:
    drawing.add(
        String(drawing.width / 2, drawing.height - size * 1.1, text, fontName=font, fontSize=size, textAnchor="middle")
    )


def _style_axes(chart, font: str, size: float) -> None:
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = size
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = size
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID_COLOR
    chart.valueAxis.labelTextFormat = lambda v: f"{v:g}"
    chart.valueAxis.forceZero = True


def income_expense_chart(
    history: tuple[HistoryPoint, ...], *, font: str, width: float, height: float, scale: float = 1
) -> Drawing:
    """收入与支出: paired bars for the last 12 published months (this month last)."""
    months = history[-TREND_MONTHS:]
    size = 6.5 * scale
    drawing = _drawing(width, height, font)
    _title(drawing, "近一年每月收入与支出（万元）", font, 8 * scale)
    chart = VerticalBarChart()
    chart.x, chart.y = 9 * size / 2 + 6 * scale, 2.2 * size + 6 * scale
    chart.width, chart.height = width - chart.x - 4 * scale, height - chart.y - 3.4 * size - 8 * scale
    chart.data = [[_wan(m.income_fen) for m in months], [_wan(m.expense_fen) for m in months]]
    chart.categoryAxis.categoryNames = [_month_label(m.period) for m in months]
    chart.categoryAxis.labels.angle = 0
    chart.bars[0].fillColor = INCOME_COLOR
    chart.bars[1].fillColor = EXPENSE_COLOR
    chart.bars.strokeColor = None
    chart.groupSpacing = 2 * scale
    chart.barSpacing = 0
    _style_axes(chart, font, size)
    drawing.add(chart)
    # A hand-placed key: reportlab's Legend spreads two entries across the whole drawing.
    key_y = height - 2.6 * size - 6 * scale
    x = width / 2 - 30 * scale
    for color, label in ((INCOME_COLOR, "收入"), (EXPENSE_COLOR, "支出")):
        drawing.add(Rect(x, key_y, size, size, fillColor=color, strokeColor=None))
        drawing.add(String(x + size * 1.4, key_y + size * 0.1, label, fontName=font, fontSize=size))
        x += 34 * scale
    return drawing


def expense_category_chart(
    categories: tuple[CategorySum, ...], *, font: str, width: float, height: float, scale: float = 1
) -> Drawing:
    """本月支出按类别: one bar per category, labelled with the amount."""
    size = 6.5 * scale
    drawing = _drawing(width, height, font)
    _title(drawing, "本月支出构成", font, 8 * scale)
    if not categories:
        drawing.add(String(width / 2, height / 2, "本月没有支出", fontName=font, fontSize=size, textAnchor="middle"))
        return drawing
    rows = list(reversed(categories))  # reportlab draws the first bar at the bottom
    chart = HorizontalBarChart()
    names = [_fit(c.category, font, size, width * LABEL_SHARE) for c in rows]
    label_width = max(stringWidth(n, font, size) for n in names) + 4 * scale
    chart.x, chart.y = label_width, 4 * scale
    chart.width = width - label_width - 16 * size / 2
    chart.height = height - chart.y - 2 * size - 8 * scale
    chart.data = [[_wan(c.amount_fen) for c in rows]]
    chart.categoryAxis.categoryNames = names
    chart.bars[0].fillColor = EXPENSE_COLOR
    chart.bars.strokeColor = None
    chart.barLabelFormat = lambda v: ""
    _style_axes(chart, font, size)
    chart.valueAxis.visible = False
    chart.valueAxis.visibleGrid = False
    drawing.add(chart)
    top = max(chart.data[0]) or 1
    step = chart.height / len(rows)
    for i, c in enumerate(rows):
        x = chart.x + chart.width * (_wan(c.amount_fen) / top) + 2 * scale
        y = chart.y + step * (i + 0.5) - size / 3
        drawing.add(String(x, y, format_wan(c.amount_fen), fontName=font, fontSize=size))
    return drawing


def balance_trend_chart(
    history: tuple[HistoryPoint, ...], *, font: str, width: float, height: float, scale: float = 1
) -> Drawing:
    """月末余额走势 over the last 12 published months."""
    months = history[-TREND_MONTHS:]
    size = 6.5 * scale
    drawing = _drawing(width, height, font)
    _title(drawing, "近一年月末余额（万元）", font, 8 * scale)
    chart = HorizontalLineChart()
    chart.x, chart.y = 9 * size / 2 + 6 * scale, 2.2 * size + 6 * scale
    chart.width, chart.height = width - chart.x - 4 * scale, height - chart.y - 2 * size - 8 * scale
    chart.data = [[_wan(m.closing_fen) for m in months]]
    chart.categoryAxis.categoryNames = [_month_label(m.period) for m in months]
    chart.lines[0].strokeColor = BALANCE_COLOR
    chart.lines[0].strokeWidth = 1.5 * scale
    chart.joinedLines = 1
    # Markers: a village's first published month is a single point, which a bare line never draws.
    chart.lines[0].symbol = makeMarker(
        "FilledCircle", size=3 * scale, fillColor=BALANCE_COLOR, strokeColor=BALANCE_COLOR
    )
    _style_axes(chart, font, size)
    drawing.add(chart)
    return drawing
