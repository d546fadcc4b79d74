"""公开期限 (admin): by which day of the following month each township's villages publish."""

import streamlit as st

from board.errors import BoardError
from infra.settings import get_settings
from models import Role
from pages.shared.admin import NOTICE_KEY, show_notice
from pages.shared.session import engine, require_staff, show_error
from services import admin

user = require_staff(Role.admin)
st.title("公开期限")
default = get_settings().deadline_day
st.caption(f"各村每月的三务要在次月的这一天之前公开（当地规定；未单独设置的乡镇按系统默认：次月 {default} 日）。")
show_notice()
data = admin.overview(engine(), user.username)
townships = data["townships"]
if not townships:
    st.info("还没有乡镇/街道，请先在“乡镇与村”中新增。")
    st.stop()
st.dataframe(
    [
        {
            "乡镇/街道": t["name"],
            "公开期限": f"次月 {t['deadline_day'] or default} 日" + ("" if t["deadline_day"] else "（默认）"),
        }
        for t in townships.values()
    ],
    hide_index=True,
    width="stretch",
)
with st.form("admin_deadline"):
    code = st.selectbox("乡镇/街道", list(townships), format_func=lambda c: townships[c]["name"], key="deadline_town")
    day = st.number_input(
        "次月几日之前公开",
        min_value=1,
        max_value=28,
        value=townships[code]["deadline_day"] or default,
        key="deadline_day",
    )
    if st.form_submit_button("保存公开期限", type="primary"):
        try:
            admin.set_deadline(engine(), user.username, township_code=code, day=int(day))
        except BoardError as error:
            show_error(error)
        else:
            st.session_state[NOTICE_KEY] = f"已保存：{townships[code]['name']}次月 {int(day)} 日之前公开。"
            st.rerun()
