"""A period's draft records (what the clerk entered), loaded in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from board.balance import AccountFigures, tally
from board.errors import BoardError
from board.periods import check_period
from board.public_record import is_transfer
from models import (
    AccountBalance,
    AffairItem,
    Beneficiary,
    Debt,
    Direction,
    FixedAsset,
    LedgerEntry,
    PartyItem,
    Period,
    Resource,
    ServiceItem,
    Village,
    row_id,
)

# TRANSFER_CATEGORY (提现/存现 between the village's own accounts) moves each account's balance
# but is neither income nor spending of the village, so village totals leave it out.
DIRECTION_LABELS = {Direction.income: "收入", Direction.expense: "支出"}


@dataclass
class PeriodRecords:
    village: Village
    period: Period
    balances: list[AccountBalance] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)
    assets: list[FixedAsset] = field(default_factory=list)
    debts: list[Debt] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    party: list[PartyItem] = field(default_factory=list)
    affairs: list[AffairItem] = field(default_factory=list)
    beneficiaries: dict[int, list[Beneficiary]] = field(default_factory=dict)
    services: list[ServiceItem] = field(default_factory=list)


def find_period(session: Session, village: Village, period: str) -> Period | None:
    check_period(period)
    return session.exec(select(Period).where(Period.village_id == village.id, Period.period == period)).first()


def get_or_create_period(session: Session, village: Village, period: str) -> Period:
    row = find_period(session, village, period)
    if row is None:
        row = Period(village_id=row_id(village), period=period)
        session.add(row)
        session.flush()
    return row


def require_period(session: Session, village: Village, period: str) -> Period:
    row = find_period(session, village, period)
    if row is None:
        raise BoardError(f"{village.name}还没有 {period} 的数据", field="月份")
    return row


def load_records(session: Session, village: Village, period: Period) -> PeriodRecords:
    pid = period.id

    def rows(model: type[Any], *order: Any) -> list[Any]:
        return list(session.exec(select(model).where(model.period_id == pid).order_by(*order)))

    records = PeriodRecords(
        village=village,
        period=period,
        balances=rows(AccountBalance, AccountBalance.account),
        ledger=rows(LedgerEntry, LedgerEntry.line_no, LedgerEntry.id),
        assets=rows(FixedAsset, FixedAsset.id),
        debts=rows(Debt, Debt.id),
        resources=rows(Resource, Resource.id),
        party=rows(PartyItem, PartyItem.item_date, PartyItem.id),
        affairs=rows(AffairItem, AffairItem.item_date, AffairItem.id),
        services=rows(ServiceItem, ServiceItem.sort_order, ServiceItem.id),
    )
    affair_ids = [a.id for a in records.affairs]
    if affair_ids:
        for b in session.exec(
            select(Beneficiary).where(col(Beneficiary.affair_id).in_(affair_ids)).order_by(col(Beneficiary.id))
        ):
            records.beneficiaries.setdefault(b.affair_id, []).append(b)
    return records


def account_figures(records: PeriodRecords) -> dict[str, AccountFigures]:
    """Each account's stated balances and the sums of its lines, from the entered records."""
    return tally(
        ((b.account, b.opening_fen, b.closing_fen) for b in records.balances),
        ((line.account, line.direction, line.amount_fen) for line in records.ledger),
    )


def account_totals(records: PeriodRecords) -> dict[str, dict[str, int]]:
    """Opening, income, expense and closing per account, from the entered records."""
    return {account: figures.totals() for account, figures in account_figures(records).items()}


def transfer_totals(records: PeriodRecords) -> tuple[int, int]:
    """Fen moved in and out of the accounts by 内部转账 lines."""
    moved = {Direction.income: 0, Direction.expense: 0}
    for line in records.ledger:
        if is_transfer(line.category):
            moved[line.direction] += line.amount_fen
    return moved[Direction.income], moved[Direction.expense]


def village_totals(records: PeriodRecords) -> dict[str, int]:
    """Village-level 月初/收入/支出/月末: the accounts added up, internal transfers left out."""
    per_account = account_totals(records)
    keys = ("opening_fen", "income_fen", "expense_fen", "closing_fen")
    totals = {k: sum(acc[k] for acc in per_account.values()) for k in keys}
    moved_in, moved_out = transfer_totals(records)
    totals["income_fen"] -= moved_in
    totals["expense_fen"] -= moved_out
    return totals
