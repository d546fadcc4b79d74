"""网格与推送渠道 (admin): grids, their worker and channel; keys are named by reference, never shown."""

import streamlit as st

from exports.wechat.grids import CHANNELS
from models import Role
from pages.shared.admin import run_action, show_notice
from pages.shared.session import engine, require_staff
from services import admin

user = require_staff(Role.admin)
st.title("网格与推送渠道")
show_notice()
data = admin.overview(engine(), user.username)
villages = {code: v["name"] for code, v in data["villages"].items()}


grids = {g["id"]: g for g in data["grids"]}
st.dataframe(
    [
        {
            "村/社区": g["village"],
            "网格": g["name"],
            "网格员": g["worker"],
            "发送方式": g["channel"],
            "密钥": g["key"],
            "状态": "在用" if g["active"] else "已停用",
        }
        for g in grids.values()
    ],
    hide_index=True,
    width="stretch",
)
if grids:
    grid_id = st.selectbox(
        "选择网格", list(grids), format_func=lambda i: f"{grids[i]['village']} {grids[i]['name']}", key="grid_pick"
    )
    active = grids[grid_id]["active"]
    if st.button("停用这个网格" if active else "重新启用这个网格", key="grid_toggle"):
        run_action(
            lambda: admin.set_grid_active(engine(), user.username, grid_id=grid_id, active=not active), "已保存。"
        )

with st.form("admin_grid"):
    st.markdown("**新增网格**")
    village = st.selectbox("村/社区", list(villages), format_func=villages.get, key="grid_village")
    name = st.text_input("网格名称（如 第一网格）", key="grid_name")
    worker = st.text_input("网格员姓名", key="grid_worker")
    channel = st.selectbox("发送方式", list(CHANNELS), format_func=CHANNELS.get, key="grid_channel")
    key_ref = st.text_input(
        "密钥在服务器配置中的名称（如 WECOM_ROBOT_GRID1；不要填密钥本身，手动转发不用填）", key="grid_key_ref"
    )
    chat_id = st.text_input("群聊编号（仅企业微信应用群聊）", key="grid_chat")
    sender = st.text_input("发送人企业微信账号（仅客户群群发）", key="grid_sender")
    if st.form_submit_button("新增网格", type="primary"):
        run_action(
            lambda: admin.new_grid(
                engine(),
                user.username,
                village_code=village,
                name=name,
                channel=channel,
                worker=worker,
                key_ref=key_ref,
                chat_id=chat_id,
                sender=sender,
            ),
            f"已新增网格 {name}。",
        )
