"""打印与下载: a published month as PDF (A4/A3/A2), Excel, CSV and JSON."""

import streamlit as st

from board.errors import BoardError
from exports.pdf import PAGE_SIZES
from pages.shared.plain import md
from pages.shared.session import choose_published_period, choose_village, engine, require_staff, show_error
from services.board import month_downloads

user = require_staff()
st.title("打印与下载")
st.caption("从已公开的版本生成，与公开栏上的数字完全一致；个人信息已遮挡。")
code = choose_village(user)
if code:
    left, right = st.columns(2)
    with left:
        period = choose_published_period(code)
    size = right.radio("PDF 纸张", list(PAGE_SIZES), horizontal=True, help="A3、A2 为张贴用的海报尺寸")
    try:
        downloads = month_downloads(engine(), code, period, size=size)
    except BoardError as error:
        show_error(error)
        st.stop()
    for column, item in zip(st.columns(len(downloads)), downloads):
        column.download_button(item.label, item.data, file_name=item.filename, mime=item.mime, on_click="ignore")
        if item.warning:
            st.warning(md(item.warning))
