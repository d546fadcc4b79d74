"""Excel导入: upload → preview and problems → column mapping when needed → import all or nothing."""

import streamlit as st

from board.errors import BoardError
from board.importers import (
    KIND_LABELS,
    KINDS,
    totals_text,
)
from models import Role
from pages.shared.plain import md
from pages.shared.session import choose_entry_month, choose_village, engine, require_staff, show_error
from services import imports, month
from views.review import section_table

user = require_staff(Role.clerk)
st.title("Excel导入")
code = choose_village(user, key="import_village")
if not code:
    st.stop()


period = choose_entry_month(code, user, key="import_period")
kind = st.selectbox("导入内容", list(KIND_LABELS), format_func=KIND_LABELS.get, key="import_kind")

# The month's version when the clerk started this import: saving refuses if someone saved since.
loaded = st.session_state.get("import_month")
if loaded is None or (loaded["village"], loaded["period"]) != (code, period):
    try:
        loaded = month.load(engine(), user.username, code, period)
    except BoardError as error:
        show_error(error)
        st.stop()
    st.session_state["import_month"] = loaded
if not loaded["started"]:
    # Importing fills a month the clerk has started, with what was copied from last month already in it.
    st.info(f"{loaded['period_label']}还没有开始录入。开始后会先从上月复制固定事项，再导入文件。")
    if st.button(f"开始录入 {loaded['period_label']}", key="import_start", type="primary"):
        try:
            st.session_state["import_month"] = month.start(engine(), user.username, code, period)
        except BoardError as error:
            show_error(error)
            st.stop()
        st.rerun()
    st.stop()
if not loaded["editable"]:
    st.info(f"{period} 是“{loaded['status_label']}”状态，不能导入。")
    st.stop()

affair_id = affair_title = None
if kind == "beneficiaries":
    titles = loaded["affair_titles"]
    # 0 is no saved item: the import files the list under a new 低保·救助·补贴发放 item.
    choice = st.selectbox(
        "名单属于哪一项村务",
        [*titles, 0],
        key="import_affair",
        format_func=lambda i: titles.get(i) or "新建一项村务（低保·救助·补贴发放）",
    )
    if choice:
        affair_id = choice
    else:
        affair_title = (
            st.text_input("新村务事项的标题（留空则用名单的标题行）", key="import_affair_title").strip() or None
        )

upload = st.file_uploader(
    "选择文件（.xlsx / .xls / .csv，不超过 20MB）", type=["xlsx", "xls", "csv"], key="import_file", max_upload_size=20
)
if upload is None:
    st.caption("文件中的每一行都会先显示出来核对，点“导入”后才保存；有任何问题则一行也不保存。")
    st.stop()

mapping_key = f"import_mapping_{code}_{kind}"
chosen_key = f"{mapping_key}_chosen"  # the clerk picked the columns: remember them on import
progress = st.progress(0.0, text=f"正在读取“{upload.name}”（{upload.size / 1024 / 1024:.1f} MB）…")
try:
    if mapping_key not in st.session_state:
        st.session_state[mapping_key] = imports.remembered_columns(engine(), code, kind)
    progress.progress(0.3, text="正在读取并逐行检查…")
    preview = imports.preview(
        engine(), code, kind, upload.getvalue(), upload.name, period=period, mapping=st.session_state[mapping_key]
    )
except BoardError as error:
    progress.empty()
    show_error(error)
    st.stop()
progress.progress(
    1.0,
    text=f"已读取并检查 {len(preview.rows)} 行"
    + (f"，发现 {len(preview.problems)} 个问题" if preview.problems else "，没有发现问题"),
)

rows = (
    f"第 {preview.header_first}–{preview.header_row} 行"
    if preview.header_first < preview.header_row
    else f"第 {preview.header_row} 行"
)
st.caption(f"工作表“{md(preview.sheet_name)}”，{rows}为表头。识别为：{md(preview.layout)}")
for check in preview.checks:
    st.info(md(check))

with st.expander("列的对应关系", expanded=bool(preview.missing_fields)):
    if preview.missing_fields:
        st.warning("文件中没有找到这些列，请选择对应的列：" + "、".join(preview.missing_labels()))
    options = ["", *preview.headers]
    with st.form("mapping"):
        choice = {
            f.name: st.selectbox(
                f.label,
                options,
                format_func=lambda h: h or "（不导入）",
                index=options.index(preview.mapping.get(f.name, "")),
                key=f"map_{kind}_{f.name}",
            )
            for f in KINDS[kind]
        }
        if st.form_submit_button("按所选列重新预览"):
            st.session_state[mapping_key] = choice
            st.session_state[chosen_key] = True
            st.rerun()

if preview.missing_fields:
    st.stop()

st.markdown("#### 预览")
st.markdown(" · ".join(f"{label} **{value}**" for label, value in totals_text(preview.totals)))
st.dataframe(section_table(kind, preview.rows), hide_index=True, width="stretch")
if preview.problems:
    st.error(f"发现 {len(preview.problems)} 个问题，请改好文件后重新上传（一行也不会保存）：")
    st.dataframe(
        [{"行号": p.row or "", "列": p.field, "问题": p.message} for p in preview.problems],
        hide_index=True,
        width="stretch",
    )
    st.stop()

if st.button("导入", key="import_commit", type="primary"):
    saving = st.progress(0.5, text=f"正在保存 {len(preview.rows)} 行，请不要关闭页面…")
    try:
        chosen = st.session_state[mapping_key] if st.session_state.get(chosen_key) else None
        summary = imports.save(
            engine(),
            user.username,
            code,
            period=period,
            preview=preview,
            mapping=chosen,
            expected_version=loaded["row_version"],
            affair_id=affair_id,
            affair_title=affair_title,
        )
    except BoardError as error:
        saving.empty()
        show_error(error)
        st.stop()
    saving.progress(1.0, text=f"已保存 {summary['rows']} 行")
    st.session_state.pop("import_month", None)
    st.success(
        f"已导入 {summary['rows']} 行{KIND_LABELS[kind]}到 {period}。"
        + " ".join(f"{label} {value}" for label, value in totals_text(summary))
        + (f" 村务事项：“{md(summary['affair'])}”" if "affair" in summary else "")
    )
