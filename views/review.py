"""The 审核与公开 page's tables: Chinese headers, money in 元, personal numbers masked.

The figures come from board/review.py (plain data); this module only shapes them for display.
"""

from __future__ import annotations

from board.balance import ACCOUNT_LABELS
from board.money import format_yuan
from board.periods import PRECISION_LABELS, format_partial_date, partial_iso
from board.privacy import mask_id_number, mask_phone
from board.records import DIRECTION_LABELS
from board.sections import BENEFICIARY_COLUMNS, SECTIONS

_DEBT_LABELS = {"receivable": "应收", "payable": "应付"}
TOTAL_LABELS = {
    "opening_fen": "月初余额",
    "income_fen": "本月收入",
    "expense_fen": "本月支出",
    "closing_fen": "月末余额",
}


def _key(value) -> str:
    return str(value or "")


def identity_table(identity: list[dict]) -> list[dict]:
    """The identity rows with Chinese headers and money in 元."""
    return [
        {
            "账户": r["label"],
            "月初余额": format_yuan(r["opening_fen"], unit=False),
            "本月收入": format_yuan(r["income_fen"], unit=False),
            "本月支出": format_yuan(r["expense_fen"], unit=False),
            "账面月末余额": format_yuan(r["expected_fen"], unit=False),
            "对账单/盘点余额": format_yuan(r["closing_fen"], unit=False) if r["entered"] else "未填写",
            "差额": format_yuan(r["difference_fen"], unit=False) if r["entered"] else "",
            "对上了": "是" if r["ok"] else "否",
        }
        for r in identity
    ]


def _cell(column, value):
    if value is None:
        return ""
    value = _key(value) if column.kind in ("direction", "account", "debt_kind") else value
    if column.kind == "money":
        return format_yuan(value, unit=False)
    if column.kind == "direction":
        return DIRECTION_LABELS.get(value, value)
    if column.kind == "account":
        return ACCOUNT_LABELS.get(value, value)
    if column.kind == "debt_kind":
        return _DEBT_LABELS.get(value, value)
    if column.kind == "precision":
        return PRECISION_LABELS.get(value, value)
    if column.kind == "date":
        return value.isoformat()
    return value


def section_table(section: str, rows: list[dict]) -> list[dict]:
    """Typed rows of a section (or ``beneficiaries``) with Chinese headers and money in 元.

    ``行`` is the row's ``_row`` (its line in an imported file) when present.
    """
    columns = BENEFICIARY_COLUMNS if section == "beneficiaries" else SECTIONS[section][2]
    table = []
    for i, row in enumerate(rows, start=1):
        cells = {"行": row.get("_row", i), **{c.label: _cell(c, row.get(c.name)) for c in columns}}
        if row.get("acquired_on") and row.get("acquired_precision") in ("month", "year"):
            cells["购建日期"] = format_partial_date(partial_iso(row["acquired_on"], row["acquired_precision"]))
        if section == "affairs":
            cells["名单人数"] = len(row.get("beneficiaries") or [])
        table.append(cells)
    return table


def beneficiary_table(rows: list[dict]) -> list[dict]:
    """A recipient list for reviewers: ID and phone masked as on the public board."""
    masked = []
    for row in rows:
        row = {
            **row,
            "id_number": mask_id_number(row["id_number"]) if row.get("id_number") else "",
            "phone": mask_phone(row["phone"]) if row.get("phone") else "",
        }
        masked.append({c.label: _cell(c, row.get(c.name)) for c in BENEFICIARY_COLUMNS})
    return masked


def difference_table(rows: list[dict], *, by_category: bool = False) -> list[dict]:
    def money(value):
        return "—" if value is None else format_yuan(value, unit=False)

    table = []
    for r in rows:
        head = (
            {"收支": DIRECTION_LABELS[r["direction"]], "类别": r["category"]}
            if by_category
            else {"项目": TOTAL_LABELS[r["item"]]}
        )
        table.append(
            {
                **head,
                "本月": money(r["current_fen"]),
                "上月": money(r["previous_fen"]),
                "增减": money(r["difference_fen"]),
            }
        )
    return table


def major_payment_table(rows: list[dict]) -> list[dict]:
    return [
        {
            "行": r["line"],
            "日期": r["entry_date"].isoformat(),
            "摘要": r["summary"],
            "类别": r["category"],
            "金额": format_yuan(r["amount_fen"], unit=False),
            "对方单位": r["counterparty"],
            "提示": "5万元及以上，须履行四议两公开并专项公开",
        }
        for r in rows
    ]
