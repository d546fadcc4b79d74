"""Static HTML board: one self-contained page per published month plus an index of months.

Renders the same ``BoardView`` as the live board, so the numbers cannot differ.  plotly.js
is written once next to the pages (``plotly.min.js``) and loaded after the text, so a
page is readable on a slow phone before the charts arrive and works offline on a kiosk PC.
All user text is ``html.escape``d; chart specs are JSON with ``<`` escaped.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import plotly.offline
from sqlalchemy.engine import Engine

from board.errors import BoardError
from board.links import board_url
from board.money import format_wan
from board.periods import check_period, period_label
from board.policy import today_shanghai
from board.public import published_periods
from board.villages import get_village
from exports.policy_html import POLICY_DIR, write_policy_page
from infra.db import unit_of_work
from services.policy import load_public_explainers
from views.board_view import BoardView, Metrics, Section, Table, Text, load_board
from views.charts import FONT_STACK, PLOTLY_CONFIG, Chart

PLOTLY_FILE = "plotly.min.js"
PAGE_FILE = "index.html"

CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:FONT_STACK;color:#1a1a1a;background:#fff;line-height:1.6;font-size:17px}
header,main,footer,nav{max-width:1000px;margin:0 auto;padding:0 14px}
header{padding-top:16px}
h1{font-size:26px;margin:8px 0 4px}
h2{font-size:22px;margin:28px 0 6px;padding-top:10px;border-top:2px solid #1a1a1a}
h3{font-size:19px;margin:18px 0 6px}
h4{font-size:16px;margin:12px 0 4px}
.meta,figcaption,.detail,footer{color:#333;font-size:15px}
.notice{background:#fff4d6;border-left:5px solid #b26b00;padding:10px 12px}
.demo{background:#e8f1fb;border-left:5px solid #0072b2;padding:10px 12px}
.metrics{display:flex;flex-wrap:wrap;gap:8px 28px}
.metric .label{font-size:15px}
.metric .value{font-size:32px;font-weight:700;line-height:1.2}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:15px}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f1ea}
figure{margin:12px 0}
.chart{width:100%;min-height:320px}
nav{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:8px}
nav a{color:#0b57a4}
footer{margin-top:32px;padding-bottom:24px;border-top:1px solid #ccc}
ul.months{list-style:none;padding:0;font-size:19px}
ul.months li{padding:6px 0;border-bottom:1px solid #eee}
/* Hashes, URLs and long user words must not push a 390 px phone page sideways. */
h1,h2,h3,h4,p,li,summary,figcaption,.detail,.value{overflow-wrap:anywhere}
td{overflow-wrap:break-word}
""".replace("FONT_STACK", FONT_STACK)

CHART_LOADER = """
<script src="%(plotly)s"></script>
<script>
(function () {
  var config = %(config)s;
  document.querySelectorAll("script[data-chart]").forEach(function (el) {
    var spec = JSON.parse(el.textContent);
    Plotly.newPlot(el.getAttribute("data-chart"), spec.data, spec.layout, config);
  });
})();
</script>
"""


@dataclass(frozen=True)
class HtmlExport:
    out_dir: Path
    pages: list[Path]
    index: Path
    policy: Path | None = None  # the 政策问答 page, when the village has any


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _spec_json(chart: Chart) -> str:
    # "<" as \\u003c keeps "</script>" in user text from ending the script element.
    return chart.figure.to_json().replace("<", "\\u003c")


def _table(table: Table) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    grid = f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    if table.collapsed:
        return f"<details><summary>{_e(table.label)}</summary>{grid}</details>"
    if table.label:
        return f"<h4>{_e(table.label)}</h4>{grid}"
    return grid


def _block(block, section: Section) -> str:
    if isinstance(block, Metrics):
        items = "".join(
            f'<div class="metric"><div class="label">{_e(m.label)}</div>'
            f'<div class="value">{_e(m.value)}</div><div class="detail">{_e(m.detail)}</div></div>'
            for m in block.items
        )
        return f'<div class="metrics">{items}</div>'
    if isinstance(block, Text):
        css = ' class="notice"' if block.tone == "notice" else ""
        return f"<p{css}>{_e(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    chart_id = f"chart-{section.key}-{block.key}"
    return (
        f'<figure><div class="chart" id="{_e(chart_id)}" role="img" aria-label="{_e(block.caption)}"></div>'
        f'<script type="application/json" data-chart="{_e(chart_id)}">{_spec_json(block)}</script>'
        f"<figcaption>{_e(block.caption)}</figcaption></figure>"
    )


def render_month_page(view: BoardView, *, available: set[str], online_url: str = "") -> str:
    """One month's board; ``available`` are the months that have a page beside this one."""
    months = [p for p in view.periods if p in available]
    nav = ['<a href="../index.html">全部月份</a>']
    position = months.index(view.period) if view.period in months else -1
    if position >= 0 and position + 1 < len(months):
        older = months[position + 1]
        nav.append(f'<a href="../{_e(older)}/index.html">上一月：{_e(period_label(older))}</a>')
    if position > 0:
        newer = months[position - 1]
        nav.append(f'<a href="../{_e(newer)}/index.html">下一月：{_e(period_label(newer))}</a>')
    if online_url:
        nav.append(f'<a href="{_e(online_url)}">在线版</a>')
    parts = []
    group = None
    for section in view.sections:
        if section.group != group and section.group != section.title:
            group = section.group
            parts.append(f"<h2>{_e(group)}</h2>")
        elif section.group == section.title:
            group = section.group
        parts.append(f'<section id="{_e(section.key)}"><h3>{_e(section.title)}</h3>')
        parts.extend(_block(block, section) for block in section.blocks)
        parts.append("</section>")
    demo = '<p class="demo">本页为演示数据，人名、号码均为虚构。</p>' if view.demo else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(view.title)} {_e(period_label(view.period))}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(view.title)}</h1><p class="meta">{_e(view.footer)}</p>{demo}</header>'
        f"<nav>{''.join(nav)}</nav><main>{''.join(parts)}</main>"
        f"<footer><p>{_e(view.footer)}</p><p>完整核验码：{_e(view.hash)}</p></footer>"
        + CHART_LOADER % {"plotly": f"../{PLOTLY_FILE}", "config": json.dumps(PLOTLY_CONFIG)}
        + "</body></html>"
    )


def render_index(village_name: str, months: list[BoardView], *, policy_count: int = 0) -> str:
    """The list of exported months, newest first, with each month's headline balance."""
    items = "".join(
        f'<li><a href="{_e(v.period)}/index.html">{_e(period_label(v.period))}</a> '
        f"· 月末账上 {_e(format_wan(v.closing_fen))}"
        f"{' · 已更正' if v.version > 1 else ''} · 公开日期 {_e(v.published_on)}</li>"
        for v in months
    )
    title = f"{village_name} 三务公开栏"
    policy = (
        f'<nav><a href="{POLICY_DIR}/{PAGE_FILE}">政策问答（{policy_count} 期，可搜索）</a></nav>'
        if policy_count
        else ""
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{_e(title)}</h1><p class="meta">已公开月份（点击查看）</p></header>{policy}'
        f'<main><ul class="months">{items}</ul></main></body></html>'
    )


def _vendor_plotly(out_dir: Path) -> None:
    """plotly.js once per export folder; rewritten only when the plotly version changed."""
    target = out_dir / PLOTLY_FILE
    script = plotly.offline.get_plotlyjs()
    if not target.exists() or target.stat().st_size != len(script.encode("utf-8")):
        target.write_text(script, encoding="utf-8")


def export_html(
    engine: Engine, village_code: str, out_dir: Path, *, period: str | None = None, base_url: str = ""
) -> HtmlExport:
    """Write the month pages (all published months, or just ``period``) and the index."""
    if period is not None:
        check_period(period)
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        periods = published_periods(session, village)
        if not periods:
            raise BoardError(f"{village.name}还没有公开任何月份", field="月份")
    wanted = [period] if period else periods
    out_dir.mkdir(parents=True, exist_ok=True)
    _vendor_plotly(out_dir)
    # Months already exported earlier stay linked from the index and the month pages.
    available = {p for p in periods if (out_dir / p / PAGE_FILE).exists()} | set(wanted)
    views = [load_board(engine, village_code, p) for p in wanted]
    pages = []
    for view in views:
        page = out_dir / view.period / PAGE_FILE
        page.parent.mkdir(exist_ok=True)
        online = board_url(base_url, view.village_code, view.period) if base_url else ""
        page.write_text(render_month_page(view, available=available, online_url=online), encoding="utf-8")
        pages.append(page)
    listed = {v.period: v for v in views}
    for p in sorted(available - set(listed), reverse=True):
        listed[p] = load_board(engine, village_code, p)
    explainers = load_public_explainers(engine, village_code)
    policy = write_policy_page(
        out_dir,
        views[0].village_name,
        village_code,
        explainers,
        today=today_shanghai(),
        base_url=base_url,
        base_css=CSS,
    )
    index = out_dir / PAGE_FILE
    index.write_text(
        render_index(
            views[0].village_name, [listed[p] for p in sorted(listed, reverse=True)], policy_count=len(explainers)
        ),
        encoding="utf-8",
    )
    return HtmlExport(out_dir=out_dir, pages=pages, index=index, policy=policy)
