"""录入本月三务: start the month, one tab per affair, money grids, a real bank reconciliation, submit."""

import pandas as pd
import streamlit as st

from board.entry import AFFAIR_CATEGORIES, PARTY_CATEGORIES
from board.errors import BoardError, ConflictError
from board.money import format_yuan
from board.sections import SECTIONS
from models import Role
from pages.shared.plain import md
from pages.shared.session import choose_entry_month, choose_village, engine, require_staff, show_error
from services import month
from views.entry_form import (
    CHOICE_LABELS,
    columns_of,
    from_grid,
    grid_identity,
    problems_by_row,
    running_totals,
    to_grid,
)

STATE = "entry_month"
PROBLEMS = "entry_problems"  # section → {row number: message}, shown beside the rows after a refused save
ORDER = ("ledger", "balances", "assets", "debts", "resources", "party", "affairs", "services")

user = require_staff(Role.clerk)
st.title("录入本月三务")
code = choose_village(user, key="entry_village")
if not code:
    st.stop()


def _keep(state: dict) -> None:
    st.session_state[STATE] = state
    st.session_state.pop(PROBLEMS, None)
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
        _keep(month.load(engine(), user.username, code, period))
    except BoardError as error:
        show_error(error)
        st.stop()
    state = st.session_state[STATE]

if not state["started"]:
    # Looking creates nothing: the clerk starts the month once they have seen what is copied.
    st.subheader(f"{md(state['village_name'])} {state['period_label']}还没有开始录入")
    st.markdown(f"点下面的按钮开始录入。系统会从{state['last_period_label']}复制以下内容，复制后都可以修改：")
    for line in state["plan"]:
        st.markdown(f"- {md(line)}")
    st.caption("月末实有余额不会自动填写：月底请照银行对账单和现金盘点的数字填写，用来核对账目。")
    if st.button(f"开始录入 {state['period_label']}", key="start_month", type="primary"):
        try:
            _keep(month.start(engine(), user.username, code, period))
            st.session_state["entry_notice"] = f"{state['period_label']}已开始录入。请按“本月待办”逐项核对和补充。"
            st.rerun()
        except BoardError as error:
            show_error(error)
    st.stop()

editable = state["editable"]
st.caption(
    f"{md(state['village_name'])} · {state['period_label']} · 状态：{state['status_label']}"
    f" · 修改次数 {state['row_version'] - 1}"
)
if state["rejection_comment"] and state["status"] == "draft":
    st.warning(f"监督委员会退回意见：{md(state['rejection_comment'])}")
if state["amendment_reason"]:
    st.info(f"本次更正说明：{md(state['amendment_reason'])}")
if not editable:
    st.info(
        f"本月是“{state['status_label']}”状态，只能查看。"
        + ("如需更正，请在页面底部提出更正。" if state["status"] == "published" else "")
    )


def _run(action, notice: str) -> None:
    try:
        _keep(action())
    except BoardError as error:
        _fail(error)
        return
    st.session_state["entry_notice"] = notice
    st.rerun()


actions = st.columns(2)
if actions[0].button("重新载入", key="reload"):
    _keep(month.load(engine(), user.username, code, period))
    st.rerun()
if actions[1].button("提交审核", key="submit", type="primary", disabled=not editable):
    _run(
        lambda: month.step(engine(), user.username, code, period, name="submit"),
        f"{state['period_label']}已提交村务监督委员会审核。",
    )
if notice := st.session_state.pop("entry_notice", None):
    st.success(md(notice))
reconciliation = st.container(border=True)


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
            shown = "M月D日" if section == "ledger" else "YYYY年M月D日"
            config[column.name] = st.column_config.DateColumn(label, format=shown, required=column.required)
        elif column.kind == "money":
            config[column.name] = st.column_config.NumberColumn(
                f"{label}（元）", format="accounting", min_value=0, step=0.01, required=column.required
            )
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
    config["id"] = None
    config["问题"] = st.column_config.TextColumn("问题", disabled=True, width="large")
    return config


def _frame(section: str, grid: list[dict], problems: dict[int, str] | None = None) -> pd.DataFrame:
    names = [c.name for c in columns_of(section)] + (["id"] if section == "affairs" else [])
    frame = pd.DataFrame(grid, columns=names)
    for column in columns_of(section):
        if column.kind in ("money", "int"):
            frame[column.name] = frame[column.name].astype("float64")
    if problems:
        frame["问题"] = [problems.get(i, "") for i in range(1, len(frame) + 1)]
    return frame


def _editor(section: str, grid: list[dict], key: str) -> list[dict]:
    problems = st.session_state.get(PROBLEMS, {}).get(key)
    if editable:
        st.caption("点表格最下方的“+”添加一行（+ 添加一行）；选中行后按键盘 Delete 删除。金额单位：元。")
    edited = st.data_editor(
        _frame(section, grid, problems),
        key=key,
        column_config=_column_config(section),
        hide_index=True,
        num_rows="dynamic" if editable else "fixed",
        disabled=not editable,
        width="stretch",
    )
    return edited.drop(columns=["问题"], errors="ignore").to_dict("records")


def _save(section: str, grid: list[dict], key: str, affair_id: int | None = None) -> None:
    rows = from_grid(section, grid, None if section == "beneficiaries" else state["beneficiaries"])
    try:
        state_after = month.save(
            engine(),
            user.username,
            code,
            period,
            section=section,
            rows=rows,
            expected_version=state["row_version"],
            affair_id=affair_id,
        )
    except BoardError as error:
        _fail(error)
        if section != "beneficiaries":
            # Keep the clerk's rows on screen, each problem beside its row (shown from the next run on).
            state["grids"][section] = grid
            st.session_state.setdefault(PROBLEMS, {})[key] = problems_by_row(error, grid)
        with st.expander("未保存的改动", expanded=True):
            labels = {c.name: c.label for c in columns_of(section)}
            st.dataframe(
                _frame(section, grid).drop(columns=["id"], errors="ignore").rename(columns=labels),
                hide_index=True,
                width="stretch",
            )
        return
    _keep(state_after)
    st.session_state["entry_notice"] = "已保存。"
    st.rerun()


def _reconciliation(rows: list[dict]) -> None:
    with reconciliation:
        st.markdown("**银行对账**：账上算出的月末余额（月初 + 收入 − 支出）要和银行对账单、现金盘点的数字一致")
        for r in rows:
            books = format_yuan(r["expected_fen"])
            if r["ok"]:
                real = format_yuan(r["closing_fen"]) if r["entered"] else "本月未使用"
                st.markdown(f"{r['label']}：账上 {books}，实有 {real} :green[**对上了**]")
            else:
                st.markdown(f":red[**{md(r['message'])}**]")


tabs = st.tabs([SECTIONS[s][1] for s in ORDER], default=SECTIONS.get(st.query_params.get("tab", ""), (0, None))[1])
current: dict[str, list[dict]] = {}
for section, tab in zip(ORDER, tabs):
    with tab:
        if section == "balances":
            st.caption("“月末实有余额”请照月底的银行对账单和现金盘点填写，不要用账上算出的数字。")
        key = f"grid_{section}"
        current[section] = _editor(section, state["grids"][section], key)
        st.caption(" · ".join(f"{label} {value}" for label, value in running_totals(section, current[section])))
        if st.button(f"保存{SECTIONS[section][1]}", key=f"save_{section}", disabled=not editable):
            _save(section, current[section], key)
        if section == "affairs":
            st.divider()
            st.markdown("**低保·救助·补贴名单**（身份证号、手机号仅工作人员可见，公开时自动遮挡）")
            titles = state["affair_titles"]
            if not titles:
                st.info("先在上表添加一项村务（如“11月低保金发放”，类别选“低保·救助·补贴发放”）并保存，再录入名单。")
                continue
            affair_id = st.selectbox("选择已保存的村务事项", list(titles), format_func=titles.get, key="affair_pick")
            list_key = f"grid_beneficiaries_{affair_id}"
            people = _editor("beneficiaries", to_grid("beneficiaries", state["beneficiaries"][affair_id]), list_key)
            st.caption(" · ".join(f"{label} {value}" for label, value in running_totals("beneficiaries", people)))
            if st.button("保存名单", key="save_beneficiaries", disabled=not editable):
                _save("beneficiaries", people, list_key, affair_id=affair_id)

_reconciliation(grid_identity(current["balances"], current["ledger"]))

if state["status"] == "published":
    st.divider()
    reason = st.text_area("更正说明（会随更正版一起公开）", key="amend_reason")
    if st.button("提出更正", key="amend"):
        _run(
            lambda: month.step(engine(), user.username, code, period, name="amend", comment=reason),
            "已提出更正，本月重新变为草稿。",
        )
