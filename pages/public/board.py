"""三务公开栏 for residents: reads only published snapshots, chosen by ?village=CODE."""

import streamlit as st

from board.errors import BoardError
from board.money import format_wan
from board.public import published_snapshot
from board.villages import get_village
from board.db import unit_of_work
from pages.shared.session import engine

code = st.query_params.get("village", "DEMO")
period = st.query_params.get("period")
try:
    with unit_of_work(engine()) as session:
        snapshot = published_snapshot(session, get_village(session, code), period)
except BoardError as error:
    st.info(error.problems[0].message)
    st.stop()

st.title(f"{snapshot['village']['name']} 三务公开栏")
st.caption(f"{snapshot['period']} · 公开日期 {snapshot['published_on']} · 监督电话 {snapshot['village']['hotline']}")
totals = snapshot["finance"]["totals"]
cols = st.columns(3)
cols[0].metric("账上有多少钱", format_wan(totals["closing_fen"]))
cols[1].metric("这个月收了", format_wan(totals["income_fen"]))
cols[2].metric("这个月花了", format_wan(totals["expense_fen"]))
