"""Plotly figures for the public board, each with a one-sentence plain-Chinese caption.

Pure functions of a published snapshot: the live board and the static export draw the
same figures.  Amounts are plotted in 万元 but labelled with ``board.money`` strings, so a
bar's label is exactly what the tables say.  Colours are Okabe–Ito (readable with the
common colour-vision deficiencies) and every series is also told apart by text or pattern.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from board.money import format_wan, format_yuan
from board.periods import period_label
from board.public_record import AssetGroup, Assets, CategorySum, HistoryPoint, PreviousMonth, PublicRecord, Totals
from views.public_tables import MAJOR_MARK

# Fonts that exist out of the box on Windows, macOS/iOS, Android and Debian/Ubuntu.
FONT_STACK = (
    "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', "
    "'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Droid Sans Fallback', sans-serif"
)
INCOME_COLOUR = "#0072B2"  # Okabe–Ito blue
EXPENSE_COLOUR = "#E69F00"  # Okabe–Ito orange
MAJOR_COLOUR = "#D55E00"  # Okabe–Ito vermillion: payments of 5万元 or more
LINE_COLOUR = "#009E73"  # Okabe–Ito bluish green
NEUTRAL_COLOUR = "#56B4E9"  # Okabe–Ito sky blue

# No toolbar, no logo: residents only look; the kiosk gets a static plot (no hover boxes).
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
KIOSK_PLOTLY_CONFIG = {**PLOTLY_CONFIG, "staticPlot": True}
# The narrowest plot area (px) a chart gets, for fitting the amount written past a bar:
# a 390 px phone leaves about 200 px beside the category names; a kiosk column about 500.
PLOT_PX = {False: 200, True: 500}


@dataclass(frozen=True)
class Chart:
    key: str
    figure: go.Figure
    caption: str


def _label(text: str, *, wrap: int | None = None) -> str:
    """User text as a plotly label: plotly reads a subset of HTML, so escape it; wrap for phones."""
    text = str(text)
    if wrap:
        return "<br>".join(html.escape(text[i : i + wrap], quote=False) for i in range(0, len(text), wrap))
    return html.escape(text, quote=False)


def _wan(fen: int) -> float:
    return fen / 1_000_000


def text_em(text: str) -> float:
    """Rendered width in em: CJK and full-width characters are 1, the rest about half."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in str(text))


def _layout(fig: go.Figure, *, kiosk: bool, height: int | None = None) -> go.Figure:
    size = 26 if kiosk else 14
    fig.update_layout(
        font={"family": FONT_STACK, "size": size, "color": "#1a1a1a"},
        height=height or (520 if kiosk else 320),
        margin={"l": 10, "r": 30, "t": 20, "b": 10},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        separators=".,",
        showlegend=False,
        uniformtext={"minsize": size - 4, "mode": "show"},
    )
    fig.update_xaxes(automargin=True, gridcolor="#e0e0e0")
    fig.update_yaxes(automargin=True, gridcolor="#e0e0e0")
    return fig


def _room_for_labels(fig: go.Figure, values: list[float], labels: list[str], *, axis: str, kiosk: bool) -> None:
    """Stretch the value axis so the amount written past each bar fits inside the plot.

    A bar of value v with a label L px long needs the axis to reach v / (1 - L / plot).
    Upright bars only need the label's height.
    """
    size = 26 if kiosk else 14
    plot = PLOT_PX[kiosk]
    reach = [1.0]
    for value, label in zip(values, labels):
        label_px = (text_em(label) * size if axis == "x" else size * 1.5) + 8
        reach.append(value / (1 - min(label_px / plot, 0.6)))
    top = max(values, default=0) or 1
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(range=[0, max(max(reach), top * 1.1)])


def _difference(label_more: str, label_less: str, fen: int) -> str:
    return f"{label_more if fen >= 0 else label_less}{format_wan(abs(fen))}"


def income_expense_caption(snapshot: PublicRecord) -> str:
    totals = snapshot.finance.totals
    income, expense = totals.income_fen, totals.expense_fen
    if income == expense:
        tail = "收支相抵"
    else:
        tail = _difference("收入比支出多", "支出比收入多", income - expense)
    return f"本月收入{format_wan(income)}，支出{format_wan(expense)}，{tail}。"


def income_expense_chart(snapshot: PublicRecord, *, kiosk: bool = False) -> Chart:
    """本月 (and 上月 when it was published) income next to spending."""
    months: list[tuple[str, Totals | PreviousMonth]] = []
    if snapshot.previous:
        months.append(("上月", snapshot.previous))
    months.append(("本月", snapshot.finance.totals))
    fig = go.Figure()
    for name, field, colour, pattern in (
        ("收入", "income_fen", INCOME_COLOUR, ""),
        ("支出", "expense_fen", EXPENSE_COLOUR, "/"),
    ):
        fig.add_bar(
            name=name,
            x=[f"{label}{name}" for label, _ in months],
            y=[_wan(getattr(t, field)) for _, t in months],
            text=[format_wan(getattr(t, field)) for _, t in months],
            customdata=[format_yuan(getattr(t, field)) for _, t in months],
            hovertemplate="%{x}：%{customdata}<extra></extra>",
            textposition="outside",
            cliponaxis=False,
            marker={"color": colour, "pattern": {"shape": pattern}},
        )
    fig.update_yaxes(title_text="万元", tickformat=",.1f")
    fields = [(t, f) for _, t in months for f in ("income_fen", "expense_fen")]
    _room_for_labels(
        fig,
        [_wan(getattr(t, f)) for t, f in fields],
        [format_wan(getattr(t, f)) for t, f in fields],
        axis="y",
        kiosk=kiosk,
    )
    return Chart("income_expense", _layout(fig, kiosk=kiosk), income_expense_caption(snapshot))


def expense_category_caption(snapshot: PublicRecord) -> str:
    categories = snapshot.finance.expense_by_category
    if not categories:
        return "本月没有支出。"
    top = categories[0]
    total = snapshot.finance.totals.expense_fen
    share = round(top.amount_fen * 100 / total) if total else 0
    return f"本月花钱最多的类别是{top.category}，{format_wan(top.amount_fen)}，占全部支出的{share}%。"


def _category_bars(
    rows: Sequence[CategorySum | AssetGroup], key: str, unit: str, colour: str, tickformat: str, *, kiosk: bool
) -> go.Figure:
    """Horizontal bars per category, labelled in 万元 with the exact 元 and count on hover."""
    amounts = [getattr(c, key) for c in rows]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[_label(c.category) for c in rows],
            x=[_wan(a) for a in amounts],
            text=[format_wan(a) for a in amounts],
            customdata=[f"{format_yuan(a)}（{c.count}{unit}）" for a, c in zip(amounts, rows)],
            hovertemplate="%{y}：%{customdata}<extra></extra>",
            textposition="outside",
            cliponaxis=False,
            marker={"color": colour},
        )
    )
    fig.update_xaxes(title_text="万元", tickformat=tickformat)
    _room_for_labels(fig, [_wan(a) for a in amounts], [format_wan(a) for a in amounts], axis="x", kiosk=kiosk)
    return fig


def expense_category_chart(snapshot: PublicRecord, *, kiosk: bool = False) -> Chart:
    categories = list(reversed(snapshot.finance.expense_by_category))
    fig = _category_bars(categories, "amount_fen", "笔", EXPENSE_COLOUR, ",.1f", kiosk=kiosk)
    return Chart("expense_category", _layout(fig, kiosk=kiosk), expense_category_caption(snapshot))


def largest_expenses_caption(snapshot: PublicRecord) -> str:
    largest = snapshot.finance.largest_expenses
    if not largest:
        return "本月没有支出。"
    top = largest[0]
    major = len(snapshot.finance.major_payments)
    tail = f"；5万元以上的支出共{major}笔（图中标{MAJOR_MARK}）" if major else ""
    return f"本月支出最多的一笔是{top.summary}，{format_wan(top.amount_fen)}{tail}。"


def largest_expenses_chart(snapshot: PublicRecord, *, kiosk: bool = False) -> Chart:
    """The five largest payments; those of 5万元 or more marked ★ and drawn in vermillion with a hatch."""
    items = list(reversed(snapshot.finance.largest_expenses))
    # On a phone the summary wraps every 9 characters and the date gets a line of its own.
    labels = [
        _label((MAJOR_MARK if x.major else "") + x.summary, wrap=None if kiosk else 9)
        + ("" if kiosk else "<br>")
        + _label(f"（{x.date:%m-%d}）")
        for x in items
    ]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=list(range(len(items))),  # positions, not labels: two equal summaries stay two bars
            x=[_wan(x.amount_fen) for x in items],
            text=[format_wan(x.amount_fen) for x in items],
            customdata=[format_yuan(x.amount_fen) for x in items],
            hovertext=labels,
            hovertemplate="%{hovertext}：%{customdata}<extra></extra>",
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [MAJOR_COLOUR if x.major else EXPENSE_COLOUR for x in items],
                "pattern": {"shape": ["x" if x.major else "" for x in items]},
            },
        )
    )
    fig.update_xaxes(title_text="万元", tickformat=",.1f")
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(items))), ticktext=labels)
    _room_for_labels(
        fig, [_wan(x.amount_fen) for x in items], [format_wan(x.amount_fen) for x in items], axis="x", kiosk=kiosk
    )
    return Chart("largest_expenses", _layout(fig, kiosk=kiosk), largest_expenses_caption(snapshot))


def balance_trend_caption(history: tuple[HistoryPoint, ...]) -> str:
    if len(history) < 2:
        return f"这是第一个公开月份，月末账上有{format_wan(history[-1].closing_fen)}。"
    low = min(history, key=lambda h: h.closing_fen)
    high = max(history, key=lambda h: h.closing_fen)
    return (
        f"近{len(history)}个月，月末账上的钱最少是{period_label(low.period)}的{format_wan(low.closing_fen)}，"
        f"最多是{period_label(high.period)}的{format_wan(high.closing_fen)}，"
        f"本月末{format_wan(history[-1].closing_fen)}。"
    )


def balance_trend_chart(snapshot: PublicRecord, *, kiosk: bool = False) -> Chart:
    history = snapshot.history
    fig = go.Figure(
        go.Scatter(
            x=[period_label(h.period) for h in history],
            y=[_wan(h.closing_fen) for h in history],
            customdata=[format_yuan(h.closing_fen) for h in history],
            hovertemplate="%{x}月末：%{customdata}<extra></extra>",
            mode="lines+markers",
            line={"color": LINE_COLOUR, "width": 5 if kiosk else 3},
            marker={"size": 12 if kiosk else 7, "symbol": "circle"},
        )
    )
    last = history[-1]
    fig.add_annotation(
        x=period_label(last.period),
        y=_wan(last.closing_fen),
        text=format_wan(last.closing_fen),
        showarrow=True,
        arrowhead=0,
        ax=-40,
        ay=-40,
    )
    fig.update_yaxes(title_text="万元", tickformat=",.0f")
    fig.update_xaxes(type="category", nticks=8)
    return Chart("balance_trend", _layout(fig, kiosk=kiosk), balance_trend_caption(history))


def assets_caption(assets: Assets) -> str:
    if not assets.by_category:
        return "村集体没有登记固定资产。"
    top = max(assets.by_category, key=lambda c: c.total_fen)
    return f"固定资产原值合计{format_wan(assets.total_fen)}，其中{top.category}最多，{format_wan(top.total_fen)}。"


def assets_chart(snapshot: PublicRecord, *, kiosk: bool = False) -> Chart:
    assets = snapshot.finance.assets
    groups = sorted(assets.by_category, key=lambda c: c.total_fen)
    fig = _category_bars(groups, "total_fen", "项", NEUTRAL_COLOUR, ",.0f", kiosk=kiosk)
    return Chart("assets", _layout(fig, kiosk=kiosk), assets_caption(assets))
