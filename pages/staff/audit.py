"""操作日志: who changed what, when, before and after; filter by village and month."""

import streamlit as st

from board.errors import BoardError
from models import Role
from pages.shared.session import engine, require_staff, show_error
from services.audit import audit_log
from services.scope import village_choices

user = require_staff(Role.township, Role.clerk, Role.supervisor)
st.title("操作日志")

villages = village_choices(engine(), user.username)
options = ["", *villages]
code = st.selectbox("村/社区", options, format_func=lambda c: villages.get(c, "全部"), key="audit_village")
period = st.text_input("月份（如 2026-10，留空为全部）", key="audit_period").strip()

try:
    rows = audit_log(engine(), user.username, village_code=code or None, period=period or None)
except BoardError as error:
    show_error(error)
    st.stop()
if not rows:
    st.info("没有符合条件的记录。")
    st.stop()
st.caption(f"共 {len(rows)} 条（最多显示 500 条，最新的在前）。")
st.dataframe(
    [
        {
            "记录": r["sentence"],
            "详情": r["detail"],
            "时间": r["at"],
            "用户": r["username"],
            "操作": r["action_label"],
            "月份": r["period"],
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
