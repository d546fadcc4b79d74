"""三务公开栏 — Streamlit entry point: navigation by role, staff login, public board."""

import re

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from infra.settings import get_settings, local_link_warning
from models import Role
from pages.shared.menu import STAFF_PAGES
from pages.shared.session import LANDING_KEY, current_user, log_out

st.set_page_config(page_title="三务公开栏", page_icon="📋", layout="wide")
# Streamlit declares <html lang="en">: screen readers would read this Chinese page with an English voice.
st.html("<script>document.documentElement.lang = 'zh-CN';</script>", unsafe_allow_javascript=True)

# Streamlit's file uploader has no Chinese texts: replace them, with the real limit (server.maxUploadSize).
CHINESE_UPLOADER = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "拖入文件，或点右侧按钮选择；单个文件不超过 20MB"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChips"] button) { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChips"] button)::after {
  content: "选择文件"; font-size: 1rem; white-space: nowrap; }
[data-testid="stFileUploaderDropzone"] button:not([data-testid="stFileChips"] button) [data-testid="stIconMaterial"] {
  display: none; }
</style>"""


def logout_page() -> None:
    log_out()
    st.rerun()


def not_found_page() -> None:
    st.title("找不到这个页面")
    st.write("这个网址没有对应的页面，可能是书签已过期，或需要先登录。")
    st.page_link("pages/public/board.py", label="去看三务公开栏", icon=":material/campaign:")
    if current_user() is None:
        st.page_link("pages/staff/login.py", label="工作人员登录", icon=":material/login:")


public_pages = [
    st.Page("pages/public/board.py", title="三务公开栏", icon=":material/campaign:", url_path="board", default=True),
    st.Page("pages/public/requests.py", title="依申请公开", icon=":material/contact_support:", url_path="ask"),
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
        for script, title, path, roles in STAFF_PAGES
        if user.role in roles or user.role == Role.admin
    ]
    allowed.append(
        st.Page(logout_page, title=f"退出（{user.display_name}）", icon=":material/logout:", url_path="logout")
    )
    sections["工作人员"] = allowed

# An unknown address gets our own Chinese page instead of Streamlit's English "Page not found" dialog.
ctx = get_script_run_ctx()
requested = (ctx.pages_manager.intended_page_name or "") if ctx else ""
known = {p.url_path for pages in sections.values() for p in pages}
if requested and requested not in known and re.fullmatch(r"[\w-]+", requested):
    sections["公开栏"] = [
        *public_pages,
        st.Page(not_found_page, title="找不到页面", url_path=requested, visibility="hidden"),
    ]

st.html(CHINESE_UPLOADER)
page = st.navigation(sections, expanded=True)  # collapsed, Streamlit adds an English "View n more"
if user is not None and page.url_path in {path for _, _, path, _ in STAFF_PAGES}:
    warning = local_link_warning(get_settings())
    if warning:
        st.warning(warning, icon=":material/link_off:")
if user is not None and st.session_state.pop(LANDING_KEY, False):
    st.switch_page(sections["工作人员"][0])
page.run()
