"""乡镇与村 (admin): townships and villages."""

import streamlit as st

from models import Role
from pages.shared.admin import run_action, show_notice
from pages.shared.session import engine, require_staff
from services import admin

user = require_staff(Role.admin)
st.title("乡镇与村")
show_notice()
data = admin.overview(engine(), user.username)
townships = {code: t["name"] for code, t in data["townships"].items()}


st.dataframe(
    [
        {
            "代码": code,
            "名称": v["name"],
            "乡镇/街道": v["township"],
            "监督电话": v["hotline"],
            "公开栏地址": v["board_address"],
        }
        for code, v in data["villages"].items()
    ],
    hide_index=True,
    width="stretch",
)
left, right = st.columns(2)
with left, st.form("admin_village"):
    st.markdown("**新增村/社区**")
    code = st.text_input("代码（字母、数字，如 XF01）", key="village_code")
    name = st.text_input("名称", key="village_name")
    town = st.selectbox("所属乡镇/街道", list(townships), format_func=townships.get, key="village_town")
    hotline = st.text_input("监督电话（座机或服务号码）", key="village_hotline")
    address = st.text_input("公开栏地址", key="village_address")
    if st.form_submit_button("新增村/社区", type="primary"):
        run_action(
            lambda: admin.new_village(
                engine(),
                user.username,
                code=code,
                name=name,
                township_code=town,
                hotline=hotline,
                board_address=address,
            ),
            f"已新增 {name}。",
        )
with right, st.form("admin_township"):
    st.markdown("**新增乡镇/街道**")
    code = st.text_input("代码", key="town_code")
    name = st.text_input("名称", key="town_name")
    if st.form_submit_button("新增乡镇/街道"):
        run_action(lambda: admin.new_township(engine(), user.username, code=code, name=name), f"已新增 {name}。")
