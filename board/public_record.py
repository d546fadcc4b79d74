"""The published record as a typed contract: what every public output may read.

A snapshot is stored as canonical JSON and hashed byte for byte (``board.snapshot``); this module
says what that JSON means.  ``parse_snapshot`` dispatches on its ``schema`` number and upcasts
older documents, so a renderer sees one shape only and never indexes dict keys.

Schema history:
1. the first public document; ledger lines of early databases may lack ``transfer``/``major``.
2. the same fields, every line flagged (internal transfers out of the village's 收入/支出 totals,
   ≥5万元 payments marked), the ``transfers`` summary always present.
3. the same fields, hashed part by part (``board.commitment``): largest expenses and major payments
   are stored as ledger line numbers, each part carries a salt, withdrawn parts read "［已依法隐去］"
   and are listed in ``redactions``; ``anchor`` names the old hash a re-anchored version stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from models import Account, Direction

SCHEMA_VERSION = 3
MAJOR_PAYMENT_FEN = 5_000_000  # 5万元: 四议两公开 / 专项公开
TRANSFER_CATEGORY = "内部转账"  # 提现/存现 between the village's own cash and bank accounts


def is_transfer(category: str | None) -> bool:
    return (category or "").strip() == TRANSFER_CATEGORY


def is_major_payment(*, direction: str, amount_fen: int, category: str | None) -> bool:
    """≥5万元 payments need 四议两公开 / 专项公开; receipts and internal transfers are not flagged."""
    return direction == Direction.expense and amount_fen >= MAJOR_PAYMENT_FEN and not is_transfer(category)


class Part(BaseModel):
    """Every part of the record is immutable and refuses fields it does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class VillageInfo(Part):
    code: str
    name: str
    township: str = ""
    hotline: str = ""
    board_address: str = ""
    demo: bool = False


class Workflow(Part):
    submitted_by: str = ""
    submitted_at: str | None = None
    approved_by: str = ""
    approved_at: str | None = None


class Totals(Part):
    """月初、收入、支出、月末 in fen."""

    opening_fen: int
    income_fen: int
    expense_fen: int
    closing_fen: int


class AccountTotals(Totals):
    account: Account
    label: str


class LedgerLine(Part):
    line: int
    date: date
    voucher_no: str = ""
    summary: str
    category: str
    direction: Direction
    amount_fen: int
    counterparty: str = ""
    handler: str = ""
    account: Account
    transfer: bool
    major: bool


class CategorySum(Part):
    category: str
    amount_fen: int
    count: int


class Transfers(Part):
    count: int = 0
    amount_fen: int = 0


class Asset(Part):
    name: str
    category: str = ""
    # Registers often record only a year or a month: ISO 8601 at the precision entered.
    acquired_on: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    quantity: int | float | None = None
    original_value_fen: int
    location: str = ""
    status: str = ""


class AssetGroup(Part):
    category: str
    count: int
    total_fen: int


class Assets(Part):
    items: tuple[Asset, ...] = ()
    total_fen: int = 0
    by_category: tuple[AssetGroup, ...] = ()


class DebtItem(Part):
    counterparty: str
    amount_fen: int
    due_on: date | None = None
    note: str = ""


class Debts(Part):
    receivable: tuple[DebtItem, ...] = ()
    payable: tuple[DebtItem, ...] = ()
    receivable_total_fen: int = 0
    payable_total_fen: int = 0


class ResourceItem(Part):
    kind: str = ""
    name: str
    area: str = ""
    holder: str = ""
    contract_start: date | None = None
    contract_end: date | None = None
    annual_fee_fen: int | None = None
    expiring_soon: bool = False


class Finance(Part):
    totals: Totals
    accounts: tuple[AccountTotals, ...]
    ledger: tuple[LedgerLine, ...] = ()
    transfers: Transfers = Transfers()
    income_by_category: tuple[CategorySum, ...] = ()
    expense_by_category: tuple[CategorySum, ...] = ()
    largest_expenses: tuple[LedgerLine, ...] = ()
    major_payments: tuple[LedgerLine, ...] = ()
    assets: Assets = Assets()
    debts: Debts = Debts()
    resources: tuple[ResourceItem, ...] = ()


class PartyItem(Part):
    category: str
    date: date
    title: str
    description: str = ""
    participants: int | None = None
    amount_fen: int | None = None


class Beneficiary(Part):
    """One person on a 低保/补贴 list: ID and phone already masked when published."""

    name: str
    group: str = ""
    id_number: str = ""
    phone: str = ""
    amount_fen: int = 0
    note: str = ""


class Affair(Part):
    category: str
    date: date
    title: str
    description: str = ""
    amount_fen: int | None = None
    beneficiaries: tuple[Beneficiary, ...] = ()
    beneficiary_count: int = 0
    beneficiary_total_fen: int = 0


class Service(Part):
    name: str
    materials: str = ""
    location: str = ""
    time_limit: str = ""
    contact: str = ""


class HistoryPoint(Totals):
    """One earlier month's totals, for the trend charts."""

    period: str
    expense_by_category: tuple[CategorySum, ...] = ()
    income_by_category: tuple[CategorySum, ...] = ()


class PreviousMonth(HistoryPoint):
    pass


class Redaction(Part):
    """One part withdrawn after publishing (a leak, a deletion request); the reason is in the audit log."""

    part: str
    on: date


class PublicRecord(Part):
    """Everything public about one village-month version, plus the hash it was stored under."""

    schema_version: int = Field(alias="schema")
    village: VillageInfo
    period: str
    version: int
    amendment_reason: str = ""
    published_at: datetime
    published_on: date
    published_by: str = ""
    workflow: Workflow = Workflow()
    finance: Finance
    party: tuple[PartyItem, ...] = ()
    affairs: tuple[Affair, ...] = ()
    services: tuple[Service, ...] = ()
    previous: PreviousMonth | None = None
    history: tuple[HistoryPoint, ...] = ()
    prev_hash: str = ""
    anchor: str = ""
    anchor_prev: str = ""
    redactions: tuple[Redaction, ...] = ()
    hash: str = ""
    # The document as stored and hashed (before any upcasting): what the open-data JSON serves,
    # so anyone can recompute the 核验码 from the download.
    _document: dict[str, Any] = PrivateAttr(default_factory=dict)
    # The village's newest version when this one was read: the witness printed on paper and in messages.
    _chain_head: str = PrivateAttr(default="")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @property
    def document(self) -> dict[str, Any]:
        return self._document or self.model_dump(mode="json", by_alias=True, exclude={"hash"})

    @property
    def short_hash(self) -> str:
        return self.hash[:12]

    @property
    def chain_head(self) -> str:
        return self._chain_head or self.hash

    @property
    def redaction_notice(self) -> str | None:
        """What every output says when parts were withdrawn after publishing."""
        if not self.redactions:
            return None
        days = "、".join(sorted({r.on.isoformat() for r in self.redactions}))
        return f"本月公开内容有 {len(self.redactions)} 处已依法隐去（{days}）"

    @property
    def render_key(self) -> str:
        """What a cache of anything rendered from this record is keyed by: a redaction keeps the
        hash but changes what is shown."""
        return f"{self.hash}/{len(self.redactions)}"

    @property
    def incomes(self) -> tuple[LedgerLine, ...]:
        """收入 lines of the village: internal transfers left out."""
        return tuple(x for x in self.finance.ledger if x.direction == Direction.income and not x.transfer)

    @property
    def expenses(self) -> tuple[LedgerLine, ...]:
        return tuple(x for x in self.finance.ledger if x.direction == Direction.expense and not x.transfer)


def _upcast_line(line: dict[str, Any]) -> dict[str, Any]:
    """A schema-1 line read as it was published (and shown) then.

    Documents from before internal transfers existed have no ``transfer`` flag: their totals
    counted every line, so no line is a transfer.  Early documents flagged receipts ≥5万 as
    ``major`` too, but only payments were ever shown as such.
    """
    line = dict(line)
    line.setdefault("transfer", False)
    if "major" in line:
        line["major"] = bool(line["major"]) and line["direction"] == Direction.expense
    else:
        line["major"] = is_major_payment(
            direction=line["direction"], amount_fen=line["amount_fen"], category=line.get("category")
        )
    return line


def _upcast_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 → 2 shape: every ledger line flagged, the transfer summary present."""
    doc = dict(raw)
    finance = dict(doc["finance"])
    for key in ("ledger", "largest_expenses", "major_payments"):
        finance[key] = [_upcast_line(x) for x in finance.get(key, [])]
    if "transfers" not in finance:
        moved = [x for x in finance["ledger"] if x["transfer"]]
        finance["transfers"] = {
            "count": len(moved),
            "amount_fen": sum(x["amount_fen"] for x in moved if x["direction"] == Direction.expense),
        }
    doc["finance"] = finance
    return doc


# Schema N → N+1; the record keeps the schema it was published under (its hash depends on it).
# Schema 3 has the shape of 2: what differs is how it is stored, which ``_unseal`` undoes.
_UPCASTERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upcast_v1, 2: dict}


def _unseal(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored schema-3 document as the record reads it: line numbers resolved, seals dropped."""
    salts = doc.pop("salts", None)
    redacted = doc.pop("redacted", None)
    if salts is None and redacted is None:
        return doc  # a dumped record (tests, tools), already in record shape
    doc["redactions"] = [{"part": part, "on": r["on"]} for part, r in sorted((redacted or {}).items())]
    finance = dict(doc["finance"])
    lines = {x["line"]: x for x in finance.get("ledger", [])}
    for key in ("largest_expenses", "major_payments"):
        finance[key] = [lines[x] if isinstance(x, int) else x for x in finance.get(key, [])]
    doc["finance"] = finance
    return doc


def parse_snapshot(raw: dict[str, Any], *, content_hash: str = "") -> PublicRecord:
    """The typed record of a stored snapshot document, whatever schema it was published under.

    The record keeps ``raw`` as its published document: hand over a document nobody changes later.
    """
    doc = dict(raw)
    doc.pop("short_hash", None)
    schema = doc.setdefault("schema", 1)
    if not isinstance(schema, int) or not 1 <= schema <= SCHEMA_VERSION:
        raise ValueError(f"unknown snapshot schema {schema!r}")
    for step in range(schema, SCHEMA_VERSION):
        doc = _UPCASTERS[step](doc)
    doc = _unseal(doc)
    if content_hash:
        doc["hash"] = content_hash
    record = PublicRecord.model_validate(doc)
    record._document = {k: v for k, v in raw.items() if k not in ("hash", "short_hash")}
    return record
