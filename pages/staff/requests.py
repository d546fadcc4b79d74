"""居民申请: the clerk's inbox (working days left, overdue in red) and the township's view.

Clerks handle their villages' requests; township staff and supervisors see them read-only.
"""

from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from board.errors import BoardError
from board.requests import MAX_EXTENSION_DAYS, REPLY_FORMS, shanghai_today
from exports.request_pdf import render_reply_letter
from models import Role
from pages.shared.session import engine, require_staff, show_error
from services import requests as service
from views.board_view import markdown_escape as md

NOTICE_KEY = "requests_notice"
COLUMNS = {
    "code": "查询码",
    "village_name": "村/社区",
    "kind": "类型",
    "subject": "标题",
    "phone": "电话",
    "received_on": "收到",
    "due_on": "期限",
    "status_label": "状态",
    "days_left_label": "剩余",
}

user = require_staff(Role.clerk, Role.township, Role.supervisor)
st.title("居民申请")
today = shanghai_today(datetime.now(UTC))

if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice)

only_open = st.toggle("只看未答复的", value=True)
rows = service.inbox(engine(), user.username, today=today, open_only=only_open)

overdue = [r for r in rows if r["overdue"]]
left, right = st.columns(2)
left.metric("未答复", sum(r["status"] != "replied" for r in rows))
right.metric("已逾期", len(overdue))
if overdue:
    st.error(f"有 {len(overdue)} 件申请已超过答复期限，请尽快答复。")

if not rows:
    st.info("没有需要办理的申请。")
    st.stop()

frame = pd.DataFrame([{label: r[key] for key, label in COLUMNS.items()} for r in rows])
flags = [r["overdue"] for r in rows]
st.dataframe(
    frame.style.apply(lambda row: ["color: #c62828; font-weight: 700" if flags[row.name] else "" for _ in row], axis=1),
    hide_index=True,
    width="stretch",
)

if user.role == Role.township:
    by_village: dict[str, dict] = {}
    for r in rows:
        entry = by_village.setdefault(r["village_name"], {"村/社区": r["village_name"], "未答复": 0, "已逾期": 0})
        entry["未答复"] += r["status"] != "replied"
        entry["已逾期"] += r["overdue"]
    st.subheader("各村办理情况")
    st.dataframe(list(by_village.values()), hide_index=True, width="stretch")
    current = service.township_inquiry_days(engine(), user.username)
    if current is not None:
        with st.form("inquiry_days"):
            days = st.number_input("村务质询答复期限（工作日）", min_value=1, max_value=30, value=current)
            if st.form_submit_button("保存"):
                try:
                    service.set_inquiry_days(engine(), user.username, int(days))
                    st.session_state[NOTICE_KEY] = f"村务质询答复期限已设为 {int(days)} 个工作日（新申请起生效）。"
                    st.rerun()
                except BoardError as error:
                    show_error(error)

st.divider()
code = st.selectbox(
    "办理申请",
    [r["code"] for r in rows],
    format_func=lambda c: next(f"{c} · {r['subject']}" for r in rows if r["code"] == c),
)
detail = service.request_detail(engine(), code, user.username, today=today)

st.subheader(md(f"{detail['code']} · {detail['subject']}"))
st.caption(
    md(
        f"{detail['village_name']} · {detail['kind']} · {detail['topic']} · 申请人 {detail['requester']} · "
        f"电话 {detail['phone']} · 希望 {detail['answer_form']}答复"
    )
)
if detail["overdue"]:
    st.error(md(f"期限 {detail['due_on']}，{detail['days_left_label']}"))
else:
    st.info(md(f"期限 {detail['due_on'] or '暂停计时'}，{detail['days_left_label']}"))
if detail["unknown_years"]:
    st.warning(f"{'、'.join(map(str, detail['unknown_years']))} 年的节假日安排尚未录入，期限暂按周一至周五计算。")
st.text(detail["question"])
st.dataframe(
    [{"日期": e["on_day"], "经过": e["label"], "说明": e["note"], "办理人": e["by"]} for e in detail["events"]],
    hide_index=True,
    width="stretch",
)


def run(action, message: str, **kwargs) -> None:
    """One service call for this request; the page reruns to show the new state."""
    try:
        action(engine(), code, user.username, **kwargs)
    except BoardError as error:
        show_error(error)
        return
    st.session_state[NOTICE_KEY] = message
    st.rerun()


if detail["status"] == "replied":
    st.markdown(f"**答复（{md(detail['reply_form'])}，{md(detail['replied_on'])}）**")
    st.text(detail["reply_text"])
    letter = service.reply_letter(engine(), code, user.username)
    st.download_button(
        "下载答复书（PDF）",
        data=partial(render_reply_letter, letter),
        file_name=f"答复书-{code}.pdf",
        mime="application/pdf",
        on_click="ignore",
    )

if user.role not in (Role.clerk, Role.admin):
    st.stop()

if detail["status"] == "replied":
    if not detail["published"]:
        general = st.checkbox("属于群众普遍关注的事项（条例第四十四条）", disabled=detail["publish_consent"])
        if st.button("在公开栏公开问答（不含姓名和电话）"):
            run(service.publish_answer, "问答已公开。", today=today, general_interest=general)
    st.stop()

if st.button("查看完整电话（会记入操作日志）"):
    phone = service.reveal_phone(engine(), code, user.username)
    st.code(phone, language=None)

reply_tab, extend_tab, other_tab = st.tabs(["答复", "延期", "补正与第三方意见"])
with reply_tab, st.form("reply_form"):
    form = st.selectbox("答复类型", REPLY_FORMS)
    text = st.text_area("答复内容", height=180)
    reason = st.text_input("理由（不予公开、部分公开写理由；非本机关掌握写负责机关）")
    publish = st.checkbox(
        "答复后在公开栏公开（申请人已同意时）", value=detail["publish_consent"], disabled=not detail["publish_consent"]
    )
    if st.form_submit_button("答复", type="primary"):
        run(service.reply, "已答复。", form=form, text=text, reason=reason, publish=publish, today=today)

with extend_tab, st.form("extend_form"):
    days = st.number_input("延长工作日数", min_value=1, max_value=MAX_EXTENSION_DAYS, value=MAX_EXTENSION_DAYS)
    why = st.text_input("延期理由（必填，经负责人同意）")
    if st.form_submit_button("延长答复期限"):
        run(service.extend, "已延长答复期限。", reason=why, days=int(days), today=today)

with other_tab:
    if detail["status"] == "supplement":
        if st.button("申请人已补正（重新计时）"):
            run(service.supplement_received, "已登记补正，答复期限重新计算。", today=today)
    else:
        note = st.text_input("需要申请人补正的内容（一次性告知，收到申请 7 个工作日内）")
        if st.button("告知补正（暂停计时）"):
            run(service.ask_supplement, "已告知补正，暂停计时。", note=note, today=today)
    if detail["status"] == "consult":
        if st.button("第三方意见已收回"):
            run(service.end_consultation, "已登记第三方意见收回。", today=today)
    elif detail["status"] == "pending" and st.button("开始征求第三方意见（最多 15 个工作日不计入期限）"):
        run(service.start_consultation, "已开始征求第三方意见。", today=today)
