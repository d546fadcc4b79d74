"""三务公开栏 — Streamlit entry point: navigation by role, staff login, public board."""

import streamlit as st

from pages.shared.session import current_user, log_in, log_out
from models import Role

st.set_page_config(page_title="三务公开栏", page_icon="📋", layout="wide")

STAFF_ROLES = (Role.admin, Role.township, Role.clerk, Role.supervisor, Role.grid)


def login_page() -> None:
    st.title("工作人员登录")
    st.caption("村民查看公开栏无需登录。")
    with st.form("login"):
        username = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", type="primary"):
            if log_in(username, password):
                st.rerun()
            st.error("用户名或密码不对。")


def logout_page() -> None:
    log_out()
    st.rerun()


public_pages = [
    st.Page("pages/public/board.py", title="三务公开栏", icon="📋", url_path="board", default=True),
]
# Each staff page: (script, title, url_path, roles that see it in the menu).
staff_pages = [
    ("pages/staff/overview.py", "月份总览", "overview", STAFF_ROLES),
]

user = current_user()
sections = {"公开栏": public_pages}
if user is None:
    sections["工作人员"] = [st.Page(login_page, title="工作人员登录", icon="🔑", url_path="login")]
else:
    allowed = [
        st.Page(script, title=title, url_path=path)
        for script, title, path, roles in staff_pages
        if user.role in roles or user.role == Role.admin
    ]
    allowed.append(st.Page(logout_page, title=f"退出（{user.display_name}）", icon="🚪", url_path="logout"))
    sections["工作人员"] = allowed

st.navigation(sections).run()
