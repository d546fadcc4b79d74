"""按时公开情况: which villages of a township published a month, and whether on time."""

from datetime import date

import streamlit as st

from board.compliance import VERDICT_LABELS, export_rows, report_csv, report_xlsx, summarise
from board.periods import period_of, shift_period
from infra.settings import get_settings
from models import Role
from pages.shared.session import engine, require_staff
from services.admin import deadline_day as township_deadline
from services.compliance import catalogue_check, deadline_report
from services.scope import township_choices

user = require_staff(Role.township)
st.title("按时公开情况")
townships = township_choices(engine(), user.username)
if not townships:
    st.info("您的账号没有绑定乡镇/街道。")
    st.stop()
code = st.selectbox("乡镇/街道", list(townships), format_func=townships.get)
months = [shift_period(period_of(date.today()), -i) for i in range(1, 13)]
period = st.selectbox("月份", months)
deadline_day = township_deadline(engine(), code, get_settings().deadline_day)
rows = deadline_report(engine(), code, period, today=date.today(), deadline_day=deadline_day)
on_time = sum(r["on_time"] for r in rows)
st.metric("按时公开", f"{on_time} / {len(rows)} 个村（社区）")
st.caption(f"公开期限：次月 {deadline_day} 日（管理员可在“公开期限”页面按乡镇设置）")
st.dataframe(
    [
        {
            "村/社区": r["village_name"],
            "状态": r["status"],
            "公开日期": r["published_on"],
            "期限": r["deadline"],
            "情况": r["verdict"],
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)

st.subheader("按公开目录逐项核对")
st.caption("每村每个事项按目录里的时限核对；期限遇节假日顺延到下一个工作日，“事后 N 个工作日”按工作日历计算。")
items = catalogue_check(engine(), code, period, today=date.today())
summary = summarise(items)
st.dataframe(
    [
        {"村/社区": s["village_name"], **{VERDICT_LABELS[k]: s[k] for k in ("on_time", "late", "missing", "pending")}}
        for s in summary
    ],
    hide_index=True,
    width="stretch",
)
problems = [r for r in export_rows(items) if r["情况"] in (VERDICT_LABELS["late"], VERDICT_LABELS["missing"])]
if problems:
    st.error(f"{len(problems)} 项逾期或未公开：")
    st.dataframe(problems, hide_index=True, width="stretch")
with st.expander("全部事项"):
    st.dataframe(export_rows(items), hide_index=True, width="stretch")
left, right = st.columns(2)
left.download_button(
    "下载 CSV", data=report_csv(items), file_name=f"按清单核对-{code}-{period}.csv", mime="text/csv", on_click="ignore"
)
right.download_button(
    "下载 Excel",
    data=report_xlsx(items),
    file_name=f"按清单核对-{code}-{period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
