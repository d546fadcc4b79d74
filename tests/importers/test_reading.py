"""Files that are not what they claim, or too big: clear Chinese refusals, never a crash."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from board.errors import BoardError
from board.importers import preview_import
from tests.importers.files import PERIOD, encrypted_xlsx, journal_grid, xlsx


def refusal(data: bytes, name: str = "x.xlsx", **limits) -> str:
    with pytest.raises(BoardError) as caught:
        preview_import("ledger", data, name, period=PERIOD, **limits)
    [problem] = caught.value.problems
    assert problem.field == "文件"
    return problem.message


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "图片"),
        (_docx(), "不是Excel 表格"),
        (b"\x00\x01\x02\x03binary\x00", "二进制"),
        (b"", "空的"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel"),
    ],
)
def test_not_a_spreadsheet(data, expected):
    assert expected in refusal(data).replace("不是 Excel", "不是Excel")


def test_password_protected_xlsx():
    assert "密码" in refusal(encrypted_xlsx())


def test_size_and_row_limits():
    data = xlsx(journal_grid())
    assert "MB" in refusal(data, max_bytes=1024 * 1024 // 1024)
    big = xlsx([["日期", "摘要", "收入"]] + [["2026-11-02", "收款", "1"]] * 300)
    assert "行的上限" in refusal(big, max_rows=50)
    # Blank and title rows do not count: 40 data rows pass a 50-row limit.
    small = xlsx([["标题"], [], ["日期", "摘要", "收入"]] + [["2026-11-02", "收款", "1"]] * 40)
    assert preview_import("ledger", small, "s.xlsx", period=PERIOD, max_rows=50).ok


def test_all_sheets_hidden():
    book = openpyxl.Workbook()
    book.create_sheet("b").sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    # openpyxl refuses to save a book with no visible sheet, so hide the first one in the XML.
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = content.replace(b'sheetId="1" state="visible"', b'sheetId="1" state="hidden"')
            target.writestr(item, content)
    assert "隐藏" in refusal(patched.getvalue())


def test_empty_sheet():
    assert "没有数据" in refusal(xlsx([]))
