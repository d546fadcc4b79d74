"""依法隐去 (admin): find where a leaked text sits in the published versions, and withdraw it
together with a member of the village's supervision committee, who types their own password here."""

import streamlit as st

from models import Role
from pages.shared.admin import run_action, show_notice
from pages.shared.session import browser_address, choose_published_period, choose_village, engine, require_staff
from services.redaction import Outcome, Signers, list_parts, redact_part, redact_text

user = require_staff(Role.admin)
st.title("依法隐去")
st.caption(
    "已公开的内容里发现泄露的个人信息，或本人申请删除时使用：该部分文字在公开栏、大屏、网页、PDF 和下载中"
    "都换成“［已依法隐去］”，核验码不变，其余内容仍可核验。须由管理员和村务监督委员会成员共同确认，记入操作日志。"
)
show_notice()
code = choose_village(user, key="redact_village")
if code is None:
    st.stop()
find = st.text_input(
    "查找文字（如泄露的号码或姓名，在所有月份、所有版本中查找；号码中的空格、横线不计）", key="redact_find"
).strip()
# Without a text, one month's versions part by part: all 24 months would be thousands of rows.
period = None if find else choose_published_period(code, key="redact_period")
rows = list_parts(engine(), village_code=code, period=period, find=find)
if not rows:
    st.info("没有找到含有这段文字的已公开内容。" if find else "这个月份没有可隐去的文字。")
    st.stop()
st.dataframe(
    [
        {
            "月份": r["period"],
            "版本": f"第{r['version']}版",
            "部分编号": r["part"],
            "内容": f"{r['text']}（不能单独隐去：{r['fixed']}）" if r["fixed"] else r["text"],
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
EVERYWHERE = "all"
choices = {f"{r['period']}|{r['version']}|{r['part']}": r for r in rows if not r["fixed"]}
options = ([EVERYWHERE] if find else []) + list(choices)


def label(key: str) -> str:
    if key == EVERYWHERE:
        versions = len({(r["period"], r["version"]) for r in choices.values()})
        return f"所有含有这段文字的部分（{len(choices)} 处，{versions} 个版本，每处分别记入操作日志）"
    r = choices[key]
    return f"{r['period']} 第{r['version']}版 {r['part']}：{r['text'][:40]}"


def done(outcome: Outcome) -> str:
    where = "；".join(f"{w.period} 第{w.version}版 {w.part}" for w in outcome.withdrawn)
    skipped = f"未隐去（核验失败）：{'；'.join(outcome.skipped)}。" if outcome.skipped else ""
    return f"已依法隐去 {len(outcome.withdrawn)} 处：{where}。{skipped}{outcome.site}。请重新推送摘要。"


with st.form("redact"):
    target = st.selectbox(
        "要隐去的内容", options, index=None, format_func=label, placeholder="请选择", key="redact_target"
    )
    reason = st.text_input("理由（如：泄露个人信息、本人申请删除）", key="redact_reason")
    st.markdown("**村务监督委员会成员确认**（本人输入自己的用户名和密码）")
    supervisor = st.text_input("监督委员会成员用户名", key="redact_supervisor")
    password = st.text_input("监督委员会成员密码", type="password", key="redact_password")
    if st.form_submit_button("依法隐去", type="primary"):
        signers = Signers(user.username, supervisor.strip(), password, address=browser_address())
        if target is None:
            st.error("请先选择要隐去的内容")
        elif target == EVERYWHERE:
            run_action(
                lambda: redact_text(engine(), village_code=code, text=find, reason=reason, signers=signers), done
            )
        else:
            r = choices[target]
            run_action(
                lambda: redact_part(
                    engine(),
                    village_code=code,
                    period=r["period"],
                    version=r["version"],
                    part_id=r["part"],
                    reason=reason,
                    signers=signers,
                ),
                done,
            )
