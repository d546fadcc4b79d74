"""工作人员登录: staff sign in with their own username and argon2-hashed password."""

import streamlit as st

from board.errors import BoardError
from pages.shared.plain import md
from pages.shared.session import first_admin_needed, log_in, password_pending, session_expired, set_pending_password

st.title("工作人员登录")
st.caption("村民查看公开栏无需登录。")
if session_expired():
    st.warning("长时间未操作，已自动退出，请重新登录。")
if password_pending():
    st.info(f"“{password_pending()}”的密码是管理员设置的临时密码，请先设置您自己的新密码，才能继续使用。")
    with st.form("own_password"):
        new_password = st.text_input("新密码（至少 8 位）", type="password", key="own_password")
        repeat = st.text_input("再输入一次新密码", type="password", key="own_password_repeat")
        if st.form_submit_button("设置新密码并登录", type="primary"):
            try:
                set_pending_password(new_password, repeat)
                st.rerun()
            except BoardError as error:
                st.error(md(error.problems[0].message))
    st.stop()
if first_admin_needed():
    st.info(
        "还没有系统管理员账号（演示账号不算）。请在服务器上创建第一个管理员，密码从标准输入读取：\n\n"
        "`python -m board user add --username 用户名 --role admin`"
    )
with st.form("login"):
    username = st.text_input("用户名")
    password = st.text_input("密码", type="password")
    if st.form_submit_button("登录", type="primary"):
        try:
            if log_in(username, password):
                st.rerun()
            st.error("用户名或密码不对。")
        except BoardError as error:
            st.error(md(error.problems[0].message))
