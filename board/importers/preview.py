"""A file's rows as they would be saved, with every problem, before anything is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from board.errors import BoardError, Problem
from board.importers.columns import (
    KIND_LABELS,
    KINDS,
    column_letter,
    field_of,
    find_header_row,
    missing_fields,
    normalise_header,
    recognise,
)
from board.entry import is_blank
from board.importers.reading import MAX_BYTES, MAX_ROWS, Table, read_table
from board.importers.values import converter, to_fen
from board.money import format_yuan
from board.periods import check_period, period_bounds
from board.villages import DEFAULT_CATEGORIES
from models import Account, DebtKind, Direction

# Totals of the month, checked against the lines; any other 合计/小计/累计 (本日合计, 本年累计,
# 本页小计 ...) is skipped, since it repeats lines already counted.
_TOTAL = {"合计", "本月合计", "本期合计", "总计", "月计", "本月发生额合计", "本期发生额合计"}
_SUBTOTAL = re.compile(r"^本?[日月季年期页]?(?:发生额)?(?:合计|小计|累计)$")
_SKIP = {"过次页", "承前页", "转下页", "承上页"}
_OPENING = {"上月结转", "期初余额", "上期结转", "月初余额", "期初结存", "上年结转", "年初余额", "承上月", "上月结余"}
_MARKER_NOISE = re.compile(r"[\s\u3000:：]")
_MARKER_COLUMNS = 4  # 合计/结转 sit in the date, voucher or summary column
_DEFAULT_CATEGORY = {Direction.income: "其他收入", Direction.expense: "其他支出"}
_ACCOUNT_NAMES = {Account.bank: "银行存款", Account.cash: "现金"}
_ACCOUNT_OF = {a.value: a for a in Account}
_DATED = {"ledger": "entry_date", "party": "item_date", "affairs": "item_date"}
_TITLE_DIRECTION = re.compile(r"(收入|支出)(?:明细|清单|汇总|表)")
_DIRECTION_WORDS = {"收入": Direction.income, "支出": Direction.expense}
_FORMULA = "公式没有计算结果，请在 Excel 中打开后保存再导入"
_UNDECIDED = "无法判断是收入还是支出，请增加“收支”列或分成收入、支出两列"

TOTAL_LABELS = {
    "count": "行数", "income_count": "收入笔数", "expense_count": "支出笔数",
    "income_fen": "收入合计", "expense_fen": "支出合计", "opening_fen": "月初余额", "closing_fen": "月末余额",
    "receivable_fen": "应收合计", "payable_fen": "应付合计", "original_value_fen": "原值合计", "amount_fen": "金额合计",
}


def totals_text(totals: dict) -> list[tuple[str, str]]:
    """An import's totals as (label, text), money in 元; unknown figures are left out."""
    return [
        (label, format_yuan(totals[key]) if key.endswith("_fen") else str(totals[key]))
        for key, label in TOTAL_LABELS.items() if key in totals
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
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    account: str | None = None  # a single-account journal: "bank" or "cash"

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
) -> ImportPreview:
    """Read ``data`` as ``kind`` for ``period``; never saves.

    Raises BoardError when the file cannot be read at all (not a spreadsheet, encrypted,
    too large); everything wrong inside the file is in ``problems``.  ``mapping`` (field →
    header text) overrides recognised headers; a field mapped to "" is not imported.
    """
    if kind not in KINDS:
        raise BoardError(f"未知的导入类别“{kind}”，可选：{'、'.join(KINDS)}", field="类别")
    check_period(period)
    mapping = {k: v for k, v in (mapping or {}).items() if k in {f.name for f in KINDS[kind]}}
    wanted = {normalise_header(v) for v in mapping.values() if v}

    def looks_right(rows: list[list]) -> bool:
        return find_header_row(kind, rows, wanted) is not None

    table = read_table(data, filename, max_bytes=max_bytes, max_rows=max_rows, choose=looks_right)
    preview = ImportPreview(kind=kind, filename=filename, period=period, sheet_name=table.sheet_name)
    preview.checks += table.notes
    rows = table.rows
    header = find_header_row(kind, rows, wanted)
    if header is None:
        header = next((i for i, cells in enumerate(rows) if not _blank_row(cells)), None)
        if header is None:
            raise BoardError("表格里没有数据", field="文件")
    cells = rows[header]
    preview.header_row = header + 1
    preview.headers = [_header_text(c, i) for i, c in enumerate(cells)]
    columns = recognise(kind, cells)
    by_text = {normalise_header(h): i for i, h in reversed(list(enumerate(preview.headers)))}
    for name, text in mapping.items():
        if not text:
            columns.pop(name, None)
        elif normalise_header(text) in by_text:
            columns[name] = by_text[normalise_header(text)]
    preview.mapping = {name: preview.headers[i] for name, i in columns.items()}
    preview.missing_fields = missing_fields(kind, set(columns))
    if header:
        preview.checks.append(f"第{header + 1}行为表头，上方 {header} 行标题已跳过")
    if preview.missing_fields:
        return preview
    _Reader(preview, table, header, columns, max_rows, known_categories).run()
    return preview


def _header_text(cell, index: int) -> str:
    text = str(cell).strip() if not is_blank(cell) else ""
    return text or f"{column_letter(index)}列"


def _blank_row(cells: list) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (cell.__class__ is str and cell.isspace()):
            continue
        return False
    return True


_MARKERS = {**dict.fromkeys(_TOTAL, "total"), **dict.fromkeys(_SKIP, "skip"), **dict.fromkeys(_OPENING, "opening")}
_MARKER_LEN = max(map(len, _MARKERS)) + 6  # room for spaces such as "合  计"
_MARKER_ENDS = {m[-1] for m in _MARKERS}  # a cheap filter before the lookup


def _marker(cells: list, summary_index: int | None) -> tuple[str, str] | None:
    """("total" | "skip" | "opening", the marker text) for 合计/小计/上月结转 rows, else None."""
    candidates = cells[:_MARKER_COLUMNS]
    if summary_index is not None and _MARKER_COLUMNS <= summary_index < len(cells):
        candidates.append(cells[summary_index])
    for cell in candidates:
        if cell.__class__ is str and len(cell) <= _MARKER_LEN:
            text = cell.rstrip(" \u3000:：")
            if text and text[-1] in _MARKER_ENDS:
                text = _MARKER_NOISE.sub("", text)
                found = _MARKERS.get(text) or ("skip" if _SUBTOTAL.match(text) else None)
                if found:
                    return found, text
    return None


class _Reader:
    """One pass over the data rows of one sheet."""

    def __init__(self, preview: ImportPreview, table: Table, header: int, columns: dict[str, int], max_rows: int,
                 known_categories):
        self.p = preview
        self.table = table
        self.rows = table.rows
        self.header = header
        self.columns = columns
        self.max_rows = max_rows
        self.known = known_categories
        year = int(preview.period[:4])
        self.first, self.last = period_bounds(preview.period)
        self.specs = [
            (name, index, preview.headers[index], converter(field_of(preview.kind, name), year))
            for name, index in columns.items()
        ]
        self.money_columns = {i for name, i in columns.items() if field_of(preview.kind, name).kind == "money"}
        self.column_sums = dict.fromkeys(self.money_columns, 0)
        self.required = [
            f for f in KINDS[preview.kind]
            if f.column is not None and f.column.required and f.name in columns
        ]
        self.label = KIND_LABELS[preview.kind]
        # After the month's 合计, a row with no amount and no date is a footer (会计主管：张三 ...).
        self.date_specs = [(index, convert) for name, index, _, convert in self.specs
                           if field_of(preview.kind, name).kind == "date" or name in ("month", "day")]
        self.failed: set[str] = set()  # fields of the current row whose cell could not be read
        self.undecided: list[tuple[dict, set[str]]] = []  # (row, its failed fields): 金额 without sign or 收支
        self.signed_amounts = False
        self.defaulted_categories = 0

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

    def is_footer(self, cells: list) -> bool:
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
        header_cells = self.rows[self.header]
        blank = footer = 0
        skipped: dict[str, int] = {}
        totals_rows: list[tuple[int, list]] = []
        opening_rows: list[tuple[int, list]] = []
        data_rows = 0
        ledger = kind == "ledger"
        dated = _DATED.get(kind)
        specs = [(*spec, spec[1] in self.money_columns) for spec in self.specs]
        sums = self.column_sums
        for index in range(self.header + 1, len(self.rows)):
            cells = self.rows[index]
            row_no = index + 1
            if _blank_row(cells):
                blank += 1
                continue
            found = _marker(cells, summary_index)
            marker = found[0] if found else None
            if marker == "total":
                totals_rows.append((row_no, cells))
                continue
            if marker == "skip":
                skipped[found[1]] = skipped.get(found[1], 0) + 1
                continue
            if marker == "opening" and ledger:
                opening_rows.append((row_no, cells))
                continue
            if cells == header_cells:
                skipped["重复的表头"] = skipped.get("重复的表头", 0) + 1  # repeated on every printed page
                continue
            if totals_rows and self.is_footer(cells):
                footer += 1
                continue
            data_rows += 1
            if data_rows > self.max_rows:
                raise BoardError(f"数据超过 {self.max_rows} 行的上限；请只保留本月的数据后再导入", field="文件")
            row = {"_row": row_no}
            width = len(cells)
            failed = self.failed
            failed.clear()
            for name, col, where, convert, money in specs:
                if col >= width:
                    continue
                value = cells[col]
                if value is None or value == "" or (value.__class__ is str and value.isspace()):
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
            if ledger:
                self.ledger_row(row)
            elif kind == "debts":
                self.debt_row(row)
            else:
                self.plain_row(row)
            if dated:
                day = row.get(dated)
                if day is not None and not self.first <= day <= self.last:
                    self.problem(row_no, self.header_of(dated), f"日期 {day} 不在所选月份 {p.period} 内")
            for f in self.required:
                # A 科目 follows from the 收支; without one, the missing 收支 is the problem to report.
                if f.name not in row and f.name not in failed and not (
                        ledger and f.name == "category" and "direction" not in row):
                    self.empty_problem(row_no, (f.name,), self.header_of(f.name), "不能为空")
            p.rows.append(row)
        if blank:
            p.checks.append(f"跳过空行 {blank} 行")
        if skipped:
            names = "、".join(f"“{text}”" for text in skipped)
            p.checks.append(f"跳过{names}行 {sum(skipped.values())} 行（不重复计入）")
        if footer:
            p.checks.append(f"跳过合计行之后没有日期和金额的签名、备注行 {footer} 行")
        if not p.rows and not p.problems:
            self.problem(0, "文件", f"表头（第{p.header_row}行）下面没有数据行")
        if ledger:
            self.settle_directions()
        self.totals(opening_rows)
        for row_no, cells in totals_rows:
            self.check_total_row(row_no, cells)
        if ledger:
            self.ledger_checks()
        p.problems.sort(key=lambda problem: problem.row or 0)

    def ledger_row(self, row: dict) -> None:
        row_no = row["_row"]
        month, day = row.pop("month", None), row.pop("day", None)
        if "entry_date" not in self.columns:
            if month is None or day is None:
                self.problem(row_no, "日期", "月或日为空")
            else:
                try:
                    row["entry_date"] = self.first.replace(month=month, day=day)
                except ValueError:
                    self.problem(row_no, self.header_of("day"), f"{month}月{day}日不是存在的日期")
        income, expense = row.pop("income_fen", None), row.pop("expense_fen", None)
        row.pop("balance_fen", None)
        if "income_fen" in self.columns or "expense_fen" in self.columns:
            income, expense = income or 0, expense or 0
            if income and expense:
                self.problem(row_no, self.header_of("income_fen"), "同一行收入（借方）和支出（贷方）都有金额，请拆成两行")
            elif income or expense:
                name = "income_fen" if income else "expense_fen"
                amount = income or expense
                if amount < 0:
                    self.problem(row_no, self.header_of(name), "金额为负数（红字冲销），请改成相反方向的正数金额")
                row["direction"] = Direction.income if income else Direction.expense
                row["amount_fen"] = abs(amount)
            elif "amount_fen" not in row and not self.failed & {"income_fen", "expense_fen", "amount_fen"}:
                self.empty_problem(row_no, ("income_fen", "expense_fen", "amount_fen"), "金额",
                                   "收入（借方）和支出（贷方）都为空或为 0")
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
        if "account" not in self.columns:
            if self.p.account is None:
                self.p.account = self.title_account().value
            row["account"] = _ACCOUNT_OF[self.p.account]

    def default_category(self, row: dict, failed: set[str]) -> None:
        """Fill a missing 科目 from the direction; ``failed`` gets "category" when it is a problem."""
        if "category" in row or "category" in failed:
            return
        summary = row.get("summary") or ""
        if "voucher_no" not in row and "计" in summary:
            # Most likely a 合计/累计 line the markers did not recognise: never count it as a real line.
            self.problem(row["_row"], self.header_of("category"),
                         f"这一行没有凭证号和科目，摘要“{summary[:20]}”像是合计行：合计行请删除，明细请填写科目")
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
        directions: dict[str, set[Direction]] = {}
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
        if by_title:
            self.p.checks.append(f"{titled[2]}注明{titled[1]}：{by_title} 行按标题记为{titled[1]}")

    def title_parts(self) -> list[tuple[str, str]]:
        """(what, text) of the title rows above the header, the sheet name and the file name."""
        parts = [("标题", c.strip()) for cells in self.rows[: self.header] for c in cells
                 if isinstance(c, str) and c.strip()]
        return parts + [("工作表名", self.p.sheet_name), ("文件名", self.p.filename)]

    def title_direction(self) -> tuple[Direction, str, str] | None:
        """(direction, 收入|支出, where it is said) when the title names exactly one direction."""
        found = {}
        for what, text in self.title_parts():
            for word in _TITLE_DIRECTION.findall(text):
                found.setdefault(word, f"{what}“{text[:40]}”")
        if len(found) != 1:
            return None
        [(word, source)] = found.items()
        return _DIRECTION_WORDS[word], word, source

    def debt_row(self, row: dict) -> None:
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

    def plain_row(self, row: dict) -> None:
        for name, value in row.items():
            if name != "_row" and isinstance(value, int) and name.endswith("_fen") and value < 0:
                self.problem(row["_row"], self.header_of(name), "金额不能为负数")

    def title_account(self) -> Account:
        parts = self.title_parts()
        for word, account in (("现金", Account.cash), ("银行", Account.bank)):
            for what, text in parts:
                if word in text:
                    self.p.checks.append(
                        f"{what}“{text[:40]}”含“{word}”：全部记入{_ACCOUNT_NAMES[account]}账户")
                    return account
        self.p.checks.append("文件没有注明账户（标题和“账户”列都没有）：默认全部记入银行存款，可在表格中修改")
        return Account.bank

    def totals(self, opening_rows) -> None:
        p = self.p
        totals: dict = {"count": len(p.rows)}
        amounts = [r.get("amount_fen") or 0 for r in p.rows]
        if p.kind == "ledger":
            income = sum(a for a, r in zip(amounts, p.rows) if r.get("direction") == Direction.income)
            expense = sum(a for a, r in zip(amounts, p.rows) if r.get("direction") == Direction.expense)
            totals |= {"income_fen": income, "expense_fen": expense,
                       "income_count": sum(1 for r in p.rows if r.get("direction") == Direction.income),
                       "expense_count": sum(1 for r in p.rows if r.get("direction") == Direction.expense)}
            if "account" in self.columns:
                p.account = None
                p.checks.append("文件有“账户”列：导入后替换本月全部收支明细（现金和银行存款）")
            elif p.account:
                p.checks.append(f"导入后替换本月{_ACCOUNT_NAMES[Account(p.account)]}账户的收支明细，另一账户不变")
            if opening_rows and p.account:
                row_no, cells = opening_rows[0]
                opening = self.opening_value(row_no, cells)
                if opening is not None:
                    totals["opening_fen"] = opening
                    totals["closing_fen"] = opening + income - expense
                    p.checks.append(f"第{row_no}行“上月结转/期初余额”：月初余额 {format_yuan(opening)}")
        elif p.kind == "debts":
            totals["receivable_fen"] = sum(a for a, r in zip(amounts, p.rows) if r.get("kind") == DebtKind.receivable)
            totals["payable_fen"] = sum(a for a, r in zip(amounts, p.rows) if r.get("kind") == DebtKind.payable)
        elif p.kind == "assets":
            totals["original_value_fen"] = sum(r.get("original_value_fen") or 0 for r in p.rows)
        else:
            totals["amount_fen"] = sum(amounts)
        p.totals = totals

    def opening_value(self, row_no: int, cells: list) -> int | None:
        for name in ("balance_fen", "income_fen", "amount_fen"):
            col = self.columns.get(name)
            if col is not None and col < len(cells) and not is_blank(cells[col]):
                try:
                    return to_fen(cells[col])
                except ValueError as exc:
                    self.problem(row_no, self.p.headers[col], str(exc))
                    return None
        return 0

    def check_total_row(self, row_no: int, cells: list) -> None:
        if all(col >= len(cells) or is_blank(cells[col]) for col in self.money_columns):
            for col in sorted(self.money_columns):
                if self.table.uncached_formula(row_no, col):
                    self.problem(row_no, self.p.headers[col], _FORMULA)
            return
        agreed = []
        for col in sorted(self.money_columns):
            if col >= len(cells) or is_blank(cells[col]):
                continue
            header = self.p.headers[col]
            try:
                stated = to_fen(cells[col])
            except ValueError as exc:
                self.problem(row_no, header, str(exc))
                continue
            if col == self.columns.get("balance_fen"):
                expected = self.p.totals.get("closing_fen")
                what = "月末余额"
            else:
                expected = self.column_sums[col]
                what = "明细之和"
            if expected is None:
                continue
            if stated != expected:
                self.problem(
                    row_no, header,
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
            unknown = sorted({
                r["category"] for r in p.rows
                if "category" in r and "direction" in r and r["category"] not in self.known.get(r["direction"], ())
            })
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
            delta = amount if row.get("direction") == Direction.income else -amount
            computed = None if computed is None else computed + delta
            stated = cells[col] if col < len(cells) else None
            if is_blank(stated):
                stated_before = None if stated_before is None else stated_before + delta
                continue
            try:
                balance = to_fen(stated)
            except ValueError:
                continue  # already reported as a problem of this cell
            if stated_before is not None and balance not in (stated_before + delta, computed):
                self.problem(
                    row["_row"], self.p.headers[col],
                    f"余额 {format_yuan(balance)} 与上一行余额加减本行金额得到的 "
                    f"{format_yuan(stated_before + delta)} 不符",
                )
            if computed is None:
                computed = balance
            stated_before = balance
