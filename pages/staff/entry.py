"""录入本月三务: one tab per affair, typed grids, live totals and balance identity, save / copy / submit."""

import pandas as pd
import streamlit as st

from board.carry import copy_recurring
from board.entry import AFFAIR_CATEGORIES, PARTY_CATEGORIES, SECTIONS, save_beneficiaries, save_section
from board.errors import BoardError, ConflictError
from board.money import format_yuan
from board.workflow import run_step
from infra.db import unit_of_work
from models import Role
from pages.shared.plain import md
from pages.shared.session import choose_entry_month, choose_village, engine, require_staff, show_error, village_and_user
from views.entry_form import (
    CHOICE_LABELS,
    columns_of,
    from_grid,
    grid_identity,
    load_month,
    running_totals,
    to_grid,
)

STATE = "entry_month"
ORDER = ("ledger", "balances", "assets", "debts", "resources", "party", "affairs", "services")

user = require_staff(Role.clerk)
st.title("录入本月三务")
code = choose_village(user, key="entry_village")
if not code:
    st.stop()


def _load(period: str) -> None:
    with unit_of_work(engine()) as session:
        village, me = village_and_user(session, code, user)
        st.session_state[STATE] = load_month(session, village=village, period=period, user=me)
        session.commit()  # a new month is created as a draft when first opened
    for key in [k for k in st.session_state if str(k).startswith("grid_")]:
        del st.session_state[key]


def _fail(error: BoardError) -> None:
    if isinstance(error, ConflictError):
        st.error(
            "保存失败：别人刚保存过这个月的数据。您的改动没有保存，也没有覆盖别人的内容。"
            "请把下方“未保存的改动”记下，点“重新载入”后再录入。"
        )
    show_error(error)


period = choose_entry_month(code, user, key="entry_period")
state = st.session_state.get(STATE)
if state is None or (state["village"], state["period"]) != (code, period):
    try:
        _load(period)
    except BoardError as error:
        show_error(error)
        st.stop()
    state = st.session_state[STATE]

editable = state["editable"]
st.caption(f"{md(state['village_name'])} · {period} · 状态：{state['status_label']} · 版本 {state['row_version']}")
if state["rejection_comment"] and state["status"] == "draft":
    st.warning(f"监督委员会退回意见：{md(state['rejection_comment'])}")
if state["amendment_reason"]:
    st.info(f"本次更正说明：{md(state['amendment_reason'])}")
if not editable:
    st.info(
        f"本月是“{state['status_label']}”状态，只能查看。"
        + ("如需更正，请在页面底部提出更正。" if state["status"] == "published" else "")
    )

actions = st.columns(3)
if actions[0].button(
    "复制上月固定事项",
    key="copy_recurring",
    disabled=not editable,
    help="便民服务、固定资产、债权债务、资源发包、月初余额和每月固定收支（工资等）",
):
    try:
        with unit_of_work(engine()) as session:
            village, me = village_and_user(session, code, user)
            result = copy_recurring(
                session, village=village, period=period, user=me, expected_version=state["row_version"]
            )
            session.commit()
        _load(period)
        st.session_state["entry_notice"] = (
            "已复制："
            + ("、".join(f"{k} {v} 行" for k, v in result["copied"].items()) or "无可复制内容")
            + ("；已有内容未覆盖：" + "、".join(result["skipped"]) if result["skipped"] else "")
            + "。请逐行核对金额和日期。"
        )
        st.rerun()
    except BoardError as error:
        _fail(error)
if actions[1].button("重新载入", key="reload"):
    _load(period)
    st.rerun()
if actions[2].button("提交审核", key="submit", type="primary", disabled=not editable):
    try:
        with unit_of_work(engine()) as session:
            village, me = village_and_user(session, code, user)
            run_step(session, village=village, period=period, user=me, step="submit")
            session.commit()
        _load(period)
        st.session_state["entry_notice"] = f"{period} 已提交村务监督委员会审核。"
        st.rerun()
    except BoardError as error:
        _fail(error)
if notice := st.session_state.pop("entry_notice", None):
    st.success(md(notice))


def _column_config(section: str) -> dict:
    config = {}
    categories = {
        "ledger": state["categories"]["in"] + state["categories"]["out"],
        "party": PARTY_CATEGORIES,
        "affairs": AFFAIR_CATEGORIES,
    }
    for column in columns_of(section):
        label = column.label
        if column.kind == "date":
            config[column.name] = st.column_config.DateColumn(label, format="YYYY-MM-DD", required=column.required)
        elif column.kind == "money":
            config[column.name] = st.column_config.NumberColumn(f"{label}（元）", format="%.2f", min_value=0, step=0.01)
        elif column.kind == "int":
            config[column.name] = st.column_config.NumberColumn(label, format="%d", min_value=0, step=1)
        elif column.kind in CHOICE_LABELS:
            config[column.name] = st.column_config.SelectboxColumn(
                label, options=list(CHOICE_LABELS[column.kind].values()), required=column.required
            )
        elif column.name == "category" and section in categories:
            present = [r.get("category") for r in state["grids"].get(section, []) if r.get("category")]
            options = list(dict.fromkeys(categories[section] + present))
            config[column.name] = st.column_config.SelectboxColumn(label, options=options, required=column.required)
        else:
            config[column.name] = st.column_config.TextColumn(label, max_chars=column.max_len, required=column.required)
    if section == "affairs":
        config["id"] = None
    return config


def _frame(section: str, grid: list[dict]) -> pd.DataFrame:
    names = [c.name for c in columns_of(section)] + (["id"] if section == "affairs" else [])
    frame = pd.DataFrame(grid, columns=names)
    for column in columns_of(section):
        if column.kind in ("money", "int"):
            frame[column.name] = frame[column.name].astype("float64")
    return frame


def _editor(section: str, grid: list[dict], key: str) -> list[dict]:
    edited = st.data_editor(
        _frame(section, grid),
        key=key,
        column_config=_column_config(section),
        hide_index=True,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        width="stretch",
    )
    return edited.to_dict("records")


def _save(section: str, grid: list[dict], **target) -> None:
    try:
        with unit_of_work(engine()) as session:
            village, me = village_and_user(session, code, user)
            if section == "beneficiaries":
                save_beneficiaries(
                    session,
                    village=village,
                    period=period,
                    user=me,
                    rows=from_grid(section, grid),
                    expected_version=state["row_version"],
                    **target,
                )
            else:
                save_section(
                    session,
                    village=village,
                    period=period,
                    user=me,
                    section=section,
                    rows=from_grid(section, grid, state["beneficiaries"]),
                    expected_version=state["row_version"],
                )
            session.commit()
    except BoardError as error:
        _fail(error)
        with st.expander("未保存的改动", expanded=True):
            labels = {c.name: c.label for c in columns_of(section)}
            st.dataframe(
                _frame(section, grid).drop(columns=["id"], errors="ignore").rename(columns=labels),
                hide_index=True,
                width="stretch",
            )
        return
    with unit_of_work(engine()) as session:
        village, me = village_and_user(session, code, user)
        st.session_state[STATE] = load_month(session, village=village, period=period, user=me)
    st.session_state["entry_notice"] = "已保存。"
    st.rerun()


def _identity(box, rows: list[dict]) -> None:
    with box:
        st.markdown("**余额勾稽（月初 + 收入 − 支出 = 月末）**")
        for r in rows:
            line = (
                f"{r['label']}：月初 {format_yuan(r['opening_fen'])} + 收入 {format_yuan(r['income_fen'])}"
                f" − 支出 {format_yuan(r['expense_fen'])} = {format_yuan(r['expected_fen'])}；"
                f"填写的月末 {format_yuan(r['closing_fen'])}"
            )
            if r["ok"]:
                st.markdown(f"{line} :green[**平衡**]")
            else:
                st.markdown(f"{line} :red[**相差 {format_yuan(r['difference_fen'])}**]")


tabs = st.tabs([SECTIONS[s][1] for s in ORDER])
current: dict[str, list[dict]] = {}
identity_boxes = []
for section, tab in zip(ORDER, tabs):
    with tab:
        current[section] = _editor(section, state["grids"][section], f"grid_{section}")
        st.caption(" · ".join(f"{label} {value}" for label, value in running_totals(section, current[section])))
        if section in ("ledger", "balances"):
            identity_boxes.append(st.container())
        if st.button(f"保存{SECTIONS[section][1]}", key=f"save_{section}", disabled=not editable):
            _save(section, current[section])
        if section == "affairs" and state["affair_titles"]:
            st.divider()
            st.markdown("**低保·救助·补贴名单**（身份证号、手机号仅工作人员可见，公开时自动遮挡）")
            titles = state["affair_titles"]
            affair_id = st.selectbox("选择已保存的村务事项", list(titles), format_func=titles.get, key="affair_pick")
            people = _editor(
                "beneficiaries",
                to_grid("beneficiaries", state["beneficiaries"][affair_id]),
                f"grid_beneficiaries_{affair_id}",
            )
            st.caption(" · ".join(f"{label} {value}" for label, value in running_totals("beneficiaries", people)))
            if st.button("保存名单", key="save_beneficiaries", disabled=not editable):
                _save("beneficiaries", people, affair_id=affair_id)

live = grid_identity(current["balances"], current["ledger"])
for box in identity_boxes:
    _identity(box, live)

if state["status"] == "published":
    st.divider()
    reason = st.text_area("更正说明（会随更正版一起公开）", key="amend_reason")
    if st.button("提出更正", key="amend"):
        try:
            with unit_of_work(engine()) as session:
                village, me = village_and_user(session, code, user)
                run_step(session, village=village, period=period, user=me, step="amend", comment=reason)
                session.commit()
            _load(period)
            st.rerun()
        except BoardError as error:
            _fail(error)
