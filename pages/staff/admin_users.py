"""用户管理 (admin): add a user, reset a password, deactivate, assign villages and role."""

import streamlit as st

from board.auth import ROLE_LABELS
from models import Role
from pages.shared.admin import run_action, show_notice
from pages.shared.session import engine, require_staff
from services import admin

user = require_staff(Role.admin)
st.title("用户管理")
show_notice()
data = admin.overview(engine(), user.username)
villages = {code: v["name"] for code, v in data["villages"].items()}
townships = {code: t["name"] for code, t in data["townships"].items()}
roles = {r.value: label for r, label in ROLE_LABELS.items()}


st.dataframe(
    [
        {
            "用户名": u["username"],
            "姓名": u["display_name"],
            "角色": u["role_label"],
            "负责的村/社区": "、".join(villages.get(c, c) for c in u["villages"]),
            "乡镇/街道": townships.get(u["township"], ""),
            "状态": "在用" if u["active"] else "已停用",
        }
        for u in data["users"]
    ],
    hide_index=True,
    width="stretch",
)

add, change = st.tabs(["新增用户", "修改已有用户"])
with add, st.form("admin_add_user"):
    login = st.text_input("用户名（登录用，字母或数字）", key="new_login")
    name = st.text_input("姓名（会显示为提交人、审核人）", key="new_name")
    password = st.text_input("初始密码（至少 8 位，请当面告诉本人）", type="password", key="new_password")
    role = st.selectbox("角色", list(roles), format_func=roles.get, key="new_role")
    chosen = st.multiselect(
        "负责的村/社区（文书、监督委员、网格员必选）", list(villages), format_func=villages.get, key="new_villages"
    )
    town = st.selectbox(
        "所属乡镇/街道（乡镇干部必选）",
        ["", *townships],
        format_func=lambda c: townships.get(c, "（无）"),
        key="new_town",
    )
    if st.form_submit_button("新增用户", type="primary"):
        run_action(
            lambda: admin.new_user(
                engine(),
                user.username,
                login=login,
                display_name=name,
                password=password,
                role=role,
                village_codes=tuple(chosen),
                township_code=town or None,
            ),
            f"已新增用户 {login}。此密码是临时密码：对方第一次登录时须设置自己的密码。",
        )

with change:
    people = {u["username"]: u for u in data["users"]}
    login = st.selectbox(
        "选择用户", list(people), format_func=lambda n: f"{people[n]['display_name']}（{n}）", key="edit_login"
    )
    person = people[login]
    with st.form("admin_assign"):
        role = st.selectbox(
            "角色", list(roles), index=list(roles).index(person["role"]), format_func=roles.get, key="edit_role"
        )
        chosen = st.multiselect(
            "负责的村/社区", list(villages), default=person["villages"], format_func=villages.get, key="edit_villages"
        )
        towns = ["", *townships]
        town = st.selectbox(
            "所属乡镇/街道",
            towns,
            index=towns.index(person["township"]) if person["township"] in towns else 0,
            format_func=lambda c: townships.get(c, "（无）"),
            key="edit_town",
        )
        if st.form_submit_button("保存角色和负责的村"):
            run_action(
                lambda: admin.assign_user(
                    engine(),
                    user.username,
                    login=login,
                    role=role,
                    village_codes=tuple(chosen),
                    township_code=town or None,
                ),
                f"已保存 {login} 的角色和负责的村。",
            )
    with st.form("admin_reset"):
        password = st.text_input("新密码（至少 8 位）", type="password", key="reset_password")
        if st.form_submit_button("重设密码"):
            run_action(
                lambda: admin.reset_password(engine(), user.username, login=login, password=password),
                f"已重设 {login} 的密码。这是临时密码：对方登录后须先设置自己的密码，在此之前不能审核或确认依法隐去。",
            )
    label = "停用这个账号" if person["active"] else "重新启用这个账号"
    if st.button(label, key="toggle_active"):
        run_action(
            lambda: admin.set_active(engine(), user.username, login=login, active=not person["active"]),
            f"已{'停用' if person['active'] else '启用'} {login}。停用后此人立即不能再操作。",
        )
