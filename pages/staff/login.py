"""工作人员登录: staff sign in with their own username and argon2-hashed password."""

import streamlit as st

from board.errors import BoardError
from pages.shared.plain import md
from pages.shared.session import log_in

st.title("工作人员登录")
st.caption("村民查看公开栏无需登录。")
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
