"""One column schema per public table: which field, its Chinese header, how it is written.

The Streamlit board, the kiosk and the static site build their tables from these schemas, so
a header reads the same everywhere and an amount is formatted one way.  ``kind`` tells a
renderer how a cell behaves on a narrow screen: dates and amounts are never broken inside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from board.balance import ACCOUNT_LABELS
from board.money import format_yuan
from board.public_record import DebtItem
from board.records import DIRECTION_LABELS

MAJOR_MARK = "★"
TRANSFER_MARK = "（内部转账，不计收支）"

Kind = Literal["text", "date", "money", "count", "mark"]


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _money(value: int | None) -> str:
    return format_yuan(value) if value else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


FORMATS: dict[Kind, Callable[[Any], str]] = {
    "text": _text,
    "date": _date,
    "money": _money,
    "count": _text,
    "mark": _text,
}


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    kind: Kind = "text"
    # For cells that are more than one field (the ledger's amount carries the ★ mark).
    cell: Callable[[Any], str] | None = None

    def text(self, item: Any) -> str:
        if self.cell is not None:
            return self.cell(item)
        return FORMATS[self.kind](getattr(item, self.field))


@dataclass(frozen=True)
class TableSchema:
    key: str
    columns: tuple[Column, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return tuple(c.kind for c in self.columns)

    def row(self, item: Any) -> tuple[str, ...]:
        return tuple(c.text(item) for c in self.columns)

    def rows(self, items: Iterable[Any]) -> tuple[tuple[str, ...], ...]:
        return tuple(self.row(x) for x in items)

    def only(self, *fields: str) -> TableSchema:
        """The same table with fewer columns (the kiosk shows the ones that fit a big screen)."""
        return TableSchema(self.key, tuple(c for c in self.columns if c.field in fields))


@dataclass(frozen=True)
class DebtRow:
    """A debt with its side (别人欠村里 / 村里欠别人), for the one debts table."""

    side: str
    item: DebtItem


LARGEST_EXPENSES = TableSchema(
    "largest_expenses",
    (
        Column("date", "日期", "date"),
        Column("summary", "事项"),
        Column("category", "类别"),
        Column("amount_fen", "金额", "money"),
        Column("major", "5万元以上", "mark", cell=lambda x: MAJOR_MARK if x.major else ""),
    ),
)

LEDGER = TableSchema(
    "ledger",
    (
        Column("date", "日期", "date"),
        Column("voucher_no", "凭证号"),
        Column("summary", "摘要", cell=lambda x: x.summary + (TRANSFER_MARK if x.transfer else "")),
        Column("category", "类别"),
        Column("direction", "收支", cell=lambda x: DIRECTION_LABELS[x.direction]),
        Column(
            "amount_fen",
            "金额",
            "money",
            cell=lambda x: format_yuan(x.amount_fen) + (f" {MAJOR_MARK}" if x.major else ""),
        ),
        Column("account", "账户", cell=lambda x: ACCOUNT_LABELS.get(x.account, x.account)),
    ),
)

ASSET_GROUPS = TableSchema(
    "asset_groups",
    (
        Column("category", "类别"),
        Column("count", "项数", "count"),
        Column("total_fen", "原值", "money", cell=lambda x: format_yuan(x.total_fen)),
    ),
)

DEBTS = TableSchema(
    "debts",
    (
        Column("side", "类型"),
        Column("counterparty", "单位或个人", cell=lambda r: r.item.counterparty),
        Column("amount_fen", "金额", "money", cell=lambda r: format_yuan(r.item.amount_fen)),
        Column("due_on", "到期日", "date", cell=lambda r: _date(r.item.due_on)),
        Column("note", "说明", cell=lambda r: r.item.note),
    ),
)

RESOURCES = TableSchema(
    "resources",
    (
        Column("kind", "类型"),
        Column("name", "名称"),
        Column("area", "面积"),
        Column("holder", "承包方"),
        Column(
            "contract_end",
            "合同期",
            "date",
            cell=lambda r: f"{_date(r.contract_start)} 至 {_date(r.contract_end)}",
        ),
        Column("annual_fee_fen", "年承包费", "money"),
        Column("expiring_soon", "提醒", "mark", cell=lambda r: "即将到期" if r.expiring_soon else ""),
    ),
)

AFFAIRS = TableSchema(
    "affairs",
    (
        Column("date", "日期", "date"),
        Column("category", "类别"),
        Column("title", "事项"),
        Column("description", "内容及执行情况"),
        Column("amount_fen", "金额", "money"),
    ),
)

BENEFICIARIES = TableSchema(
    "beneficiaries",
    (
        # Only name, group and amount: the minimum a recipient list needs (no ID, no phone).
        Column("name", "姓名"),
        Column("group", "组别"),
        Column("amount_fen", "金额", "money", cell=lambda p: format_yuan(p.amount_fen)),
        Column("note", "备注"),
    ),
)

PARTY = TableSchema(
    "party",
    (
        Column("date", "日期", "date"),
        Column("category", "类别"),
        Column("title", "事项"),
        Column("description", "内容"),
        Column("participants", "人数", "count", cell=lambda p: str(p.participants) if p.participants else ""),
        Column("amount_fen", "金额", "money"),
    ),
)

SERVICES = TableSchema(
    "services",
    (
        Column("name", "服务事项"),
        Column("materials", "所需材料"),
        Column("location", "办理地点"),
        Column("time_limit", "办理时限"),
    ),
)


def debt_rows(receivable: Iterable[DebtItem], payable: Iterable[DebtItem]) -> list[DebtRow]:
    return [DebtRow("别人欠村里", d) for d in receivable] + [DebtRow("村里欠别人", d) for d in payable]
