"""三务公开栏 for residents: no login, published snapshots only, chosen by the URL.

``?village=CODE[&period=YYYY-MM][&policy=ID]`` for phones; ``&kiosk=1[&rotate=SECONDS]`` for
the big screen at the service centre, which rotates through the sections (and the open
政策问答) and re-reads the newest published month on every tick.  All user text goes
through ``md`` (pages/shared/plain.py).
"""

import time
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy.exc import OperationalError

from board.errors import BoardError, IntegrityFailure
from board.periods import period_label
from board.policy import today_shanghai
from exports.downloads import DOWNLOAD_KINDS, download_filename, download_label, pdf_font_warning
from pages.shared.plain import md
from pages.shared.read_aloud import read_aloud_button
from pages.shared.session import engine
from services.board import board_villages, kiosk_board, month_file, phone_board
from services.read_aloud import month_speech
from views.board_view import (
    BoardView,
    Metrics,
    Section,
    Table,
    Text,
    kiosk_slide_index,
    kiosk_slides,
    parse_board_params,
)
from views.charts import KIOSK_PLOTLY_CONFIG, PLOTLY_CONFIG, Chart
from views.policy_view import GROUP as POLICY_GROUP
from views.policy_view import explainer_section, explainer_text

# Constant CSS only (no user data): big type for three metres, no sidebar, no toolbar.
KIOSK_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {display: none !important;}
[data-testid="stMainBlockContainer"] {padding: 20px 48px 72px 48px !important; max-width: 100% !important;}
.stApp, .stApp p, .stApp li, .stApp td, .stApp th, .stApp [data-testid="stCaptionContainer"] {font-size: 28px !important;}
.stApp h1 {font-size: 52px !important; padding: 0 0 8px 0 !important;}
.stApp h2 {font-size: 44px !important; padding: 4px 0 !important;}
.stApp [data-testid="stMetricValue"] p {font-size: 84px !important; line-height: 1.15 !important; font-weight: 700;}
.stApp [data-testid="stMetricLabel"] p {font-size: 32px !important;}
.stApp [data-testid="stCaptionContainer"], .stApp [data-testid="stCaptionContainer"] p {color: #333333 !important;}
.stApp td, .stApp th {padding: 6px 12px !important; line-height: 1.35 !important;}
.stApp th, .stApp th p {color: #1a1a1a !important; font-weight: 700 !important;}
.st-key-kiosk-footer {position: fixed; left: 0; right: 0; bottom: 0; z-index: 100;
  background: #1a1a1a; padding: 10px 48px;}
.st-key-kiosk-footer p {color: #ffffff !important; font-size: 24px !important; margin: 0;}
</style>
"""
PHONE_CSS = """
<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] {padding: 56px 12px 48px 12px !important;}
  .stApp h1 {font-size: 26px !important;}
  .stApp h2 {font-size: 24px !important;}
  .stApp h3 {font-size: 20px !important;}
  .stApp [data-testid="stMetricValue"] p {font-size: 34px !important;}
}
</style>
"""


def show_table(table: Table, *, kiosk: bool) -> None:
    frame = pd.DataFrame([[md(c) for c in row] for row in table.rows], columns=[md(c) for c in table.columns])
    if table.collapsed and not kiosk:
        with st.expander(md(table.label)):
            st.table(frame, hide_index=True, hide_header=False)
        return
    if table.label and not kiosk:
        st.markdown(f"**{md(table.label)}**")
    st.table(frame, hide_index=True, hide_header=False)


def show_chart(chart: Chart, *, kiosk: bool, key: str) -> None:
    st.plotly_chart(
        chart.figure,
        theme=None,
        key=key,
        width="stretch",
        config=KIOSK_PLOTLY_CONFIG if kiosk else PLOTLY_CONFIG,
        alt=chart.caption,  # screen readers read the sentence, not the axis numbers
    )
    st.caption(md(chart.caption))


def show_section(section: Section, *, kiosk: bool) -> None:
    (st.header if kiosk else st.subheader)(md(section.title), anchor=section.key)
    charts = [b for b in section.blocks if isinstance(b, Chart)]
    for block in section.blocks:
        if isinstance(block, Metrics):
            for col, metric in zip(st.columns(len(block.items)), block.items):
                col.metric(md(metric.label), md(metric.value))
                col.caption(md(metric.detail))
        elif isinstance(block, Text):
            if block.tone == "notice":
                st.warning(md(block.text))
            else:
                st.markdown(md(block.text))
        elif isinstance(block, Table):
            show_table(block, kiosk=kiosk)
        elif isinstance(block, Chart) and block is charts[0]:
            # Two charts side by side on the kiosk; Streamlit stacks columns on a phone.
            for col, chart in zip(st.columns(len(charts)), charts):
                with col:
                    show_chart(chart, kiosk=kiosk, key=f"{section.key}-{chart.key}")


def show_error(error: BoardError) -> None:
    if isinstance(error, IntegrityFailure):  # no figures, and nothing for the reader to correct
        st.error(md(error.problems[0].message))
        return
    st.info(md(error.problems[0].message) + "。请核对二维码或网址里的村/社区代码和月份。")


def choose_village() -> str | None:
    villages = board_villages(engine())
    if not villages:
        st.info("还没有任何村/社区公开三务信息。")
        return None
    if len(villages) == 1:
        return villages[0][0]
    st.title("三务公开栏")
    names = dict(villages)
    code = st.selectbox("请选择村/社区", list(names), index=None, format_func=lambda c: names[c])
    if code:
        st.query_params["village"] = code
        st.rerun()
    return None


def show_explainer(content: dict) -> None:
    today = today_shanghai()
    show_section(explainer_section(content, today), kiosk=False)
    read_aloud_button(explainer_text(content, link="", today=today, speech=True), "policy")


def policy_board(policies: list[dict], pinned: int | None) -> None:
    """政策问答, newest first; the one a group link points to was shown at the top already."""
    rest = [p for p in policies if p["id"] != pinned]
    if not rest:
        return
    st.divider()
    st.header(POLICY_GROUP, anchor="policy")
    for content in rest:
        show_explainer(content)


def show_phone_board(view: BoardView, policies: list[dict], pinned: int | None) -> None:
    st.markdown(PHONE_CSS, unsafe_allow_html=True)
    st.title(md(view.title))
    st.caption(md(view.footer))
    if view.demo:
        st.info("本页为演示数据，人名、号码均为虚构。")
    first = next((p for p in policies if p["id"] == pinned), None)
    if first is not None:
        st.header(POLICY_GROUP)
        show_explainer(first)
        st.divider()
    chosen = st.selectbox("查看月份", view.periods, index=view.periods.index(view.period), format_func=period_label)
    if chosen != view.period:
        st.query_params["period"] = chosen
        st.rerun()
    read_aloud_button(month_speech(engine(), view.village_code, view.period), "month")
    group = None
    for section in view.sections:
        if section.group != group and section.group != section.title:
            group = section.group
            st.divider()
            st.header(md(group))
        show_section(section, kiosk=False)
    policy_board(policies, pinned if first is not None else None)
    downloads(view)
    st.divider()
    st.caption(md(view.footer))


def downloads(view: BoardView) -> None:
    """Download buttons; each file is made only when its button is pressed."""
    st.subheader("下载本月公开内容")
    for column, kind in zip(st.columns(len(DOWNLOAD_KINDS)), DOWNLOAD_KINDS):
        column.download_button(
            download_label(kind),
            data=partial(month_file, engine(), view.village_code, view.period, view.version, kind),
            file_name=download_filename(view.village_code, view.period, view.version, kind),
            mime=DOWNLOAD_KINDS[kind][2],
            on_click="ignore",
        )
    warning = pdf_font_warning()
    if warning:
        st.warning(md(warning))


def show_kiosk_board(code: str, period: str | None, rotate: int, pinned: int | None) -> None:
    st.markdown(KIOSK_CSS, unsafe_allow_html=True)

    @st.fragment(run_every=rotate)
    def tick() -> None:
        # Re-read on every tick so a newly published month or 政策问答 appears without a restart;
        # if the database is briefly unreachable, keep showing the last good board.
        try:
            view = kiosk_board(engine(), code, period, today=today_shanghai())
            st.session_state["kiosk_view"] = view
        except BoardError as error:
            show_error(error)
            return
        except OperationalError:
            view = st.session_state.get("kiosk_view")
            if view is None:
                st.info("正在连接数据库，请稍候……")
                return
        slides = kiosk_slides(view)
        slide = slides[kiosk_slide_index(len(slides), rotate, time.time(), pinned)]
        with st.container(key="kiosk-slide"):
            st.title(md(view.title))
            show_section(slide, kiosk=True)
        with st.container(key="kiosk-footer"):
            st.markdown(md(view.footer))

    tick()


params = parse_board_params(st.query_params.to_dict())
village_code = params.village or choose_village()
if village_code:
    if params.kiosk:
        show_kiosk_board(village_code, params.period, params.rotate, params.slide)
    else:
        try:
            board, policies = phone_board(engine(), village_code, params.period)
        except BoardError as error:
            show_error(error)
        else:
            show_phone_board(board, policies, params.policy)
