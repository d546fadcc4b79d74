"""What each import kind reads: its fields, the headers clerks use for them, and how the
header row is found under title rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from board.entry import BENEFICIARY_COLUMNS, SECTIONS, Column

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
        kind = "id_number" if column.name == "id_number" else column.kind
        fields.append(ImportField(column.name, column.label, kind, (column.label, column.name, *synonyms.get(column.name, ())), column))
    return fields


def _pseudo(name: str, label: str, kind: str, *synonyms: str) -> ImportField:
    return ImportField(name, label, kind, (label, *synonyms))


_DATE = ("日期", "时间", "凭证日期", "记账日期", "业务日期", "发生日期", "交易日期")
_MONEY = ("金额", "发生额", "金额元")

KINDS: dict[str, list[ImportField]] = {
    "ledger": _from(SECTIONS["ledger"][2], {
        "entry_date": _DATE,
        "voucher_no": ("凭证号", "凭证字号", "凭证编号", "凭证", "凭证号数", "字号", "凭证字"),
        "summary": ("摘要", "事由", "摘要说明", "用途", "内容", "说明"),
        "category": ("科目", "科目名称", "会计科目", "对方科目", "收支类别", "收支科目", "类别", "项目"),
        "direction": ("收支", "收支方向", "收/支", "收支类型"),
        "amount_fen": _MONEY,
        "counterparty": ("对方单位", "对方户名", "收付款单位", "往来单位", "对方", "收款单位", "付款单位", "对方名称"),
        "handler": ("经手人", "报销人", "经办人", "领款人", "报账人"),
        "account": ("账户", "账户类型", "资金账户", "账户名称"),
    }) + [
        _pseudo("income_fen", "收入", "money", "借方", "借方金额", "收入金额", "借方发生额", "借", "收入额", "收款"),
        _pseudo("expense_fen", "支出", "money", "贷方", "贷方金额", "支出金额", "贷方发生额", "贷", "支出额", "付款", "付出"),
        _pseudo("balance_fen", "余额", "money", "结余", "账面余额", "结存", "余额元"),
        _pseudo("month", "月", "int"),
        _pseudo("day", "日", "int"),
    ],
    "assets": _from(SECTIONS["assets"][2], {
        "name": ("资产名称", "固定资产名称", "名称及规格", "名称规格", "资产"),
        "category": ("资产类别", "分类", "类型"),
        "acquired_on": ("购置日期", "购入日期", "取得日期", "建成日期", "购建时间", "购置时间", "日期"),
        "quantity": ("数量", "数量台件"),
        "original_value_fen": ("原价", "账面原值", "金额", "价值", "原值元"),
        "location": ("坐落位置", "位置", "地点", "使用部门", "坐落"),
        "status": ("使用状况", "使用状态", "现状"),
    }),
    "debts": _from(SECTIONS["debts"][2], {
        "kind": ("性质", "债权债务", "类别", "种类", "款项类型"),
        "counterparty": ("单位名称", "对方单位", "债务人", "债权人", "往来单位", "户名", "姓名", "单位或个人"),
        "amount_fen": ("金额", "余额", "期末余额", "欠款金额", "款项金额"),
        "due_on": ("约定还款日", "还款日期", "到期日期", "到期时间"),
        "note": ("说明", "事由", "形成原因"),
    }) + [
        _pseudo("receivable_fen", "应收款", "money", "应收金额", "应收", "应收款项"),
        _pseudo("payable_fen", "应付款", "money", "应付金额", "应付", "应付款项"),
    ],
    "beneficiaries": _from(BENEFICIARY_COLUMNS, {
        "name": ("户主姓名", "户主", "名字", "收款人", "救助对象", "享受人"),
        "id_number": ("身份证号码", "证件号码", "公民身份号码", "身份证"),
        "phone": ("联系电话", "电话", "手机号码", "手机"),
        "group_name": ("组别", "小组", "所在组", "组", "村组"),
        "amount_fen": ("发放金额", "补贴金额", "救助金额", "补助金额", "金额元"),
        "note": ("说明",),
    }),
    "services": _from(SECTIONS["services"][2], {
        "name": ("事项名称", "服务事项", "办理事项", "名称", "服务项目"),
        "materials": ("申请材料", "材料", "办理材料", "所需资料"),
        "location": ("地点", "窗口", "办理窗口"),
        "time_limit": ("时限", "承诺时限", "办结时限"),
        "contact": ("电话", "咨询电话", "联系方式"),
    }),
    "party": _from(SECTIONS["party"][2], {
        "category": ("类型", "分类"),
        "item_date": _DATE + ("活动日期", "会议日期"),
        "title": ("名称", "主题", "事项"),
        "description": ("说明", "详情", "情况", "主要内容"),
        "participants": ("人数", "参会人数", "参加人员数"),
        "amount_fen": _MONEY + ("党费",),
    }),
    "affairs": _from(SECTIONS["affairs"][2], {
        "category": ("类型", "分类"),
        "item_date": _DATE,
        "title": ("名称", "事项", "主题"),
        "description": ("说明", "详情", "情况", "主要内容"),
        "amount_fen": _MONEY,
    }),
}
KIND_LABELS = {
    "ledger": "收支明细", "assets": "固定资产", "debts": "债权债务", "beneficiaries": "补贴名单",
    "services": "便民服务", "party": "党务", "affairs": "村务",
}
# Each entry is a list of alternatives; an alternative is satisfied when all its fields have columns.
REQUIRED: dict[str, list[tuple[tuple[str, ...], ...]]] = {
    "ledger": [(("entry_date",), ("month", "day")), (("summary",),),
               (("amount_fen",), ("income_fen",), ("expense_fen",))],
    "debts": [(("counterparty",),), (("kind", "amount_fen"), ("receivable_fen",), ("payable_fen",))],
}
for _kind, _fields in KINDS.items():
    REQUIRED.setdefault(_kind, [((f.name,),) for f in _fields if f.column is not None and f.column.required])

_PARENS = str.maketrans("（）：", "():")
_NOISE = re.compile(r"[\s\u3000*＊:]|\((?:单位:)?(?:人民币)?元\)|\(万元\)")


def normalise_header(value) -> str:
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


def recognise(kind: str, cells: list) -> dict[str, int]:
    """Field → column index for the cells of one row (first column wins for each field)."""
    table = synonym_table(kind)
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        name = table.get(normalise_header(cell))
        if name and name not in found:
            found[name] = index
    return found


def find_header_row(kind: str, rows: list[list], wanted: set[str] = frozenset()) -> int | None:
    """0-based index of the row that looks most like the header, among the first rows.

    ``wanted`` are header texts of a remembered or chosen mapping; they count as matches too.
    """
    table = synonym_table(kind)
    best, best_score = None, 1
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = {normalise_header(c) for c in cells if isinstance(c, str) and c.strip()}
        score = len({table[n] for n in names if n in table}) + len(names & wanted)
        if score > best_score:
            best, best_score = index, score
    return best


def missing_fields(kind: str, mapped: set[str]) -> list[str]:
    missing = []
    for alternatives in REQUIRED[kind]:
        if not any(set(option) <= mapped for option in alternatives):
            missing.append(alternatives[0][0])
    return missing
