"""月份总览: every month of a village with its status and totals (read-only)."""

import streamlit as st

from board.errors import BoardError
from board.money import format_yuan
from pages.shared.session import choose_village, engine, require_staff, show_error
from services.overview import village_overview

user = require_staff()
st.title("月份总览")
code = choose_village(user)
if code:
    try:
        rows = village_overview(engine(), code)
    except BoardError as error:
        show_error(error)
        st.stop()
    if not rows:
        st.info("这个村/社区还没有任何月份的数据。")
    st.dataframe(
        [
            {
                "月份": r["period"],
                "状态": r["status_label"],
                "月初余额": format_yuan(r["opening_fen"], unit=False),
                "本月收入": format_yuan(r["income_fen"], unit=False),
                "本月支出": format_yuan(r["expense_fen"], unit=False),
                "月末余额": format_yuan(r["closing_fen"], unit=False),
                "公开版本": f"第{r['snapshot_version']}版" if r["snapshot_version"] else "",
                "哈希": (r["snapshot_hash"] or "")[:12],
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
