"""依申请公开与村务质询 for residents: ask without an account, follow by 查询码, read answers.

User text is shown with ``st.text``/tables or escaped: never interpreted as markdown.
"""

from datetime import UTC, datetime

import streamlit as st

from board.errors import BoardError
from board.requests import (
    ANSWER_FORMS,
    KINDS,
    MAX_QUESTION,
    TOPICS,
    check_challenge,
    client_address,
    make_challenge,
    shanghai_today,
)
from infra.settings import get_settings
from pages.shared.session import engine, show_error
from services.requests import public_answers, request_status, request_villages, submit_request
from views.board_view import markdown_escape as md

CHALLENGE_KEY = "request_challenge"
ERROR_KEY = "request_error"
CODE_KEY = "request_code"

st.title("依申请公开与村务质询")
st.caption(
    "不需要登录。提交后会得到一个查询码，凭查询码查看办理进度和答复。"
    "依申请公开 20 个工作日内答复（可延长一次）；村务质询按乡镇规定的工作日内答复。"
)

villages = request_villages(engine())
if not villages:
    st.info("还没有可以受理申请的村/社区。")
    st.stop()

ask, follow, answers = st.tabs(["我要申请", "查询办理进度", "已公开的答复和统计"])

with ask:
    if code := st.session_state.get(CODE_KEY):
        st.success("已收到您的申请。请记下查询码，凭它查询办理进度和答复：")
        st.code(code, language=None)
    if error := st.session_state.pop(ERROR_KEY, None):
        show_error(error)
    if CHALLENGE_KEY not in st.session_state:
        st.session_state[CHALLENGE_KEY] = make_challenge()
    with st.form("request_form"):
        village = st.selectbox("村/社区", list(villages), format_func=villages.get)
        kind = st.radio(
            "申请类型", KINDS, horizontal=True, help="依申请公开：想获取某项信息；村务质询：对村务、账目提出疑问"
        )
        topic = st.selectbox("涉及内容", TOPICS)
        subject = st.text_input("标题", max_chars=200, placeholder="例如：今年排水沟工程款的用途")
        question = st.text_area("问题或所需信息", max_chars=MAX_QUESTION, help="请不要写身份证号、银行卡号等个人信息")
        name = st.text_input("姓名（可不填）", max_chars=50)
        phone = st.text_input("联系电话（只用于答复，不会公开）", max_chars=20)
        answer_form = st.selectbox("希望的答复方式", ANSWER_FORMS, index=1)
        consent = st.checkbox("同意在公开栏公开问题和答复（不含姓名和电话）")
        answer = st.text_input(f"验证题：{st.session_state[CHALLENGE_KEY].question}", max_chars=3)
        sent = st.form_submit_button("提交申请", type="primary")
    if sent:
        challenge = st.session_state[CHALLENGE_KEY]
        try:
            check_challenge(challenge, answer)
            st.session_state[CODE_KEY] = submit_request(
                engine(),
                village_code=village,
                kind=kind,
                topic=topic,
                subject=subject,
                question=question,
                name=name,
                phone=phone,
                answer_form=answer_form,
                publish_consent=consent,
                client_address=client_address(
                    st.context.ip_address, st.context.headers.get("X-Forwarded-For"), get_settings().trusted_proxies
                ),
                now=datetime.now(UTC),
            )
        except BoardError as error:
            st.session_state[ERROR_KEY] = error
        # A fresh question for every attempt, so one answer cannot be replayed.
        st.session_state[CHALLENGE_KEY] = make_challenge()
        st.rerun()

with follow:
    code = st.text_input("查询码", max_chars=20, key="follow_code")
    if st.button("查询", key="follow_button") and code:
        try:
            status = request_status(engine(), code, today=shanghai_today(datetime.now(UTC)))
        except BoardError as error:
            show_error(error)
        else:
            st.subheader(md(f"{status['village_name']} · {status['kind']}"))
            st.text(status["subject"])
            st.dataframe(
                [
                    {
                        "收到日期": status["received_on"],
                        "答复期限": status["due_on"] or "暂停计时（待补正）",
                        "状态": status["status_label"],
                        "进度": status["days_left_label"],
                    }
                ],
                hide_index=True,
                width="stretch",
            )
            if status["reply_form"]:
                st.markdown(f"**答复（{md(status['reply_form'])}，{md(status['replied_on'])}）**")
                st.text(status["reply_text"])

with answers:
    chosen = st.selectbox("村/社区", list(villages), format_func=villages.get, key="answers_village")
    shown, stats = public_answers(engine(), chosen)
    if not shown:
        st.info("这个村/社区还没有公开的问答。")
    for item in shown:
        with st.expander(md(f"{item['replied_on']} · {item['subject']}（{item['reply_form']}）")):
            st.caption(md(f"{item['kind']} · {item['topic']} · 收到 {item['received_on']}"))
            st.text(item["question"])
            st.markdown("**答复**")
            st.text(item["reply_text"])
    st.subheader("办理情况统计")
    st.dataframe(
        [
            {
                "范围": r["scope"],
                "收到": r["received"],
                "已答复": r["answered"],
                "按时答复率": "—" if r["on_time_pct"] is None else f"{r['on_time_pct']}%",
                "答复用时中位数（工作日）": "—" if r["median_workdays"] is None else r["median_workdays"],
            }
            for r in stats
        ],
        hide_index=True,
        width="stretch",
    )
