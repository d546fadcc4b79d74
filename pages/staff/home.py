"""我的待办: where a staff member lands after login — what to do this month, step by step."""

import streamlit as st

from board.periods import period_label
from models import Role
from pages.shared.plain import md
from pages.shared.session import engine, require_staff
from services import month

ENTRY = "pages/staff/entry.py"
GUIDE = {
    Role.supervisor: "文书提交后，请在“审核与公开”逐行核对，审核通过或写明原因退回。",
    Role.township: "在“按时公开情况”查看各村是否按期公开，在“月份总览”查看各村的月份。",
    Role.grid: "村里公开后，在“网格转发”把本月摘要发到网格群。",
    Role.admin: "在“用户管理”“乡镇与村”“网格与推送渠道”“公开期限”中维护系统设置。",
}

user = require_staff()
st.title("我的待办")
villages = month.todo(engine(), user.username)
if not villages:
    st.info("您的账号还没有绑定任何村/社区，请联系管理员。")
for item in villages:
    st.subheader(md(item["village_name"]))
    if user.role == Role.clerk:
        state = item["month"]
        label = period_label(item["period"])
        if not state["started"]:
            st.markdown(f"**{label}还没有开始录入。** 打开“录入本月三务”，看过要从上月复制的内容后点“开始录入”。")
            st.page_link(ENTRY, label=f"去开始录入 {label}", icon=":material/edit_calendar:")
            continue
        st.markdown(f"**{label}** · 状态：{state['status_label']}")
        for step in item["steps"]:
            mark = ":green[✓]" if step["done"] else ":orange[○]"
            line = st.columns([1, 5])
            line[0].markdown(f"{mark} **{step['label']}**")
            if step["tab"] and state["editable"]:
                line[1].page_link(ENTRY, label=step["detail"], query_params={"tab": step["tab"]})
            else:
                line[1].markdown(md(step["detail"]))
        if state["editable"] and all(s["done"] for s in item["steps"][:-1]):
            st.page_link(ENTRY, label="各项已齐，去提交审核", icon=":material/send:")
    elif "waiting" in item:
        if item["waiting"]:
            for m in item["waiting"]:
                st.markdown(f"- {period_label(m['period'])}：{m['status_label']}")
            st.page_link("pages/staff/review.py", label="去审核与公开", icon=":material/fact_check:")
        else:
            st.markdown("目前没有等您审核的月份。")
if user.role in GUIDE:
    st.caption(GUIDE[user.role])
