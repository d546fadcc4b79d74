"""公开目录: the township's 三项清单 with the five elements; edit here or through Excel."""

import streamlit as st

from board.catalogue import CHANNELS, COLUMNS, LISTS, STREAMS, write_workbook
from board.errors import BoardError
from models import Role
from pages.shared.session import engine, require_staff, show_error
from services.catalogue import import_catalogue, load_catalogue, save_catalogue
from services.scope import township_choices

NOTICE_KEY = "catalogue_notice"

user = require_staff(Role.township)
st.title("公开目录（三项清单）")
st.caption(
    "每一项写明公开什么、依据、谁来公开、向谁公开、怎么公开（" + "、".join(CHANNELS) + "）、何时公开。"
    "何时公开写成“次月10日前”“次季首月15日前”“事后5个工作日内”或“即时”。"
)
townships = township_choices(engine(), user.username)
if not townships:
    st.info("您的账号没有绑定乡镇/街道。")
    st.stop()
code = st.selectbox("乡镇/街道", list(townships), format_func=townships.get)
if notice := st.session_state.pop(NOTICE_KEY, None):
    st.success(notice)


def run(action, *args) -> None:
    try:
        count = action(engine(), code, user.username, *args)
    except BoardError as error:
        show_error(error)
        return
    st.session_state[NOTICE_KEY] = f"公开目录已保存，共 {count} 项。"
    st.rerun()


rows = load_catalogue(engine(), code)
edited = st.data_editor(
    rows,
    num_rows="dynamic",
    width="stretch",
    hide_index=True,
    key=f"catalogue_{code}",
    column_order=COLUMNS,
    column_config={
        "清单": st.column_config.SelectboxColumn(options=LISTS, required=True),
        "类别": st.column_config.SelectboxColumn(options=STREAMS, required=True),
    },
)
if st.button("保存目录", type="primary"):
    run(save_catalogue, list(edited))

st.download_button(
    "导出 Excel",
    data=write_workbook(rows),
    file_name=f"公开目录-{code}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
upload = st.file_uploader("从 Excel 导入（替换整个目录）", type=["xlsx"])
if upload is not None and st.button("导入"):
    run(import_catalogue, upload.getvalue())
