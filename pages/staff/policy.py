"""政策问答: turn a policy document into plain answers, check the wording, approve, push and print."""

from datetime import UTC, date, datetime
from functools import partial

import streamlit as st

from board.errors import BoardError
from board.links import policy_url
from board.policy import today_shanghai
from board.policy_check import check_explainer
from board.policy_extract import SOURCE_SUFFIXES, draft_from_file, prefill
from board.policy_fields import ANSWERS, FIELD_LABELS
from exports.policy_pdf import render_policy_sheet, sheet_file_name
from infra.settings import get_settings
from models import Role
from pages.shared.plain import md
from pages.shared.session import engine, require_staff, show_error
from services.policy import (
    approve,
    correct,
    explainer_for_staff,
    push,
    push_record,
    save_explainer,
    save_new_explainer,
    scope_choices,
    staff_explainers,
)
from views.policy_view import explainer_text, heading, is_expired

user = require_staff(Role.grid, Role.clerk, Role.township, Role.supervisor)
WRITERS = (Role.grid, Role.clerk, Role.township, Role.admin)
DRAFT_KEY = "policy_new_draft"
st.title("政策问答")
st.caption("把政策文件写成老百姓一看就懂的问答：上传原文自动起草，边写边检查大白话，审核后发到网格群、贴到公开栏。")


def run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except BoardError as error:
        show_error(error)
        st.stop()


def answer_inputs(prefix: str, fields: dict) -> dict:
    """The explainer's form; returns the typed values (dates may be None)."""
    out = {
        "title": st.text_input(
            "标题（说清楚是什么事，不要“关于……的通知”）", fields.get("title", ""), key=f"{prefix}-title"
        )
    }
    left, right = st.columns(2)
    out["issuer"] = left.text_input("发文机关", fields.get("issuer", ""), key=f"{prefix}-issuer")
    out["doc_number"] = right.text_input("文号（如 〔2026〕12号）", fields.get("doc_number", ""), key=f"{prefix}-doc")
    for column, name in zip(st.columns(3), ("issued_on", "effective_on", "deadline_on")):
        out[name] = column.date_input(
            FIELD_LABELS[name],
            fields.get(name),
            key=f"{prefix}-{name}",
            min_value=date(2000, 1, 1),
            max_value=date(2100, 12, 31),
        )
    for name, label, _ in ANSWERS:
        out[name] = st.text_area(label, fields.get(name, ""), key=f"{prefix}-{name}", height=90)
    return out


def show_check(fields: dict) -> None:
    result = check_explainer(fields, deadline_on=fields.get("deadline_on"))
    st.metric("大白话检查", f"{result.score} 分", result.grade, delta_color="off")
    st.caption(md(result.summary) + "。检查只是提醒，不影响保存和审核（身份证号、手机号除外，审核时会被拒绝）。")
    if result.findings:
        st.dataframe(result.rows(), hide_index=True, width="stretch")


def new_explainer() -> None:
    st.subheader("① 从原文起草")
    upload = st.file_uploader(
        "上传政策文件（Word .docx、PDF、文本或带六个问题标题的 Markdown）",
        type=[s.lstrip(".") for s in SOURCE_SUFFIXES],
    )
    pasted = st.text_area("或者粘贴原文", key="policy-paste", height=120)
    if st.button("自动起草", disabled=not (upload or pasted.strip())):
        if upload is not None:
            data = upload.getvalue()
            draft = run(draft_from_file, upload.name, data)
            st.session_state[DRAFT_KEY] = {"draft": draft, "name": upload.name, "data": data}
        else:
            st.session_state[DRAFT_KEY] = {"draft": prefill(pasted.strip()), "name": "粘贴的原文", "data": None}
        for name in ("title", "issuer", "doc", *(f for f, _, _ in ANSWERS), "issued_on", "effective_on", "deadline_on"):
            st.session_state.pop(f"new-{name}", None)
    held = st.session_state.get(DRAFT_KEY)
    if held is None:
        st.info("先上传或粘贴原文，系统会把含日期、金额、地点、材料的句子填到对应问题里，您再改成大白话。")
        return
    draft = held["draft"]
    st.caption(f"原文：{md(held['name'])}。预填的是原文句子，请逐条改写成短句、大白话。")
    fields = answer_inputs(
        "new",
        {
            "title": draft.title,
            "issuer": draft.issuer,
            "doc_number": draft.doc_number,
            "issued_on": draft.issued_on,
            "effective_on": draft.effective_on,
            "deadline_on": draft.deadline_on,
            **draft.answers,
        },
    )
    show_check(fields)
    st.subheader("② 发给谁")
    choices = scope_choices(engine(), user.username)
    township, villages = None, ()
    if choices["townships"] and st.radio("范围", ["全镇", "选择村/社区"], horizontal=True) == "全镇":
        township = next(iter(choices["townships"]))
    else:
        names = choices["villages"]
        villages = tuple(
            st.multiselect("村/社区", list(names), format_func=lambda c: names[c], default=list(names)[:1])
        )
    if st.button("保存草稿", type="primary"):
        explainer_id = run(
            save_new_explainer,
            engine(),
            user.username,
            fields=fields,
            township_code=township,
            village_codes=villages,
            source_name=held["name"],
            source_file=held["data"],
            source_text=draft.source_text,
        )
        st.session_state.pop(DRAFT_KEY)
        st.session_state["policy-chosen"] = explainer_id
        st.success(f"已保存草稿（编号 {explainer_id}），请到“审核与推送”请乡镇（或村监委会）审核。")


def published(info: dict) -> None:
    content = info["public"]
    settings = get_settings()
    link = policy_url(settings.public_base_url, info["villages"][0], info["id"]) if info["villages"] else ""
    today = today_shanghai()
    if content.get("verify_error"):
        st.error(content["verify_error"])
        return
    st.success(f"已审核公开：{md(heading(content))}（第{content['version']}版，核验码 {content['short_hash']}）")
    st.markdown("**转发到群里的文字**（点右上角复制）")
    st.code(explainer_text(content, link=link, today=today), language=None, wrap_lines=True)
    # Made only when pressed: a sheet that cannot be drawn never takes the tab down with it.
    st.download_button(
        "下载大字 A4 张贴版",
        partial(render_policy_sheet, content, link=link, today=today),
        file_name=sheet_file_name(content),
        mime="application/pdf",
        on_click="ignore",
    )
    if is_expired(content, today):
        st.caption("已过截止日期，不再推送到网格群。")
    elif user.role in (Role.grid, Role.clerk, Role.township, Role.admin):
        if st.button("推送到网格群（每个群只发一次）"):
            run(push, engine(), info["id"], now=datetime.now(UTC), settings=settings)
            st.rerun()
    rows = push_record(engine(), info["id"])
    if rows:
        st.dataframe(
            [
                {
                    "网格": r["grid"],
                    "方式": r["channel_label"],
                    "版本": r["version"],
                    "内容": f"{r['kind_label']} {r['part_no']}/{r['part_total']}",
                    "状态": r["status_label"],
                    "说明": r["error"],
                }
                for r in rows
            ],
            hide_index=True,
            width="stretch",
        )


def show_draft(fields: dict) -> None:
    """The stored draft, read-only: what the approver reads is exactly what approval freezes."""
    for name in (
        "title",
        "issuer",
        "doc_number",
        "issued_on",
        "effective_on",
        "deadline_on",
        *(f for f, _, _ in ANSWERS),
    ):
        value = fields.get(name)
        text = value.isoformat() if isinstance(value, date) else (value or "（未填写）")
        st.markdown(f"**{FIELD_LABELS[name]}**：{md(text)}")


def approve_draft(explainer_id: int, info: dict) -> None:
    # A click reruns the script, which reads the draft afresh: approve the version shown before the click.
    seen_key = f"policy-seen-{explainer_id}"
    seen = st.session_state.get(seen_key, info["row_version"])
    st.session_state[seen_key] = info["row_version"]
    show_draft(info["fields"])
    show_check(info["fields"])
    if st.button("审核通过并公开", type="primary"):
        content = run(approve, engine(), explainer_id, user.username, row_version=seen)
        st.success(f"已审核公开：{md(heading(content))}")
        st.rerun()
    if user.role in WRITERS:
        with st.expander("我要修改这一稿（修改后须由另一位同事审核）"):
            edit_draft(explainer_id, info)


def edit_draft(explainer_id: int, info: dict) -> None:
    fields = answer_inputs(f"edit-{explainer_id}-{info['row_version']}", info["fields"])
    show_check(fields)
    if user.role in WRITERS and st.button("保存修改"):
        run(save_explainer, engine(), explainer_id, user.username, fields=fields, row_version=info["row_version"])
        st.rerun()


def review() -> None:
    rows = staff_explainers(engine(), user.username)
    if not rows:
        st.info("还没有政策问答。")
        return
    st.dataframe(
        [
            {
                "编号": r.id,
                "期数": f"第 {r.number} 期" if r.number else "未编号",
                "标题": r.title,
                "状态": r.status,
                "范围": r.scope,
                "截止": r.deadline_on.isoformat() if r.deadline_on else "",
                "编写人": r.created_by,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
    ids = [r.id for r in rows]
    titles = {r.id: f"{r.id}：{r.title}（{r.status}）" for r in rows}
    chosen = st.session_state.get("policy-chosen")
    explainer_id = st.selectbox(
        "选择一期", ids, index=ids.index(chosen) if chosen in ids else 0, format_func=titles.get
    )
    info = run(explainer_for_staff, engine(), explainer_id, user.username)
    if info["public"] is not None:
        published(info)
    if info["status"] == "draft":
        if info["correction_note"]:
            st.warning(f"正在更正：{md(info['correction_note'])}")
        if info["approve_refusal"] is None:
            approve_draft(explainer_id, info)
        else:
            edit_draft(explainer_id, info)
            st.caption(md(info["approve_refusal"]))
    elif user.role in WRITERS:
        with st.expander("发现错误？更正"):
            note = st.text_area("更正说明（改了什么、为什么，会随新版本公开）", key=f"note-{explainer_id}")
            if st.button("开始更正"):
                run(correct, engine(), explainer_id, user.username, note)
                st.rerun()


writer, reviewer = st.tabs(["写新的", "审核与推送"])
with writer:
    if user.role in WRITERS:
        new_explainer()
    else:
        st.info("政策问答由网格员、村文书或乡镇工作人员编写；村务监督委员会在“审核与推送”里审核本村的。")
with reviewer:
    review()
