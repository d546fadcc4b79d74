"""Bytes of an uploaded file → its sheets as grids of cell values, or a clear refusal.

The format is decided by the file's first bytes, never by its name: clerks rename files,
and bookkeeping software often saves HTML or CSV under ``.xls``.  Spreadsheets are read
with python-calamine (it returns the cached values of formulas, and reads .ods too); CSV
is decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import python_calamine as calamine

from board.errors import BoardError, Problem
from board.importers.columns import column_letter
from board.untrusted import CHILD_SECONDS, check_sheet_area, check_zip, column_number, run_limited

MAX_BYTES = 20 * 1024 * 1024
# A year of a big village's journal is well under this; MAX_BYTES bounds the work anyway.
MAX_ROWS = 200_000
# Header rows, title rows and trailing 合计 rows a sheet may add on top of its data rows.
_ROW_SLACK = 200

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_SHEETS = {
    b"%PDF": "PDF 文件",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
    b"\x1f\x8b": "gzip 压缩包",
    b"MZ": "程序文件",
}
_FIELD = "文件"
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; the raw check (board.untrusted) counts bytes


@dataclass
class Table:
    """One sheet: ``rows[i]`` is row ``i + 1`` as Excel shows it."""

    sheet_name: str
    rows: list[list[Any]]  # cells as calamine or the CSV reader give them
    notes: list[str] = field(default_factory=list)
    # (1-based row, 0-based column) of .xlsx formula cells saved without their result, found in the child.
    formulas: frozenset[tuple[int, int]] = frozenset()

    def uncached_formula(self, row: int, column: int) -> bool:
        """Whether the cell (1-based row, 0-based column) is a formula saved without its result.

        Files written by programs (not Excel) carry formulas with no cached value; calamine
        reads those as empty cells.
        """
        return (row, column) in self.formulas


def _refuse(message: str) -> BoardError:
    return BoardError(message, field=_FIELD)


def read_tables(
    data: bytes, filename: str, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS, seconds: float = CHILD_SECONDS
) -> list[Table]:
    """Every visible sheet, in workbook order (a CSV file is one sheet); notes on the first.

    The file is parsed in a limited child process (board.untrusted): an upload can fail, never the server.
    """
    if not data:
        raise _refuse("文件是空的")
    if len(data) > max_bytes:
        raise _refuse(
            f"文件有 {len(data) / 1024 / 1024:.1f} MB，超过 {max_bytes // 1024 // 1024} MB 的上限；"
            "请只保留本月的数据后再导入"
        )
    head = data[:8]
    if head.startswith(_OLE2):
        # An encrypted .xlsx is an OLE2 compound file holding an "EncryptedPackage" stream.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _refuse("文件设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存再导入")
    elif head.startswith(_ZIP):
        check_zip(data, what="文件", field=_FIELD)
    else:
        for magic, what in _NOT_SHEETS.items():
            if head.startswith(magic):
                raise _refuse(f"这是{what}，不是表格。请上传 .xlsx、.xls 或 .csv 文件")
    # Parsed in the child, which sends back cell values only: the server never parses the file's XML.
    parsed: list[Table] = run_limited(_parse, data, filename, max_rows, what="文件", field=_FIELD, seconds=seconds)
    return parsed


def _parse(data: bytes, filename: str, max_rows: int) -> list[Table]:
    """Runs in the limited child process (board.untrusted.run_limited): every format."""
    if data.startswith(_OLE2):
        return _read_workbook(data, False, max_rows)
    if data.startswith(_ZIP):
        archive = _open_zip(data)
        if archive is None or "xl/workbook.xml" not in archive.namelist():
            return _read_workbook(data, True, max_rows)
        # Every part inflates to its declared size and the cells' area is bounded before calamine lays it out.
        check_sheet_area(data, max_rows=max_rows + _ROW_SLACK, field=_FIELD)
        tables = _read_workbook(data, True, max_rows)
        with archive:
            for table in tables:
                table.formulas = _uncached_formulas(archive, table.sheet_name)
        return tables
    return [_read_csv(data, filename, max_rows)]


def _open_zip(data: bytes) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None


def _read_workbook(data: bytes, zipped: bool, max_rows: int) -> list[Table]:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise _refuse("文件设置了密码，无法读取。请在 Excel 中取消密码后另存再导入") from None
    except (calamine.CalamineError, ValueError, OSError):
        what = "Excel 表格（可能是 Word 文档或普通压缩包）" if zipped else "可读取的 Excel 表格"
        raise _refuse(f"文件不是{what}，或已损坏。请在 Excel 中打开后另存为 .xlsx 再导入") from None
    notes, visible = [], []
    for meta in book.sheets_metadata:
        if meta.visible != calamine.SheetVisibleEnum.Visible:
            notes.append(f"已跳过隐藏的工作表“{meta.name}”")
        elif meta.typ == calamine.SheetTypeEnum.WorkSheet:
            visible.append(meta.name)
    if not visible:
        raise _refuse("文件里没有可见的工作表（全部被隐藏了）。请在 Excel 中取消隐藏后再导入")
    tables = [Table(name, _sheet_rows(book, name, max_rows)) for name in visible]
    tables[0].notes[:0] = notes
    return tables


_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# A cell holding only a formula and an empty (or no) value: <c r="F5"><f>1+2</f><v/></c>.  No part may
# run past a "<" or ">" it does not name, so each attempt ends within a few tags: linear in the sheet's size.
_UNCACHED = re.compile(rb"<c ([^<>]*)>(?:<f[^<>]*/>|<f[^<>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>")
_REF = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})(\d{1,7})"')


def _uncached_formulas(archive: zipfile.ZipFile, sheet_name: str) -> frozenset[tuple[int, int]]:
    """(row, column) of the formula cells without a cached value in one .xlsx sheet."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        sheet = next(s for s in book.iterfind("m:sheets/m:sheet", _NS) if s.get("name") == sheet_name)
        rel_id = sheet.get(f"{{{_NS['r']}}}id")
        target = next(r.get("Target", "") for r in rels.iterfind("rel:Relationship", _NS) if r.get("Id") == rel_id)
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        xml = archive.read(path)
    except (KeyError, StopIteration, zipfile.BadZipFile, ElementTree.ParseError):
        return frozenset()  # not laid out as Excel lays a workbook out: nothing to say
    found = set()
    for match in _UNCACHED.finditer(xml) if b"<f" in xml else ():
        ref = _REF.search(match[1])
        if ref:
            found.add((int(ref[2]), column_number(ref[1]) - 1))
    return frozenset(found)


def _sheet_rows(book: calamine.CalamineWorkbook, name: str, max_rows: int) -> list[list[Any]]:
    try:
        sheet = book.get_sheet_by_name(name)
    except calamine.CalamineError:
        raise _refuse(f"工作表“{name}”已损坏，无法读取") from None
    _check_height(sheet.total_height, max_rows)
    # Keep the empty area above the data so list positions stay Excel's row numbers.
    rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                message = (
                    f"单元格 {column_letter(column)}{number} 的文字有 {len(value)} 个字，超过 Excel 单元格 "
                    f"{MAX_CELL_CHARS} 个字的上限，已拒绝。请在 Excel/WPS 中打开后另存为新文件再上传"
                )
                raise BoardError([Problem(number, f"工作表“{name}”", message)])
    return rows


def _check_height(rows: int, max_rows: int) -> None:
    if rows > max_rows + _ROW_SLACK:
        raise _refuse(f"表格有 {rows} 行，超过 {max_rows} 行的上限；请只保留本月的数据后再导入")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _read_csv(data: bytes, filename: str, max_rows: int) -> Table:
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        raise _refuse("文件不是表格，也不是 UTF-8 或 GBK 编码的 CSV 文本。请上传 .xlsx、.xls 或 .csv 文件") from None
    if "\x00" in text:
        raise _refuse("文件不是表格（含有二进制内容）。请上传 .xlsx、.xls 或 .csv 文件")
    start = text.lstrip()[:200].lower()
    if start.startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise _refuse("文件实际上是网页（HTML/XML）格式，不是真正的 Excel 表格。请在 Excel 中打开后另存为 .xlsx 再导入")
    lines = text.splitlines()
    _check_height(len(lines), max_rows)
    sample = "\n".join(lines[:50])
    delimiter = max(",\t;", key=sample.count) if sample else ","
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise _refuse("CSV 文件格式有误（引号不成对），请在 Excel 中打开后另存再导入") from None
    name = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "CSV"
    return Table(name, rows)
