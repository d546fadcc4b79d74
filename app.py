"""三务公开栏 — Streamlit entry point: navigation by role, staff login, public board."""

import streamlit as st

from infra.settings import get_settings, local_link_warning
from models import Role
from pages.shared.session import current_user, log_out

st.set_page_config(page_title="三务公开栏", page_icon="📋", layout="wide")
# Streamlit declares <html lang="en">: screen readers would read this Chinese page with an English voice.
st.html("<script>document.documentElement.lang = 'zh-CN';</script>", unsafe_allow_javascript=True)

STAFF_ROLES = (Role.admin, Role.township, Role.clerk, Role.supervisor, Role.grid)


def logout_page() -> None:
    log_out()
    st.rerun()


public_pages = [
    st.Page("pages/public/board.py", title="三务公开栏", icon=":material/campaign:", url_path="board", default=True),
    st.Page("pages/public/requests.py", title="依申请公开", icon=":material/contact_support:", url_path="ask"),
]
# Each staff page: (script, title, url_path, roles that see it in the menu).
staff_pages = [
    ("pages/staff/overview.py", "月份总览", "overview", STAFF_ROLES),
    ("pages/staff/compliance.py", "按时公开情况", "compliance", (Role.township,)),
    ("pages/staff/entry.py", "录入本月三务", "entry", (Role.clerk,)),
    ("pages/staff/import.py", "Excel导入", "import", (Role.clerk,)),
    ("pages/staff/review.py", "审核与公开", "review", (Role.supervisor, Role.township, Role.clerk)),
    ("pages/staff/audit.py", "操作日志", "audit", (Role.township, Role.clerk, Role.supervisor)),
    ("pages/staff/downloads.py", "打印与下载", "downloads", STAFF_ROLES),
    ("pages/staff/share.py", "网格转发", "share", (Role.grid, Role.clerk)),
    ("pages/staff/policy.py", "政策问答", "policy", (Role.grid, Role.clerk, Role.township, Role.supervisor)),
    ("pages/staff/requests.py", "居民申请", "requests", (Role.clerk, Role.township, Role.supervisor)),
    ("pages/staff/catalogue.py", "公开目录", "catalogue", (Role.township,)),
]

user = current_user()
sections = {"公开栏": public_pages}
if user is None:
    sections["工作人员"] = [
        st.Page("pages/staff/login.py", title="工作人员登录", icon=":material/login:", url_path="login")
    ]
else:
    allowed = [
        st.Page(script, title=title, url_path=path)
        for script, title, path, roles in staff_pages
        if user.role in roles or user.role == Role.admin
    ]
    allowed.append(
        st.Page(logout_page, title=f"退出（{user.display_name}）", icon=":material/logout:", url_path="logout")
    )
    sections["工作人员"] = allowed

page = st.navigation(sections)
if user is not None and page.url_path in {path for _, _, path, _ in staff_pages}:
    warning = local_link_warning(get_settings())
    if warning:
        st.warning(warning, icon=":material/link_off:")
page.run()
