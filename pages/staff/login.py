"""工作人员登录: staff sign in with their own username and argon2-hashed password."""

import streamlit as st

from board.errors import BoardError
from pages.shared.plain import md
from pages.shared.session import first_admin_needed, log_in, session_expired

st.title("工作人员登录")
st.caption("村民查看公开栏无需登录。")
if session_expired():
    st.warning("长时间未操作，已自动退出，请重新登录。")
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
