"""What each import kind reads: its fields, the headers clerks use for them, and how the
header row is found under title rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from board.sections import BENEFICIARY_COLUMNS, SECTIONS, Column

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class ImportField:
    """One thing an import reads from a column; ``column`` is the saved model field, if any."""

    name: str
    label: str
    kind: str  # text | date | money | int | direction | account | debt_kind | id_number
    synonyms: tuple[str, ...]
    column: Column | None = None


def _from(columns: tuple[Column, ...], synonyms: dict[str, tuple[str, ...]]) -> list[ImportField]:
    fields = []
    for column in columns:
        if column.kind == "precision":
            continue  # set by the importer from how precise the date cell is, never read from a column
        kind = {"id_number": "id_number", "acquired_on": "partial_date"}.get(column.name, column.kind)
        fields.append(
            ImportField(
                column.name, column.label, kind, (column.label, column.name, *synonyms.get(column.name, ())), column
            )
        )
    return fields


def _pseudo(name: str, label: str, kind: str, *synonyms: str) -> ImportField:
    return ImportField(name, label, kind, (label, *synonyms))


_DATE = ("日期", "时间", "凭证日期", "记账日期", "业务日期", "发生日期", "交易日期", "入账日期", "交易时间", "会计日期")
_MONEY = ("金额", "发生额", "金额元")

KINDS: dict[str, list[ImportField]] = {
    "ledger": _from(
        SECTIONS["ledger"][2],
        {
            "entry_date": _DATE,
            "voucher_no": ("凭证号", "凭证字号", "凭证编号", "凭证", "凭证号数", "字号", "凭证字", "号数", "凭证号码"),
            "summary": ("摘要", "事由", "摘要说明", "用途", "内容", "说明", "交易摘要", "附言", "交易附言"),
            "category": ("科目", "科目名称", "会计科目", "对方科目", "收支类别", "收支科目", "类别", "项目"),
            "direction": (
                "收支",
                "收支方向",
                "收/支",
                "收支类型",
                "借贷标志",
                "借贷方向",
                "收支标志",
                "收付标志",
                "交易方向",
                "资金方向",
            ),
            "amount_fen": _MONEY + ("交易金额", "发生金额", "交易额"),
            "counterparty": (
                "对方单位",
                "对方户名",
                "收付款单位",
                "往来单位",
                "对方",
                "收款单位",
                "付款单位",
                "对方名称",
                "对方账户名称",
                "对方户名称",
                "对方账户名",
                "收/付方名称",
                "交易对方",
                "收付款人",
            ),
            "handler": ("经手人", "报销人", "经办人", "领款人", "报账人"),
            "account": ("账户", "账户类型", "资金账户", "账户名称"),
        },
    )
    + [
        _pseudo(
            "income_fen",
            "收入",
            "money",
            "借方",
            "借方金额",
            "收入金额",
            "借方发生额",
            "借",
            "收入额",
            "收款",
            "转入",
            "转入金额",
            "存入",
            "存入金额",
            "收入发生额",
        ),
        _pseudo(
            "expense_fen",
            "支出",
            "money",
            "贷方",
            "贷方金额",
            "支出金额",
            "贷方发生额",
            "贷",
            "支出额",
            "付款",
            "付出",
            "转出",
            "转出金额",
            "支取",
            "支取金额",
            "支出发生额",
        ),
        _pseudo(
            "balance_fen",
            "余额",
            "money",
            "结余",
            "账面余额",
            "结存",
            "余额元",
            "账户余额",
            "交易后余额",
            "本次余额",
            "当前余额",
        ),
        _pseudo("year", "年", "int", "年份"),
        _pseudo("month", "月", "int"),
        _pseudo("day", "日", "int"),
        _pseudo("subject_code", "科目编码", "text", "科目代码", "会计科目编码", "科目编号", "科目号"),
    ],
    "assets": _from(
        SECTIONS["assets"][2],
        {
            "name": ("资产名称", "固定资产名称", "名称及规格", "名称规格", "资产", "资产项目", "项目名称"),
            "category": ("资产类别", "分类", "类型", "资产分类"),
            "acquired_on": (
                "购置日期",
                "购入日期",
                "取得日期",
                "建成日期",
                "购建时间",
                "购置时间",
                "日期",
                "取得时间",
                "购置年月",
                "购建年月",
                "建成时间",
                "购入时间",
                "启用日期",
                "投入使用时间",
                "购建日期",
            ),
            "quantity": ("数量", "数量台件"),
            "original_value_fen": ("原价", "账面原值", "金额", "价值", "原值元", "资产原值"),
            "location": ("坐落位置", "位置", "地点", "使用部门", "坐落", "坐落地点", "存放位置"),
            "status": ("使用状况", "使用状态", "现状"),
        },
    ),
    "debts": _from(
        SECTIONS["debts"][2],
        {
            "kind": ("性质", "债权债务", "类别", "种类", "款项类型"),
            "counterparty": (
                "单位名称",
                "对方单位",
                "债务人",
                "债权人",
                "往来单位",
                "户名",
                "姓名",
                "单位或个人",
                "欠款单位",
                "欠款人",
                "往来单位名称",
                "对方名称",
                "债务单位",
                "债权单位",
            ),
            "amount_fen": ("金额", "余额", "期末余额", "欠款金额", "款项金额"),
            "due_on": ("约定还款日", "还款日期", "到期日期", "到期时间", "约定还款日期", "还款期限"),
            "note": ("说明", "事由", "形成原因", "欠款原因"),
        },
    )
    + [
        _pseudo("receivable_fen", "应收款", "money", "应收金额", "应收", "应收款项"),
        _pseudo("payable_fen", "应付款", "money", "应付金额", "应付", "应付款项"),
    ],
    "resources": _from(
        SECTIONS["resources"][2],
        {
            "kind": ("类型", "资源类别", "类别", "资源种类"),
            "name": ("资源名称", "名称", "地块名称", "项目名称", "坐落"),
            "area": ("面积（亩）", "面积（平方米）", "数量面积", "规模"),
            "holder": ("承租人", "承包方", "承包承租人", "承包单位", "承包人姓名", "承租方"),
            "contract_start": ("起始日期", "开始日期", "承包起始日", "起租日期", "合同起始日期", "合同开始日期"),
            "contract_end": ("到期日期", "终止日期", "截止日期", "合同终止日期", "合同到期日期", "合同到期日"),
            "annual_fee_fen": ("年承包费", "承包金", "租金", "承包费", "年租金元", "年收益"),
        },
    ),
    "beneficiaries": _from(
        BENEFICIARY_COLUMNS,
        {
            "name": ("户主姓名", "户主", "名字", "收款人", "救助对象", "享受人", "享受人姓名", "保障对象", "领取人"),
            "id_number": ("身份证号码", "证件号码", "公民身份号码", "身份证"),
            "phone": ("联系电话", "电话", "手机号码", "手机"),
            "group_name": ("组别", "小组", "所在组", "组", "村组", "所在村组", "组名"),
            "amount_fen": (
                "发放金额",
                "补贴金额",
                "救助金额",
                "补助金额",
                "金额元",
                "保障金额",
                "月保障金",
                "月发放金额",
            ),
            "note": ("说明",),
        },
    ),
    "services": _from(
        SECTIONS["services"][2],
        {
            "name": ("事项名称", "服务事项", "办理事项", "名称", "服务项目"),
            "materials": ("申请材料", "材料", "办理材料", "所需资料"),
            "location": ("地点", "窗口", "办理窗口"),
            "time_limit": ("时限", "承诺时限", "办结时限"),
            "contact": ("电话", "咨询电话", "联系方式"),
        },
    ),
    "party": _from(
        SECTIONS["party"][2],
        {
            "category": ("类型", "分类"),
            "item_date": _DATE + ("活动日期", "会议日期"),
            "title": ("名称", "主题", "事项"),
            "description": ("说明", "详情", "情况", "主要内容"),
            "participants": ("人数", "参会人数", "参加人员数"),
            "amount_fen": _MONEY + ("党费",),
        },
    ),
    "affairs": _from(
        SECTIONS["affairs"][2],
        {
            "category": ("类型", "分类"),
            "item_date": _DATE,
            "title": ("名称", "事项", "主题"),
            "description": ("说明", "详情", "情况", "主要内容"),
            "amount_fen": _MONEY,
        },
    ),
}
KIND_LABELS = {
    "ledger": "收支明细",
    "assets": "固定资产",
    "debts": "债权债务",
    "resources": "资源发包",
    "beneficiaries": "补贴名单",
    "services": "便民服务",
    "party": "党务",
    "affairs": "村务",
}
# Each entry is a list of alternatives; an alternative is satisfied when all its fields have columns.
REQUIRED: dict[str, list[tuple[tuple[str, ...], ...]]] = {
    "ledger": [
        (("entry_date",), ("month", "day")),
        (("summary",),),
        (("amount_fen",), ("income_fen",), ("expense_fen",)),
    ],
    "debts": [(("counterparty",),), (("kind", "amount_fen"), ("receivable_fen",), ("payable_fen",))],
}
for _kind, _fields in KINDS.items():
    REQUIRED.setdefault(_kind, [((f.name,),) for f in _fields if f.column is not None and f.column.required])

_PARENS = str.maketrans("（）：", "():")
_NOISE = re.compile(r"[\s\u3000*＊:]|\((?:单位:)?(?:人民币)?元\)|\(万元\)")


def normalise_header(value: object) -> str:
    """Header text as compared: no spaces, unit suffixes such as （元） or markers such as *."""
    if value is None:
        return ""
    return _NOISE.sub("", str(value).translate(_PARENS)).lower()


def synonym_table(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for f in KINDS[kind]:
        for synonym in f.synonyms:
            table.setdefault(normalise_header(synonym), f.name)
    return table


def field_of(kind: str, name: str) -> ImportField:
    return next(f for f in KINDS[kind] if f.name == name)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_YEAR_PART = re.compile(r"^((?:19|20)\d{2})年度?$")
# A cell of a data row, not of a header: a number, a date, or text of digits and separators.
_VALUE_TEXT = re.compile(r"^(?=.*\d)[\s\d,.\-/:()（）年月日元¥￥+]+$")


@dataclass
class Header:
    """The header of a sheet: one row, or two rows read top to bottom ("凭证/号数", "2026年/月")."""

    first: int  # 0-based index of its first row
    last: int  # 0-based index of its last row; data starts below it
    texts: list[str]  # per column, the header cells joined by "/"
    columns: dict[str, int]  # field → column index
    year: int | None = None  # a "2026年" header cell above 月 and 日


def _column_parts(rows: list[list[object]], first: int, last: int) -> list[list[str]]:
    width = max(len(rows[i]) for i in range(first, last + 1))
    parts: list[list[str]] = [[] for _ in range(width)]
    for i in range(first, last + 1):
        for index, cell in enumerate(rows[i]):
            if isinstance(cell, str) and cell.strip():
                parts[index].append(cell.strip())
    return parts


def _recognise_parts(table: dict[str, str], parts: list[list[str]]) -> tuple[dict[str, int], int | None]:
    """Field → column for header cells read top to bottom: the joined text first, then each cell from the bottom."""
    found: dict[str, int] = {}
    year = None
    for index, cells in enumerate(parts):
        words = []
        for cell in cells:
            match = _YEAR_PART.match(normalise_header(cell))
            if match:
                year = year or int(match[1])
            else:
                words.append(cell)
        candidates = ["".join(words), *reversed(words)] if len(words) > 1 else words
        for text in candidates:
            name = table.get(normalise_header(text))
            if name:
                _take(found, name, index, text)
                break
    return found, year


_DATE_FIELDS = {"entry_date", "item_date"}


def _take(found: dict[str, int], name: str, index: int, text: str) -> None:
    # First column wins, except that a date column beats a time column (交易日期 over 交易时间).
    if name not in found:
        found[name] = index
        if name in _DATE_FIELDS and "时间" in text:
            found[f"_{name}_is_time"] = index
    elif found.get(f"_{name}_is_time") == found[name] and "时间" not in text:
        found[name] = index
        del found[f"_{name}_is_time"]


def _looks_like_header(cells: list[object]) -> bool:
    texts = [c for c in cells if not (c is None or (isinstance(c, str) and not c.strip()))]
    return bool(texts) and all(isinstance(c, str) and not _VALUE_TEXT.match(c) for c in texts)


def find_header(kind: str, rows: list[list[object]], wanted: set[str] | frozenset[str] = frozenset()) -> Header | None:
    """The header among the first rows: the row (or pair of rows) whose cells name the most fields.

    ``wanted`` are header texts of a remembered or chosen mapping; they count as matches too.
    A pair counts only when it names more fields than either of its rows alone, and its second
    row holds no values (so a data row under a one-row header never joins it).
    """
    table = synonym_table(kind)
    scan = rows[:HEADER_SCAN_ROWS]

    def score(first: int, last: int) -> tuple[int, dict[str, int], list[str], int | None]:
        parts = _column_parts(rows, first, last)
        found, year = _recognise_parts(table, parts)
        texts = ["/".join(p) for p in parts]
        names = {normalise_header(t) for t in texts if t} | {normalise_header(c) for p in parts for c in p}
        fields = {k for k in found if not k.startswith("_")}
        return len(fields) + len(names & wanted), found, texts, year

    best, best_score = None, 1
    singles = [
        score(i, i)[0] if any(isinstance(c, str) and c.strip() for c in cells) else 0 for i, cells in enumerate(scan)
    ]
    for index in range(len(scan)):
        if singles[index] > best_score:
            best, best_score = (index, index), singles[index]
        if index + 1 < len(scan) and singles[index] and _looks_like_header(scan[index + 1]):
            pair = score(index, index + 1)[0]
            if pair > max(singles[index], singles[index + 1]) and pair > best_score:
                best, best_score = (index, index + 1), pair
    if best is None:
        return None
    _, found, texts, year = score(*best)
    columns = {k: v for k, v in found.items() if not k.startswith("_")}
    return Header(best[0], best[1], texts, columns, year)


def missing_fields(kind: str, mapped: set[str]) -> list[str]:
    missing = []
    for alternatives in REQUIRED[kind]:
        if not any(set(option) <= mapped for option in alternatives):
            missing.append(alternatives[0][0])
    return missing
