"""审核与公开: the supervisor reads every line of a submitted month, then approves, sends back or publishes.

Township staff see the same review read-only: no buttons, and the workflow refuses them anyway.
"""

import streamlit as st

from board.errors import BoardError
from board.money import format_yuan
from board.workflow import STEPS
from models import PeriodStatus, Role
from pages.shared.plain import md
from pages.shared.session import choose_village, engine, require_staff, show_error
from services.review import load_review, review_months
from services.workflow import take_step
from views.review import (
    beneficiary_table,
    difference_table,
    identity_table,
    major_payment_table,
    section_table,
)

user = require_staff(Role.supervisor, Role.township, Role.clerk)
st.title("审核与公开")
code = choose_village(user, key="review_village")
if not code:
    st.stop()


try:
    months = review_months(engine(), code, user.username)
except BoardError as error:
    show_error(error)
    st.stop()
if not months:
    st.info("这个村/社区还没有任何月份的数据。")
    st.stop()
labels = {m["period"]: f"{m['period']}（{m['status_label']}）" for m in months}
waiting = [m["period"] for m in months if m["status"] in (PeriodStatus.submitted, PeriodStatus.approved)]
periods = list(labels)
period = st.sidebar.selectbox(
    "月份", periods, index=periods.index(waiting[0]) if waiting else 0, format_func=labels.get, key="review_period"
)

try:
    review = load_review(engine(), code, period, user.username)
except BoardError as error:
    show_error(error)
    st.stop()

if notice := st.session_state.pop("review_notice", None):
    st.success(md(notice))
st.subheader(f"{md(review['village'])} {period} · {review['status_label']}")
if review["submitted_by"]:
    st.caption(f"提交人：{md(review['submitted_by'])} · 版本 {review['row_version']}")
if review["rejection_comment"]:
    st.warning(f"上次退回意见：{md(review['rejection_comment'])}")
if review["amendment_reason"]:
    st.info(f"更正说明：{md(review['amendment_reason'])}")

if review["problems"]:
    st.error(f"发现 {len(review['problems'])} 个问题，需退回文书修改：")
    st.dataframe(BoardError(review["problems"]).as_rows(), hide_index=True, width="stretch")
if review["empty_sections"]:
    st.warning("以下栏目本月为空，公开时显示“本月无”：" + "、".join(review["empty_sections"]))
if review["major_payments"]:
    st.warning(f"有 {len(review['major_payments'])} 笔 5万元及以上的支出，须履行四议两公开并专项公开：")
    st.dataframe(major_payment_table(review["major_payments"]), hide_index=True, width="stretch")

st.markdown("#### 账户余额勾稽")
if not review["balanced"]:
    st.error("有账户的月初 + 收入 − 支出 与月末余额不符。")
st.dataframe(identity_table(review["accounts"]), hide_index=True, width="stretch")

st.markdown("#### 与上月比较")
if review["has_previous"]:
    st.caption(f"上月（{review['previous_period']}）取自已公开版本。")
else:
    st.caption(f"上月（{review['previous_period']}）没有公开数据，无法比较。")
st.dataframe(difference_table(review["total_differences"]), hide_index=True, width="stretch")
st.dataframe(difference_table(review["category_differences"], by_category=True), hide_index=True, width="stretch")

st.markdown("#### 全部明细")
for key, section in review["sections"].items():
    with st.expander(f"{section['label']}（{len(section['rows'])} 行）", expanded=key == "ledger"):
        if not section["rows"]:
            st.caption("本月无")
            continue
        st.dataframe(section_table(key, section["rows"]), hide_index=True, width="stretch")
        if key == "affairs":
            for item in section["rows"]:
                if item["beneficiaries"]:
                    total = sum(b["amount_fen"] or 0 for b in item["beneficiaries"])
                    st.markdown(
                        f"**{md(item['title'])}** 名单 {len(item['beneficiaries'])} 人，合计 {format_yuan(total)}"
                    )
                    st.dataframe(beneficiary_table(item["beneficiaries"]), hide_index=True, width="stretch")

steps = [s for s in review["steps"] if s in ("approve", "reject", "publish")]
st.divider()
if not steps:
    st.caption("您对这个月份只能查看。")
    st.stop()
comment = st.text_area("审核意见 / 退回原因", key="review_comment") if {"approve", "reject"} & set(steps) else ""
for column, step in zip(st.columns(len(steps)), steps):
    if column.button(STEPS[step].label, key=f"step_{step}", type="primary" if step != "reject" else "secondary"):
        try:
            result = take_step(engine(), code, period, user.username, step, comment)
        except BoardError as error:
            show_error(error)
            st.stop()
        done = f"{period}：{result.label}完成。"
        if result.version is not None:
            done += f" 第{result.version}版，核验码 {result.content_hash[:12]}。"
        st.session_state["review_notice"] = done
        st.rerun()
