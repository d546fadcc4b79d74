"""Spreadsheets as clerks' software and clerks themselves make them, built in memory."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date

import openpyxl

PERIOD = "2026-11"  # the demo database's first draft month

# A bank journal as exported by bookkeeping software: 借方 = in, 贷方 = out.
JOURNAL_HEADER = ["日期", "凭证字号", "摘要", "对方科目", "借方金额", "贷方金额", "余额"]
JOURNAL_LINES = [
    [date(2026, 11, 2), "记-1", "收到土地发包款", "发包及上交收入", "12,345.67", "", "62,345.67"],
    [date(2026, 11, 5), "记-2", "支付村部电费", "管理费用", "", "1,234.50", "61,111.17"],
    None,  # a blank line in the middle, as exports have between days
    [date(2026, 11, 9), "记-3", "上级补助资金到账", "补助收入", 30000.01, "", "91,111.18"],
    [date(2026, 11, 20), "记-4", "道路维修", "公益支出", "", "8,000.00", "83,111.18"],
]
JOURNAL_OPENING_FEN = 5_000_000
JOURNAL_INCOME_FEN = 1_234_567 + 3_000_001
JOURNAL_EXPENSE_FEN = 123_450 + 800_000


def journal_grid(
    *, title: str = "幸福社区2026年11月银行存款日记账", total_income: str = "42,345.68", total_expense: str = "9,234.50"
) -> list[list | None]:
    return [
        [title],
        ["单位：元", "", "", "", "", "", "第1页"],
        JOURNAL_HEADER,
        ["2026-11-01", "", "上月结转", "", "", "", "50,000.00"],
        *JOURNAL_LINES,
        ["", "", "本月合计", "", total_income, total_expense, "83,111.18"],
        ["", "", "本年累计", "", "420,000.00", "390,000.00", ""],
    ]


def xlsx(
    grid: list[list | None], *, title: str = "日记账", hidden_first: bool = False, merge_title: bool = True
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if hidden_first:
        sheet.title = "说明"
        sheet.append(["这张表是隐藏的说明页"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet(title)
    else:
        sheet.title = title
    for row in grid:
        sheet.append(row or [])
    if merge_title and grid and grid[0] and len(grid[0]) == 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(grid: list[list | None], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in grid:
        writer.writerow([c.isoformat() if isinstance(c, date) else c for c in (row or [])])
    return out.getvalue().encode(encoding)


def with_cached_formula(data: bytes, cell: str, formula: str, cached: str) -> bytes:
    """Put ``=formula`` with a cached value into ``cell`` of the first sheet, as Excel saves it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                pattern = re.compile(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)')
                replacement = f'<c r="{cell}"><f>{formula}</f><v>{cached}</v></c>'
                text, count = pattern.subn(replacement, text)
                assert count == 1, f"cell {cell} not found"
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def encrypted_xlsx() -> bytes:
    """The start of what Excel writes for a password-protected .xlsx: an OLE2 file with EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    return header + directory + b"\x00" * 1024
