"""Column specifications of every section a clerk fills in: one home for names and Chinese labels.

Saving (board.entry), validation, importers and the entry grids all read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import (
    AccountBalance,
    AffairItem,
    Debt,
    FixedAsset,
    LedgerEntry,
    PartyItem,
    Resource,
    ServiceItem,
)


@dataclass(frozen=True)
class Column:
    name: str  # model attribute
    label: str  # 中文列名, used in messages and as the grid header
    kind: str  # text | date | money | int | direction | account | debt_kind
    required: bool = False
    max_len: int = 200


# section → (table class, Chinese label, columns).  Every table has ``period_id`` and is read by field name,
# so the class is typed loosely: the eight tables share no declared base beyond SQLModel.
SECTIONS: dict[str, tuple[type[Any], str, tuple[Column, ...]]] = {
    "ledger": (
        LedgerEntry,
        "收支明细",
        (
            Column("entry_date", "日期", "date", True),
            Column("voucher_no", "凭证号", "text", max_len=30),
            Column("summary", "摘要", "text", True),
            Column("category", "科目", "text", True, 50),
            Column("direction", "收支", "direction", True),
            Column("amount_fen", "金额", "money", True),
            Column("counterparty", "对方单位", "text", max_len=100),
            Column("handler", "经手人", "text", max_len=50),
            Column("account", "账户", "account", True),
        ),
    ),
    "balances": (
        AccountBalance,
        "账户余额",
        (
            Column("account", "账户", "account", True),
            Column("opening_fen", "月初余额", "money", True),
            # Typed from the bank statement / cash count; blank until the clerk has it.
            Column("statement_fen", "月末实有余额", "money"),
        ),
    ),
    "assets": (
        FixedAsset,
        "固定资产",
        (
            Column("name", "名称", "text", True, 100),
            Column("category", "类别", "text", max_len=50),
            Column("acquired_on", "购建日期", "date"),
            Column("acquired_precision", "日期精度", "precision"),
            Column("quantity", "数量", "int"),
            Column("original_value_fen", "原值", "money"),
            Column("location", "存放地点", "text", max_len=100),
            Column("status", "状态", "text", max_len=20),
        ),
    ),
    "debts": (
        Debt,
        "债权债务",
        (
            Column("kind", "类型", "debt_kind", True),
            Column("counterparty", "对方", "text", True, 100),
            Column("amount_fen", "金额", "money", True),
            Column("due_on", "到期日", "date"),
            Column("note", "备注", "text"),
        ),
    ),
    "resources": (
        Resource,
        "资源发包",
        (
            Column("kind", "资源类型", "text", True, 30),
            Column("name", "名称", "text", True, 100),
            Column("area", "面积", "text", max_len=50),
            Column("holder", "承包人", "text", max_len=100),
            Column("contract_start", "合同开始", "date"),
            Column("contract_end", "合同到期", "date"),
            Column("annual_fee_fen", "年租金", "money"),
        ),
    ),
    "party": (
        PartyItem,
        "党务",
        (
            Column("category", "类别", "text", True, 30),
            Column("item_date", "日期", "date", True),
            Column("title", "标题", "text", True),
            Column("description", "内容", "text", max_len=5000),
            Column("participants", "参加人数", "int"),
            Column("amount_fen", "金额", "money"),
        ),
    ),
    "affairs": (
        AffairItem,
        "村务",
        (
            Column("category", "类别", "text", True, 30),
            Column("item_date", "日期", "date", True),
            Column("title", "标题", "text", True),
            Column("description", "内容", "text", max_len=5000),
            Column("amount_fen", "金额", "money"),
        ),
    ),
    "services": (
        ServiceItem,
        "便民服务",
        (
            Column("name", "事项", "text", True, 100),
            Column("materials", "所需材料", "text", max_len=5000),
            Column("location", "办理地点", "text", max_len=100),
            Column("time_limit", "办理时限", "text", max_len=50),
            Column("contact", "联系电话", "text", max_len=50),
        ),
    ),
}
BENEFICIARY_COLUMNS = (
    Column("name", "姓名", "text", True, 50),
    Column("id_number", "身份证号", "text", max_len=18),
    Column("phone", "手机号", "text", max_len=20),
    Column("group_name", "村民小组", "text", max_len=30),
    Column("amount_fen", "金额", "money"),
    Column("note", "备注", "text"),
)
