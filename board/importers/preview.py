"""A file's rows as they would be saved, with every problem, before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from board.balance import balance_change, expected_closing
from board.entry import is_blank
from board.errors import BoardError, Problem
from board.importers.columns import (
    KIND_LABELS,
    KINDS,
    Header,
    column_letter,
    field_of,
    find_header,
    missing_fields,
    normalise_header,
)
from board.importers.reading import MAX_BYTES, MAX_ROWS, Table, read_tables
from board.importers.values import Converter, converter, direction_converter, to_fen
from board.money import format_yuan
from board.periods import check_period, period_bounds
from board.public_record import TRANSFER_CATEGORY
from board.villages import DEFAULT_CATEGORIES
from models import Account, DebtKind, Direction

# Totals of the month, checked against the lines; any other 合计/小计/累计 (本日合计, 本年累计,
# 本页小计 ...) is skipped, since it repeats lines already counted.
_TOTAL = {"合计", "本月合计", "本期合计", "总计", "月计", "本月发生额合计", "本期发生额合计"}
_SUBTOTAL = re.compile(r"^本?[日月季年期页]?(?:发生额)?(?:合计|小计|累计)$")
# Period totals that equal the month's lines in the first month of their period, so can be checked then.
_YEAR_TOTAL = {"本年累计", "本年合计", "本年发生额累计", "年累计"}
_QUARTER_TOTAL = {"本季合计", "本季累计", "本季发生额合计"}
# Page carries: 过次页/转下页 close a page, 承前页/承上页 open the next with the same figures.
_SKIP = {"过次页", "承前页", "转下页", "承上页"}
_CARRY_IN = {"承前页", "承上页"}
_OPENING = {"上月结转", "期初余额", "上期结转", "月初余额", "期初结存", "上年结转", "年初余额", "承上月", "上月结余"}
_MARKER_NOISE = re.compile(r"[\s\u3000:：]")
_MARKER_COLUMNS = 4  # 合计/结转 sit in the date, voucher or summary column
_DEFAULT_CATEGORY: dict[Direction | None, str] = {Direction.income: "其他收入", Direction.expense: "其他支出"}
_ACCOUNT_NAMES = {Account.bank: "银行存款", Account.cash: "现金"}
_ACCOUNT_OF = {a.value: a for a in Account}
_DATED = {"ledger": "entry_date", "party": "item_date", "affairs": "item_date"}
_TITLE_DIRECTION = re.compile(r"(收入|支出)(?:明细|清单|汇总|表)")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# Headers only a bank's download has; a village journal has 凭证号 and 科目 instead.
_BANK_HEADERS = {
    "账户余额",
    "交易日期",
    "交易时间",
    "交易金额",
    "对方户名",
    "对方账号",
    "对方账户",
    "借贷标志",
    "流水号",
    "交易流水号",
    "交易渠道",
    "渠道",
    "对方开户行",
    "交易后余额",
    "本次余额",
    "对方账户名称",
    "记账日期",
}
_BANK_TITLES = ("交易明细", "对账单", "流水", "账号", "开户行", "账户明细")
_DEBIT_CREDIT_WORD = re.compile(r"借|贷")
_SUBACCOUNT = re.compile(r"[—\-/_－:：（(·]")
_BANK_LAYOUT = "银行交易明细（以银行账户为准：存入、转入、贷方为收入，支取、转出、借方为支出）"
_CASH_SUBJECTS = {"库存现金": Account.cash, "现金": Account.cash, "银行存款": Account.bank}
_DIRECTION_WORDS = {"收入": Direction.income, "支出": Direction.expense}
_FORMULA = "公式没有计算结果，请在 Excel 中打开后保存再导入"
# One data row being read: field name → typed value, plus "_row" (its 1-based row number) and "_"-prefixed
# working values that are never saved.
Row = dict[str, Any]
_UNDECIDED = "无法判断是收入还是支出，请增加“收支”列或分成收入、支出两列"

TOTAL_LABELS = {
    "count": "行数",
    "income_count": "收入笔数",
    "expense_count": "支出笔数",
    "income_fen": "收入合计",
    "expense_fen": "支出合计",
    "opening_fen": "月初余额",
    "closing_fen": "月末余额",
    "receivable_fen": "应收合计",
    "payable_fen": "应付合计",
    "original_value_fen": "原值合计",
    "amount_fen": "金额合计",
    "annual_fee_fen": "年租金合计",
}


def totals_text(totals: dict[str, int]) -> list[tuple[str, str]]:
    """An import's totals as (label, text), money in 元; unknown figures are left out."""
    return [
        (label, format_yuan(totals[key]) if key.endswith("_fen") else str(totals[key]))
        for key, label in TOTAL_LABELS.items()
        if key in totals
    ]


@dataclass
class ImportPreview:
    kind: str
    filename: str
    period: str
    sheet_name: str = ""
    header_row: int = 0  # 1-based, as Excel shows it
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # field → header
    missing_fields: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    account: str | None = None  # a single-account journal: "bank" or "cash"; None replaces the whole month
    header_first: int = 0  # 1-based first row of a two-row header (= header_row for one row)
    layout: str = ""  # the layout recognised, in words
    title: str = ""  # the title row above the header, if any
    balances: dict[str, dict[str, int]] = field(default_factory=dict)  # account → opening_fen, closing_fen
    sheets: list[str] = field(default_factory=list)  # every sheet imported
    carried_in: dict[str, int] = field(default_factory=dict)  # 承前页 sums opening a continuation sheet

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_fields

    def missing_labels(self) -> list[str]:
        return [field_of(self.kind, name).label for name in self.missing_fields]


def preview_import(
    kind: str,
    data: bytes,
    filename: str,
    *,
    period: str,
    mapping: dict[str, str] | None = None,
    known_categories: dict[Direction, list[str]] | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    earlier: dict[str, dict[str, dict[str, int]]] | None = None,
) -> ImportPreview:
    """Read ``data`` as ``kind`` for ``period``; never saves.

    ``earlier`` (period → account → income_fen/expense_fen) holds the saved months before this
    one in its year, so 本年累计 and 本季合计 rows can be checked.

    Raises BoardError when the file cannot be read at all (not a spreadsheet, encrypted,
    too large); everything wrong inside the file is in ``problems``.  ``mapping`` (field →
    header text) overrides recognised headers; a field mapped to "" is not imported.
    """
    if kind not in KINDS:
        raise BoardError(f"未知的导入类别“{kind}”，可选：{'、'.join(KINDS)}", field="类别")
    check_period(period)
    mapping = {k: v for k, v in (mapping or {}).items() if k in {f.name for f in KINDS[kind]}}
    wanted = {normalise_header(v) for v in mapping.values() if v}
    tables = read_tables(data, filename, max_bytes=max_bytes, max_rows=max_rows)
    located = [(table, _locate(kind, table.rows, mapping, wanted)) for table in tables]
    usable = [(t, h) for t, h in located if h is not None and not missing_fields(kind, set(h.columns))]
    if kind == "ledger" and len(usable) > 1:
        return _several_sheets(
            kind, filename, period, located, usable, max_rows, known_categories, tables[0].notes, earlier
        )
    table, header = usable[0] if usable else next(((t, h) for t, h in located if h), located[0])
    if table is not tables[0]:
        table.notes[:0] = tables[0].notes
    if len(tables) > 1:
        table.notes.append(f"文件有 {len(tables)} 个工作表，只读取了“{table.sheet_name}”")
    return _preview_sheet(kind, filename, period, table, header, max_rows, known_categories, earlier)


def _locate(kind: str, rows: list[list[object]], mapping: dict[str, str], wanted: set[str]) -> Header | None:
    """The sheet's header with the clerk's mapping applied (a field mapped to "" is not imported)."""
    header = find_header(kind, rows, wanted)
    if header is None:
        first = next((i for i, cells in enumerate(rows) if not _blank_row(cells)), None)
        if first is None:
            return None
        cells = rows[first]
        header = Header(first, first, ["" if is_blank(c) else str(c).strip() for c in cells], {})
    header.texts = [t or f"{column_letter(i)}列" for i, t in enumerate(header.texts)]
    by_text = {normalise_header(h): i for i, h in reversed(list(enumerate(header.texts)))}
    for name, text in mapping.items():
        if not text:
            header.columns.pop(name, None)
        elif normalise_header(text) in by_text:
            header.columns[name] = by_text[normalise_header(text)]
    return header


def _preview_sheet(
    kind: str,
    filename: str,
    period: str,
    table: Table,
    header: Header | None,
    max_rows: int,
    known: dict[Direction, list[str]] | None,
    earlier: dict[str, dict[str, dict[str, int]]] | None = None,
) -> ImportPreview:
    preview = ImportPreview(
        kind=kind, filename=filename, period=period, sheet_name=table.sheet_name, sheets=[table.sheet_name]
    )
    preview.checks += table.notes
    if header is None:
        raise BoardError("表格里没有数据", field="文件")
    preview.header_first, preview.header_row = header.first + 1, header.last + 1
    preview.headers = header.texts
    preview.mapping = {name: header.texts[i] for name, i in header.columns.items()}
    preview.missing_fields = missing_fields(kind, set(header.columns))
    preview.title = next(
        (c.strip() for cells in table.rows[: header.first] for c in cells if isinstance(c, str) and c.strip()), ""
    )
    skipped = f"，上方 {header.first} 行标题已跳过" if header.first else ""
    if header.last > header.first:
        joined = "、".join(f"“{t}”" for t in header.texts if "/" in t)
        preview.checks.append(f"第{header.first + 1}–{header.last + 1}行是两行表头{skipped}；按列从上往下读：{joined}")
    elif header.first:
        preview.checks.append(f"第{header.last + 1}行为表头{skipped}")
    preview.layout = KIND_LABELS[kind]
    if preview.missing_fields:
        return preview
    _Reader(preview, table, header, max_rows, known, earlier).run()
    return preview


def _several_sheets(
    kind: str,
    filename: str,
    period: str,
    located: list[tuple[Table, Header | None]],
    usable: list[tuple[Table, Header]],
    max_rows: int,
    known: dict[Direction, list[str]] | None,
    notes: list[str],
    earlier: dict[str, dict[str, dict[str, int]]] | None,
) -> ImportPreview:
    """现金日记账 and 银行日记账 (or one month split over sheets) in one workbook: one preview of them all."""
    parts = [_preview_sheet(kind, filename, period, t, h, max_rows, known, earlier) for t, h in usable]
    names = [t.sheet_name for t, _ in usable]
    preview = ImportPreview(kind=kind, filename=filename, period=period, sheet_name="、".join(names), sheets=names)
    first = parts[0]
    preview.header_first, preview.header_row, preview.headers = first.header_first, first.header_row, first.headers
    preview.mapping, preview.title = first.mapping, first.title
    preview.checks += notes
    preview.checks.append(f"文件有 {len(names)} 个日记账工作表，一起导入（全部无误才保存）：{'、'.join(names)}")
    for table, _header in located:
        if table.sheet_name not in names:
            preview.checks.append(f"工作表“{table.sheet_name}”不是收支明细（找不到日期、摘要、金额列），已跳过")
    accounts = []
    for name, part in zip(names, parts):
        preview.problems += [Problem(p.row, f"{name}·{p.field}", p.message) for p in part.problems]
        preview.checks += [f"{name}：{c}" for c in part.checks if not c.startswith(("文件有", "导入后替换"))]
        for row in part.rows:
            row["_sheet"] = name
        preview.rows += part.rows
        accounts.append(part.account)
    preview.layout = "、".join(dict.fromkeys(p.layout for p in parts))
    totals = {"count": len(preview.rows)}
    for key in ("income_fen", "expense_fen", "income_count", "expense_count"):
        totals[key] = sum(p.totals.get(key, 0) for p in parts)
    single = accounts[0] if len(set(accounts)) == 1 else None
    preview.account = single
    for account in dict.fromkeys(a for a in accounts if a):
        mine = [(n, p) for n, p in zip(names, parts) if p.account == account]
        opening = mine[0][1].totals.get("opening_fen")
        if opening is None:
            continue
        closing = opening
        moved = {"income_fen": 0, "expense_fen": 0}
        for name, part in mine:
            for key, stated in part.carried_in.items():
                if stated != moved[key]:
                    label = "收入" if key == "income_fen" else "支出"
                    preview.problems.append(
                        Problem(
                            0,
                            f"{name}·承前页",
                            (
                                f"承前页的{label}是 {format_yuan(stated)}，但前面工作表的{label}之和是 "
                                f"{format_yuan(moved[key])}，两者应当相同"
                            ),
                        )
                    )
            for key in moved:
                moved[key] += part.totals[key]
            stated_opening = part.totals.get("opening_fen")
            if stated_opening is not None and stated_opening != closing:
                preview.problems.append(
                    Problem(
                        0,
                        f"{name}·月初余额",
                        (
                            f"这个工作表的月初余额是 {format_yuan(stated_opening)}，但上一个工作表结束时余额是 "
                            f"{format_yuan(closing)}，两者应当相同"
                        ),
                    )
                )
            closing = expected_closing(closing, part.totals["income_fen"], part.totals["expense_fen"])
        preview.balances[account] = {"opening_fen": opening, "closing_fen": closing}
        preview.checks.append(
            f"{_ACCOUNT_NAMES[Account(account)]}：月初余额 {format_yuan(opening)}，月末余额 {format_yuan(closing)}"
        )
    if single and single in preview.balances:
        totals["opening_fen"] = preview.balances[single]["opening_fen"]
        totals["closing_fen"] = preview.balances[single]["closing_fen"]
    if single is None:
        preview.checks.append("这些工作表含现金和银行存款：导入后替换本月全部收支明细")
    preview.totals = totals
    return preview


def _blank_row(cells: list[object]) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (type(cell) is str and cell.isspace()):
            continue
        return False
    return True


_MARKERS = {**dict.fromkeys(_TOTAL, "total"), **dict.fromkeys(_SKIP, "carry"), **dict.fromkeys(_OPENING, "opening")}
_MARKER_LEN = max(map(len, _MARKERS)) + 6  # room for spaces such as "合  计"
_MARKER_ENDS = {m[-1] for m in _MARKERS}  # a cheap filter before the lookup


def _marker(cells: list[object], summary_index: int | None) -> tuple[str, str] | None:
    """("total" | "carry" | "skip" | "opening", the marker text) for 合计/过次页/小计/上月结转 rows, else None."""
    candidates = cells[:_MARKER_COLUMNS]
    if summary_index is not None and _MARKER_COLUMNS <= summary_index < len(cells):
        candidates.append(cells[summary_index])
    for cell in candidates:
        if type(cell) is str and len(cell) <= _MARKER_LEN:
            text = cell.rstrip(" \u3000:：")
            if text and text[-1] in _MARKER_ENDS:
                text = _MARKER_NOISE.sub("", text)
                found = _MARKERS.get(text) or ("skip" if _SUBTOTAL.match(text) else None)
                if found:
                    return found, text
    return None


class _Reader:
    """One pass over the data rows of one sheet."""

    def __init__(
        self,
        preview: ImportPreview,
        table: Table,
        header: Header,
        max_rows: int,
        known_categories: dict[Direction, list[str]] | None,
        earlier: dict[str, dict[str, dict[str, int]]] | None = None,
    ) -> None:
        self.p = preview
        self.table = table
        self.rows = table.rows
        self.header = header
        self.columns = columns = dict(header.columns)
        self.max_rows = max_rows
        self.known = known_categories
        self.earlier = earlier
        self.first, self.last = period_bounds(preview.period)
        self.ledger = preview.kind == "ledger"
        self.year, year_source = self.find_year()
        self.bank = self.ledger and self.is_bank_download()
        self.voucher = self.ledger and "subject_code" in columns
        if self.ledger:
            self.describe(year_source)
        specs: list[tuple[str, int, str, Converter]] = []
        for name, index in columns.items():
            convert = converter(field_of(preview.kind, name), self.year)
            if name == "direction":
                convert = direction_converter(bank_view=self.bank)
            specs.append((name, index, preview.headers[index], convert))
        self.specs = specs
        self.money_columns = {i for name, i in columns.items() if field_of(preview.kind, name).kind == "money"}
        self.column_sums = dict.fromkeys(self.money_columns, 0)
        self.page_sums = dict.fromkeys(self.money_columns, 0)
        self.required = [
            f for f in KINDS[preview.kind] if f.column is not None and f.column.required and f.name in columns
        ]
        self.label = KIND_LABELS[preview.kind]
        # After the month's 合计, a row with no amount and no date is a footer (会计主管：张三 ...).
        self.date_specs = [
            (index, convert)
            for name, index, _, convert in self.specs
            if field_of(preview.kind, name).kind in ("date", "partial_date") or name in ("month", "day")
        ]
        self.failed: set[str] = set()  # fields of the current row whose cell could not be read
        self.undecided: list[tuple[Row, set[str]]] = []  # (row, its failed fields): 金额 without sign or 收支
        self.signed_amounts = False
        self.defaulted_categories = 0
        self.account_note = ""
        self.carries: list[tuple[int, list[object], str, dict[int, int], dict[int, int], int | None]] = []
        self.last_balance: int | None = None  # the 余额 of the last line read, for 过次页 rows
        self.outside: list[date] = []  # dates of lines outside the month, left out of a multi-month bank file
        self.carried_in: tuple[int, list[object]] | None = None

    def find_year(self) -> tuple[int, str]:
        """The year for 月/日 columns: a "2026年" header cell, else the title, else the chosen month's."""
        if self.header.year:
            return self.header.year, f"表头“{self.header.year}年”"
        for what, text in self.title_parts():
            match = _TITLE_YEAR.search(text)
            if match:
                return int(match[1]), f"{what}“{text[:40]}”"
        return int(self.p.period[:4]), ""

    def is_bank_download(self) -> bool:
        """A bank's 交易明细: bank-only headers or account rows on top, and no 凭证号 or 科目 column."""
        if {"voucher_no", "category", "subject_code"} & set(self.columns):
            return False
        headers = {normalise_header(part) for text in self.p.headers for part in text.split("/")}
        titles = [text for what, text in self.title_parts() if what == "标题"]
        return bool(headers & _BANK_HEADERS) or any(word in t for t in titles for word in _BANK_TITLES)

    def describe(self, year_source: str) -> None:
        p, columns = self.p, self.columns
        if self.bank:
            p.layout = _BANK_LAYOUT
            # A bank's 贷方 is money into the account: the opposite of the village's own books.
            words = {name: p.headers[columns[name]] for name in ("income_fen", "expense_fen") if name in columns}
            if words and all(_DEBIT_CREDIT_WORD.search(w) for w in words.values()):
                income, expense = columns.get("income_fen"), columns.get("expense_fen")
                for name, index in (("income_fen", expense), ("expense_fen", income)):
                    if index is None:
                        columns.pop(name, None)
                    else:
                        columns[name] = index
                p.mapping = {name: p.headers[i] for name, i in columns.items()}
                p.checks.append("银行流水的借贷是银行的记法：“贷方”是存入（收入），“借方”是支出")
            if "direction" in columns:
                p.checks.append(f"“{p.headers[columns['direction']]}”列按银行记法读取：贷=收入，借=支出")
        elif self.voucher:
            p.layout = "序时账（凭证列表）：取库存现金、银行存款科目的行"
        elif "income_fen" in columns or "expense_fen" in columns:
            joined = " ".join(p.headers[columns[n]] for n in ("income_fen", "expense_fen") if n in columns)
            p.layout = (
                "日记账（借方为收入，贷方为支出）"
                if _DEBIT_CREDIT_WORD.search(joined)
                else "收支明细（收入、支出分列）"
            )
        else:
            p.layout = "收支明细（一列金额）"
        if "entry_date" not in columns and "month" in columns:
            if "year" in columns:
                p.checks.append("日期由“年”“月”“日”三列组成")
            else:
                where = year_source or f"所选月份 {p.period}"
                p.checks.append(f"日期由“月”“日”两列组成，年份 {self.year} 取自{where}")

    def problem(self, row: int, where: str, message: str) -> None:
        self.p.problems.append(Problem(row, where, message))

    def header_of(self, name: str) -> str:
        return self.p.headers[self.columns[name]] if name in self.columns else field_of(self.p.kind, name).label

    def empty_problem(self, row_no: int, names: tuple[str, ...], where: str, message: str) -> None:
        """Report an empty cell, unless it is a formula saved without its result: then say that."""
        formulas = [n for n in names if n in self.columns and self.table.uncached_formula(row_no, self.columns[n])]
        for name in formulas:
            self.problem(row_no, self.header_of(name), _FORMULA)
        if not formulas:
            self.problem(row_no, where, message)

    def is_footer(self, cells: list[object]) -> bool:
        width = len(cells)
        if any(i < width and not is_blank(cells[i]) for i in self.money_columns):
            return False
        for index, convert in self.date_specs:
            if index < width and not is_blank(cells[index]):
                try:
                    convert(cells[index])
                except ValueError:
                    continue
                return False
        return True

    def run(self) -> None:
        p = self.p
        kind = p.kind
        summary_index = self.columns.get("summary", self.columns.get("name"))
        header_rows = [self.rows[i] for i in range(self.header.first, self.header.last + 1)]
        blank = footer = 0
        skipped: dict[str, int] = {}
        unchecked: list[str] = []  # 本年累计 rows whose earlier months are not in the system
        totals_rows: list[tuple[int, list[object], list[str]]] = []
        opening_rows: list[tuple[int, list[object]]] = []
        data_rows = 0
        ledger = self.ledger
        dated = _DATED.get(kind)
        # A bank download of several months: its running 余额 carries the opening into the month.
        drop_outside = self.bank and "balance_fen" in self.columns
        balance_col = self.columns.get("balance_fen")
        specs = [(*spec, spec[1] in self.money_columns) for spec in self.specs]
        sums, page = self.column_sums, self.page_sums
        for index in range(self.header.last + 1, len(self.rows)):
            cells = self.rows[index]
            row_no = index + 1
            if _blank_row(cells):
                blank += 1
                continue
            found = _marker(cells, summary_index)
            marker, text = found if found else (None, "")
            if marker == "total":
                totals_rows.append((row_no, cells, []))
                continue
            if marker == "carry" and not data_rows and text in _CARRY_IN and ledger:
                # A sheet that continues the month opens with the figures carried from the sheet before.
                self.carried_in = (row_no, cells)
                skipped[text] = skipped.get(text, 0) + 1
                continue
            if marker == "carry":
                self.carries.append((row_no, cells, text, dict(sums), dict(page), self.last_balance))
                self.page_sums = page = dict.fromkeys(self.money_columns, 0)
                skipped[text] = skipped.get(text, 0) + 1
                continue
            if marker == "skip":
                months = self.period_total_months(text)
                if months is not None and all(m in (self.earlier or {}) for m in months):
                    totals_rows.append((row_no, cells, months))
                else:
                    skipped[text] = skipped.get(text, 0) + 1
                    if months:
                        unchecked.append(text)
                continue
            if marker == "opening" and ledger:
                opening_rows.append((row_no, cells))
                continue
            if cells in header_rows:
                skipped["重复的表头"] = skipped.get("重复的表头", 0) + 1  # repeated on every printed page
                continue
            if totals_rows and self.is_footer(cells):
                footer += 1
                continue
            data_rows += 1
            if data_rows > self.max_rows:
                raise BoardError(f"数据超过 {self.max_rows} 行的上限；请只保留本月的数据后再导入", field="文件")
            row: Row = {"_row": row_no}
            width = len(cells)
            failed = self.failed
            failed.clear()
            marks = len(p.problems), len(self.undecided), self.defaulted_categories
            for name, col, where, convert, money in specs:
                if col >= width:
                    continue
                value = cells[col]
                if value is None or value == "" or (type(value) is str and value.isspace()):
                    continue
                try:
                    typed = convert(value)
                except ValueError as exc:
                    self.problem(row_no, where, str(exc))
                    failed.add(name)
                    continue
                row[name] = typed
                if money:
                    sums[col] += typed
                    page[col] += typed
            if balance_col is not None and "balance_fen" in row:
                self.last_balance = row["balance_fen"]
            if ledger:
                self.ledger_row(row)
            elif kind == "debts":
                self.debt_row(row)
            else:
                self.plain_row(row)
            if dated:
                day = row.get(dated)
                if day is not None and not self.first <= day <= self.last:
                    if drop_outside:
                        del p.problems[marks[0] :], self.undecided[marks[1] :]
                        self.defaulted_categories = marks[2]
                        self.outside.append(day)
                        continue
                    self.problem(row_no, self.header_of(dated), f"日期 {day} 不在所选月份 {p.period} 内")
            for f in self.required:
                # A 科目 follows from the 收支; without one, the missing 收支 is the problem to report.
                if (
                    f.name not in row
                    and f.name not in failed
                    and not (ledger and f.name == "category" and "direction" not in row)
                ):
                    self.empty_problem(row_no, (f.name,), self.header_of(f.name), "不能为空")
            p.rows.append(row)
        if blank:
            p.checks.append(f"跳过空行 {blank} 行")
        if skipped:
            names = "、".join(f"“{text}”" for text in skipped)
            p.checks.append(f"跳过{names}行 {sum(skipped.values())} 行（不重复计入）")
        if footer:
            p.checks.append(f"跳过合计行之后没有日期和金额的签名、备注行 {footer} 行")
        if unchecked:
            names = "、".join(f"“{text}”" for text in dict.fromkeys(unchecked))
            p.checks.append(f"{names}行未核对：系统里没有本年此前各月的收支明细")
        if self.outside:
            p.checks.append(
                f"文件含其他月份的 {len(self.outside)} 行（{min(self.outside)} 至 {max(self.outside)}），"
                f"只导入 {p.period} 的行"
            )
        if not p.rows and not p.problems:
            where = f"{p.period} 的" if self.outside else ""
            dates = f"（文件的日期从 {min(self.outside)} 到 {max(self.outside)}）" if self.outside else ""
            self.problem(0, "文件", f"表头（第{p.header_row}行）下面没有{where}数据行{dates}")
        if ledger:
            if self.voucher or self.voucher_by_subject():
                self.voucher_lines()
            self.settle_directions()
            self.oldest_first()
            self.debit_credit_by_balance()
        self.totals(opening_rows)
        for row_no, cells, months in totals_rows:
            self.check_total_row(row_no, cells, months)
        for carry in self.carries:
            self.check_carry(*carry)
        if ledger:
            self.ledger_checks()
        p.problems.sort(key=lambda problem: problem.row or 0)

    def period_total_months(self, text: str) -> list[str] | None:
        """The earlier months a 本年累计 / 本季合计 row adds to this month's lines (None: not such a row)."""
        month = self.first.month
        if text in _YEAR_TOTAL:
            start = 1
        elif text in _QUARTER_TOTAL:
            start = month - (month - 1) % 3
        else:
            return None
        return [f"{self.first.year:04d}-{m:02d}" for m in range(start, month)]

    def earlier_sum(self, months: list[str], name: str) -> int:
        """What the earlier ``months`` saved for this journal's account (both accounts when it has both)."""
        total = 0
        for month in months:
            for account, figures in (self.earlier or {})[month].items():
                if self.p.account in (None, account):
                    total += figures.get(name, 0)
        return total

    def ledger_row(self, row: Row) -> None:
        row_no = row["_row"]
        year = row.pop("year", None) or self.year
        month, day = row.pop("month", None), row.pop("day", None)
        if "entry_date" not in self.columns:
            if month is None or day is None:
                self.problem(row_no, "日期", "月或日为空")
            else:
                try:
                    row["entry_date"] = self.first.replace(year=year, month=month, day=day)
                except ValueError:
                    self.problem(row_no, self.header_of("day"), f"{year}年{month}月{day}日不是存在的日期")
        income, expense = row.pop("income_fen", None), row.pop("expense_fen", None)
        if "balance_fen" in row:
            row["_balance"] = row.pop("balance_fen")  # kept for the running-balance check, never saved
        if "income_fen" in self.columns or "expense_fen" in self.columns:
            income, expense = income or 0, expense or 0
            if income and expense:
                self.problem(
                    row_no, self.header_of("income_fen"), "同一行收入（借方）和支出（贷方）都有金额，请拆成两行"
                )
            elif income or expense:
                name = "income_fen" if income else "expense_fen"
                amount = income or expense
                if amount < 0:
                    self.problem(row_no, self.header_of(name), "金额为负数（红字冲销），请改成相反方向的正数金额")
                row["direction"] = Direction.income if income else Direction.expense
                row["amount_fen"] = abs(amount)
            elif "amount_fen" not in row and not self.failed & {"income_fen", "expense_fen", "amount_fen"}:
                self.empty_problem(
                    row_no,
                    ("income_fen", "expense_fen", "amount_fen"),
                    "金额",
                    "收入（借方）和支出（贷方）都为空或为 0",
                )
        if "amount_fen" in row and "direction" not in row:
            amount = row["amount_fen"]
            row["amount_fen"] = abs(amount)
            if amount < 0:
                # A signed 金额 column: negative or (200.00) is money out, so positive is money in.
                row["direction"] = Direction.expense
                self.signed_amounts = True
            elif amount:
                self.undecided.append((row, set(self.failed)))  # decided once the whole column is seen
        elif row.get("amount_fen", 0) < 0:
            self.problem(row_no, self.header_of("amount_fen"), "金额不能为负数")
        if row.get("amount_fen") == 0:
            self.problem(row_no, self.header_of("amount_fen"), "金额为 0")
        if "direction" in row:
            self.default_category(row, self.failed)
        if "account" not in self.columns and not self.voucher:
            if self.p.account is None:
                account, self.account_note = self.title_account()
                self.p.account = account.value
            row["account"] = _ACCOUNT_OF[self.p.account]

    def voucher_by_subject(self) -> bool:
        """A voucher list without a 科目编码 column: its 科目 column names 库存现金 or 银行存款 itself."""
        if "category" not in self.columns or "account" in self.columns:
            return False
        if not any(_subject_account("", name) for name in {r.get("category") for r in self.p.rows}):
            return False
        self.voucher = True
        self.p.account, self.account_note = None, ""
        self.p.layout = "序时账（凭证列表）：取库存现金、银行存款科目的行"
        return True

    def voucher_lines(self) -> None:
        """Keep the 101 库存现金 / 102 银行存款 lines of each voucher, with the other side's subject as 科目.

        Cash and bank lines with no other subject in their voucher are 提现/存现: an internal transfer.
        """
        p = self.p
        vouchers: dict[tuple[object, object], list[Row]] = {}
        for row in p.rows:
            key = (row.get("entry_date"), row.get("voucher_no") or f"#{row['_row']}")
            vouchers.setdefault(key, []).append(row)
        kept: set[int] = set()
        transfers = 0
        for lines in vouchers.values():
            own = [
                (line, _subject_account(str(line.get("subject_code") or ""), line.get("category"))) for line in lines
            ]
            others = [line for line, account in own if account is None]
            for line, account in own:
                if account is None:
                    continue
                if others:
                    opposite = [o for o in others if o.get("direction") != line.get("direction")] or others
                    main = max(opposite, key=lambda o: o.get("amount_fen") or 0)
                    line["category"] = _top_subject(main.get("category") or "") or _DEFAULT_CATEGORY.get(
                        line.get("direction"), "其他收入"
                    )
                else:
                    line["category"] = TRANSFER_CATEGORY
                    transfers += 1
                line["account"] = account
                kept.add(line["_row"])
        dropped = len(p.rows) - len(kept)
        p.rows = [r for r in p.rows if r["_row"] in kept]
        for row in p.rows:
            row.pop("subject_code", None)
        p.account = None
        p.checks.append(
            f"序时账：取库存现金、银行存款（含明细科目）的 {len(kept)} 行，科目记为同一凭证的对方科目；"
            f"其他科目的 {dropped} 行是对方科目，不计入收支"
        )
        if transfers:
            p.checks.append(f"{transfers} 行是同一凭证内现金与银行存款之间的划转，记为“{TRANSFER_CATEGORY}”")

    def debit_credit_by_balance(self) -> None:
        """借方/贷方 with nothing saying whose books they are (no 凭证号, 科目 or bank headers): the 余额
        column decides.  A bank's 贷方 raises the balance; the village's own 借方 does."""
        columns, p = self.columns, self.p
        if (
            self.bank
            or self.voucher
            or {"voucher_no", "category"} & set(columns)
            or "balance_fen" not in columns
            or not {"income_fen", "expense_fen"} <= set(columns)
            or not all(_DEBIT_CREDIT_WORD.search(p.headers[columns[n]]) for n in ("income_fen", "expense_fen"))
        ):
            return
        fits = flipped = 0
        before = None
        for row in p.rows:
            balance = row.get("_balance")
            amount = row.get("amount_fen") or 0
            delta = balance_change(row.get("direction"), amount)
            if balance is not None and before is not None:
                fits += balance - before == delta
                flipped += balance - before == -delta
            before = balance
        if flipped <= fits:
            return
        for row in p.rows:
            if "direction" in row:
                row["direction"] = Direction.expense if row["direction"] == Direction.income else Direction.income
                row["category"] = _DEFAULT_CATEGORY[row["direction"]]
        columns["income_fen"], columns["expense_fen"] = columns["expense_fen"], columns["income_fen"]
        p.mapping = {name: p.headers[i] for name, i in columns.items()}
        self.bank = True
        p.layout = _BANK_LAYOUT
        p.checks.append("余额列表明这是银行的记法：“贷方”是存入（收入），“借方”是支出")

    def oldest_first(self) -> None:
        """Bank downloads often list the newest line first: read them oldest first, so balances follow."""
        rows = self.p.rows
        dates = [r["entry_date"] for r in rows if "entry_date" in r]
        if self.bank and len(dates) > 1 and dates[0] > dates[-1] and all(a >= b for a, b in zip(dates, dates[1:])):
            rows.reverse()
            self.p.checks.append("文件按日期从新到旧排列：按从旧到新的顺序导入和核对余额")

    def default_category(self, row: Row, failed: set[str]) -> None:
        """Fill a missing 科目 from the direction; ``failed`` gets "category" when it is a problem."""
        if "category" in row or "category" in failed:
            return
        summary = row.get("summary") or ""
        if "voucher_no" not in row and "计" in summary:
            # Most likely a 合计/累计 line the markers did not recognise: never count it as a real line.
            self.problem(
                row["_row"],
                self.header_of("category"),
                f"这一行没有凭证号和科目，摘要“{summary[:20]}”像是合计行：合计行请删除，明细请填写科目",
            )
            failed.add("category")
            return
        row["category"] = _DEFAULT_CATEGORY[row["direction"]]
        self.defaulted_categories += 1

    def settle_directions(self) -> None:
        """收支 of the rows of a 金额 column with neither sign nor 收支 column.

        A positive amount is income only when the column also has negative amounts; otherwise
        the 科目 decides (when it is a category of one direction only), then a title such as
        “现金支出明细”, else the row is a problem: guessing would count spending as income.
        """
        if not self.undecided:
            return
        header = self.header_of("amount_fen")
        if self.signed_amounts:
            for row, failed in self.undecided:
                row["direction"] = Direction.income
                self.default_category(row, failed)
            self.p.checks.append(f"“{header}”列有负数：正数记为收入，负数记为支出")
            return
        directions: dict[str | None, set[Direction]] = {}
        for direction, names in (self.known or DEFAULT_CATEGORIES).items():
            for name in names:
                directions.setdefault(name, set()).add(direction)
        titled = self.title_direction()
        by_category = by_title = 0
        titled_direction = titled[0] if titled else None
        for row, failed in self.undecided:
            own = directions.get(row.get("category"), set())
            if len(own) == 1:
                row["direction"] = next(iter(own))
                by_category += 1
            elif titled_direction:
                row["direction"] = titled_direction
                by_title += 1
            else:
                self.problem(row["_row"], header, _UNDECIDED)
                continue
            self.default_category(row, failed)
        if by_category:
            self.p.checks.append(f"“{header}”列没有正负号，也没有“收支”列：{by_category} 行按科目判断收入或支出")
        if by_title and titled:
            self.p.checks.append(f"{titled[2]}注明{titled[1]}：{by_title} 行按标题记为{titled[1]}")

    def title_parts(self) -> list[tuple[str, str]]:
        """(what, text) of the title rows above the header, the sheet name and the file name."""
        parts = [
            ("标题", c.strip())
            for cells in self.rows[: self.header.first]
            for c in cells
            if isinstance(c, str) and c.strip()
        ]
        return parts + [("工作表名", self.p.sheet_name), ("文件名", self.p.filename)]

    def title_direction(self) -> tuple[Direction, str, str] | None:
        """(direction, 收入|支出, where it is said) when the title names exactly one direction."""
        found: dict[str, str] = {}
        for what, text in self.title_parts():
            for word in _TITLE_DIRECTION.findall(text):
                found.setdefault(word, f"{what}“{text[:40]}”")
        if len(found) != 1:
            return None
        [(word, source)] = found.items()
        return _DIRECTION_WORDS[word], word, source

    def debt_row(self, row: Row) -> None:
        receivable, payable = row.pop("receivable_fen", None), row.pop("payable_fen", None)
        if "receivable_fen" in self.columns or "payable_fen" in self.columns:
            if receivable and payable:
                self.problem(row["_row"], self.header_of("receivable_fen"), "同一行应收和应付都有金额，请拆成两行")
            elif receivable or payable:
                row["kind"] = DebtKind.receivable if receivable else DebtKind.payable
                row["amount_fen"] = receivable or payable
            elif "amount_fen" not in row:
                self.problem(row["_row"], "金额", "应收款和应付款都为空或为 0")
        self.plain_row(row)

    def plain_row(self, row: Row) -> None:
        if isinstance(row.get("acquired_on"), tuple):
            row["acquired_on"], row["acquired_precision"] = row["acquired_on"]
        for name, value in row.items():
            if name != "_row" and isinstance(value, int) and name.endswith("_fen") and value < 0:
                self.problem(row["_row"], self.header_of(name), "金额不能为负数")

    def title_account(self) -> tuple[Account, str]:
        """The account a single-account journal belongs to, and how that was decided."""
        parts = self.title_parts()
        for word, account in (("现金", Account.cash), ("银行", Account.bank)):
            for what, text in parts:
                if word in text:
                    return account, f"{what}“{text[:40]}”含“{word}”：全部记入{_ACCOUNT_NAMES[account]}账户"
        if self.bank:
            return Account.bank, "银行交易明细：全部记入银行存款账户"
        return Account.bank, "文件没有注明账户（标题和“账户”列都没有）：默认全部记入银行存款，可在表格中修改"

    def totals(self, opening_rows: list[tuple[int, list[object]]]) -> None:
        p = self.p
        totals: dict[str, int] = {"count": len(p.rows)}
        amounts = [r.get("amount_fen") or 0 for r in p.rows]
        if p.kind == "ledger":
            income = sum(a for a, r in zip(amounts, p.rows) if r.get("direction") == Direction.income)
            expense = sum(a for a, r in zip(amounts, p.rows) if r.get("direction") == Direction.expense)
            totals |= {
                "income_fen": income,
                "expense_fen": expense,
                "income_count": sum(1 for r in p.rows if r.get("direction") == Direction.income),
                "expense_count": sum(1 for r in p.rows if r.get("direction") == Direction.expense),
            }
            if self.account_note:
                p.checks.append(self.account_note)
            if "account" in self.columns:
                p.account = None
                p.checks.append("文件有“账户”列：导入后替换本月全部收支明细（现金和银行存款）")
            elif self.voucher:
                p.checks.append("序时账含现金和银行存款：导入后替换本月全部收支明细")
            elif p.account:
                p.checks.append(f"导入后替换本月{_ACCOUNT_NAMES[Account(p.account)]}账户的收支明细，另一账户不变")
            opening = None
            if opening_rows and p.account:
                row_no, cells = opening_rows[0]
                opening = self.opening_value(row_no, cells)
                if opening is not None:
                    p.checks.append(f"第{row_no}行“上月结转/期初余额”：月初余额 {format_yuan(opening)}")
            elif p.account and self.carried_in:
                opening = self.read_carried_in(self.carried_in)
            elif p.account and "balance_fen" in self.columns:
                opening = self.derived_opening()
            if opening is not None and p.account:
                totals["opening_fen"] = opening
                totals["closing_fen"] = expected_closing(opening, income, expense)
                p.balances = {p.account: {"opening_fen": opening, "closing_fen": totals["closing_fen"]}}
        elif p.kind == "debts":
            totals["receivable_fen"] = sum(a for a, r in zip(amounts, p.rows) if r.get("kind") == DebtKind.receivable)
            totals["payable_fen"] = sum(a for a, r in zip(amounts, p.rows) if r.get("kind") == DebtKind.payable)
        elif p.kind == "assets":
            totals["original_value_fen"] = sum(r.get("original_value_fen") or 0 for r in p.rows)
        elif p.kind == "resources":
            totals["annual_fee_fen"] = sum(r.get("annual_fee_fen") or 0 for r in p.rows)
        else:
            totals["amount_fen"] = sum(amounts)
        p.totals = totals

    def read_carried_in(self, carried_in: tuple[int, list[object]]) -> int | None:
        """The 承前页 row opening a continuation sheet: its 余额 is the opening, its sums are checked later."""
        row_no, cells = carried_in
        opening = None
        for name in ("income_fen", "expense_fen", "balance_fen"):
            col = self.columns.get(name)
            if col is None or col >= len(cells) or is_blank(cells[col]):
                continue
            try:
                value = to_fen(cells[col])
            except ValueError as exc:
                self.problem(row_no, self.p.headers[col], str(exc))
                continue
            if name == "balance_fen":
                opening = value
                self.p.checks.append(f"第{row_no}行“承前页”：接上一页，余额 {format_yuan(value)}")
            else:
                self.p.carried_in[name] = value
        if opening is None and "balance_fen" in self.columns:
            return self.derived_opening()
        return opening

    def derived_opening(self) -> int | None:
        """No 上月结转 row: the opening is the first stated 余额 less the lines up to it."""
        col = self.columns["balance_fen"]
        moved = 0
        for row in self.p.rows:
            amount = row.get("amount_fen") or 0
            moved += balance_change(row.get("direction"), amount)
            cells = self.rows[row["_row"] - 1]
            if col < len(cells) and not is_blank(cells[col]):
                if "_balance" not in row:
                    return None  # unreadable: already reported as a problem of this cell
                balance: int = row["_balance"]
                opening = balance - moved
                self.p.checks.append(
                    f"没有“上月结转”行：月初余额由第{row['_row']}行的余额 {format_yuan(balance)} "
                    f"倒推为 {format_yuan(opening)}"
                )
                return opening
        return None

    def stated_amounts(self, row_no: int, cells: list[object]) -> Iterator[tuple[int, str, int]]:
        """(column, header, fen) of the money cells a carry or total row fills; unreadable ones are problems."""
        for col in sorted(self.money_columns):
            if col >= len(cells) or is_blank(cells[col]):
                continue
            try:
                yield col, self.p.headers[col], to_fen(cells[col])
            except ValueError as exc:
                self.problem(row_no, self.p.headers[col], str(exc))

    def check_carry(
        self,
        row_no: int,
        cells: list[object],
        text: str,
        sums: dict[int, int],
        page: dict[int, int],
        balance: int | None,
    ) -> None:
        """过次页/承前页 rows carry the month's (or the page's) sums and the running 余额: check them."""
        agreed = []
        balance_col = self.columns.get("balance_fen")
        for col, header, stated in self.stated_amounts(row_no, cells):
            if col == balance_col:
                expected = [balance if balance is not None else self.p.totals.get("opening_fen")]
                what = "上一行的余额"
            else:
                field_name = next(n for n, i in self.columns.items() if i == col)
                expected = [sums[col] + self.p.carried_in.get(field_name, 0), page[col]]
                what = "此前明细之和"
            if expected[0] is None:
                continue
            if stated in expected:
                agreed.append(f"{header} {format_yuan(stated)}")
            else:
                self.problem(
                    row_no,
                    header,
                    f"“{text}”行写的是 {format_yuan(stated)}，但{what}是 {format_yuan(expected[0])}。请核对后再导入",
                )
        if agreed:
            self.p.checks.append(f"第{row_no}行“{text}”与明细一致（{'，'.join(agreed)}）")

    def opening_value(self, row_no: int, cells: list[object]) -> int | None:
        for name in ("balance_fen", "income_fen", "amount_fen"):
            col = self.columns.get(name)
            if col is not None and col < len(cells) and not is_blank(cells[col]):
                try:
                    return to_fen(cells[col])
                except ValueError as exc:
                    self.problem(row_no, self.p.headers[col], str(exc))
                    return None
        return 0

    def check_total_row(self, row_no: int, cells: list[object], months: list[str] | tuple[()] = ()) -> None:
        if all(col >= len(cells) or is_blank(cells[col]) for col in self.money_columns):
            for col in sorted(self.money_columns):
                if self.table.uncached_formula(row_no, col):
                    self.problem(row_no, self.p.headers[col], _FORMULA)
            return
        agreed = []
        for col, header, stated in self.stated_amounts(row_no, cells):
            name = next(n for n, i in self.columns.items() if i == col)
            if name == "balance_fen":
                expected = self.p.totals.get("closing_fen")
                what = "月末余额"
            elif months and name in ("income_fen", "expense_fen"):
                expected = self.column_sums[col] + self.earlier_sum(months, name)
                what = f"{months[0]}以来各月明细之和"
            elif months:
                continue  # a signed 金额 column: the earlier months' figure is not one column
            else:
                expected = self.column_sums[col]
                what = "明细之和"
            if expected is None:
                continue
            if stated != expected and months and name != "balance_fen":
                # The file's own lines may be right while an earlier month in the system is not: say so, refuse nothing.
                self.p.checks.append(
                    f"请核对：第{row_no}行“{header}”写的是 {format_yuan(stated)}，但系统里{what}是 "
                    f"{format_yuan(expected)}，相差 {format_yuan(stated - expected)}（往月数据可能与账本不一致）"
                )
            elif stated != expected:
                self.problem(
                    row_no,
                    header,
                    f"合计行写的是 {format_yuan(stated)}，但{what}是 {format_yuan(expected)}，"
                    f"相差 {format_yuan(stated - expected)}。请核对后再导入",
                )
            else:
                agreed.append(f"{header} {format_yuan(stated)}")
        if agreed:
            self.p.checks.append(f"第{row_no}行合计与明细一致（{'，'.join(agreed)}）")

    def ledger_checks(self) -> None:
        p = self.p
        if "category" not in self.columns and p.rows:
            p.checks.append("文件没有“科目”列：按收支方向记为“其他收入”/“其他支出”，可在表格中修改")
        elif self.defaulted_categories:
            p.checks.append(f"{self.defaulted_categories} 行科目为空：按收支方向记为“其他收入”/“其他支出”")
        if self.known is not None:
            unknown = sorted(
                {
                    r["category"]
                    for r in p.rows
                    if "category" in r and "direction" in r and r["category"] not in self.known.get(r["direction"], ())
                }
            )
            if unknown:
                p.checks.append(f"以下科目不在本乡镇的收支类别中（允许导入，请确认）：{'、'.join(unknown)}")
        if "balance_fen" in self.columns and p.account:
            self.check_running_balance()

    def check_running_balance(self) -> None:
        """Each row's 余额 must follow from the previous one.

        A line is wrong only when its 余额 matches neither the previous stated 余额 nor the
        running total from the opening, so one typo is reported once, not on every later line.
        """
        col = self.columns["balance_fen"]
        stated_before = computed = self.p.totals.get("opening_fen")
        for row in self.p.rows:
            cells = self.rows[row["_row"] - 1]
            amount = row.get("amount_fen") or 0
            delta = balance_change(row.get("direction"), amount)
            computed = None if computed is None else computed + delta
            balance = row.get("_balance")
            if balance is None:
                if col < len(cells) and not is_blank(cells[col]):
                    continue  # unreadable: already reported as a problem of this cell
                stated_before = None if stated_before is None else stated_before + delta
                continue
            if stated_before is not None and balance not in (stated_before + delta, computed):
                self.problem(
                    row["_row"],
                    self.p.headers[col],
                    f"余额 {format_yuan(balance)} 与上一行余额加减本行金额得到的 "
                    f"{format_yuan(stated_before + delta)} 不符",
                )
            if computed is None:
                computed = balance
            stated_before = balance


def _top_subject(name: str) -> str:
    """The first-level subject of 银行存款—农业银行 or 管理费用/办公费."""
    return _SUBACCOUNT.split(name.strip(), 1)[0].strip()


def _subject_account(code: str, name: str | None) -> Account | None:
    """库存现金 (101, 1001) → cash, 银行存款 (102, 1002) → bank, with their sub-accounts; other subjects → None."""
    code = code.strip()
    if code.startswith(("101", "1001")):
        return Account.cash
    if code.startswith(("102", "1002")):
        return Account.bank
    if code:
        return None
    return _CASH_SUBJECTS.get(_top_subject(name or ""))
