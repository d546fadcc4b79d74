"""月份总览: every month of a village with its status and totals (read-only)."""

import streamlit as st

from board.errors import BoardError
from board.money import format_yuan
from board.periods import period_label
from models import Role
from pages.shared.session import choose_village, engine, require_staff, show_error
from services.overview import village_overview


def _yuan(row: dict, key: str) -> str:
    return format_yuan(row[key], unit=False) if key in row else ""


user = require_staff()
st.title("月份总览")
code = choose_village(user)
if code:
    try:
        rows = village_overview(engine(), code, reviewer=user.role != Role.clerk)
    except BoardError as error:
        show_error(error)
        st.stop()
    if not rows:
        st.info("这个村/社区还没有任何月份的数据。")
    st.caption("金额单位：元。核验码是公开版本的编号，居民可用它核对纸质公开栏与网上是否一致。")
    st.dataframe(
        [
            {
                "月份": period_label(r["period"]),
                "状态": r["status_label"],
                "月初余额": _yuan(r, "opening_fen"),
                "本月收入": _yuan(r, "income_fen"),
                "本月支出": _yuan(r, "expense_fen"),
                "月末余额": _yuan(r, "closing_fen"),
                "公开版本": f"第 {r['snapshot_version']} 版" if r.get("snapshot_version") else "",
                "核验码": (r.get("snapshot_hash") or "")[:12],
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
        # Tall enough for a year of months without cutting a row in half.
        height=min(38 + 35 * max(len(rows), 1), 38 + 35 * 24),
    )
