"""The balance identity, in one place: 月初 + 收入 − 支出 = 月末, per account, in fen.

Saved rows (validation, snapshot, overview), the entry grids and the review (typed dicts),
the month carried forward and the import preview all reach their figures through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from models import Account, Direction

ACCOUNT_LABELS = {Account.cash.value: "现金", Account.bank.value: "银行存款"}


def expected_closing(opening_fen: int, income_fen: int, expense_fen: int) -> int:
    """The closing balance the identity demands."""
    return opening_fen + income_fen - expense_fen


def balance_change(direction: str | None, amount_fen: int) -> int:
    """What one line does to its account's balance: income adds, spending subtracts."""
    return amount_fen if direction == Direction.income else -amount_fen


@dataclass
class AccountFigures:
    """One account's month: what was stated (opening, closing) and what the lines add up to."""

    opening_fen: int = 0
    income_fen: int = 0
    expense_fen: int = 0
    closing_fen: int = 0

    def add(self, direction: str, amount_fen: int) -> None:
        if direction == Direction.income:
            self.income_fen += amount_fen
        else:
            self.expense_fen += amount_fen

    @property
    def expected_fen(self) -> int:
        return expected_closing(self.opening_fen, self.income_fen, self.expense_fen)

    @property
    def difference_fen(self) -> int:
        return self.closing_fen - self.expected_fen

    @property
    def ok(self) -> bool:
        return self.difference_fen == 0

    def totals(self) -> dict[str, int]:
        return {
            "opening_fen": self.opening_fen,
            "income_fen": self.income_fen,
            "expense_fen": self.expense_fen,
            "closing_fen": self.closing_fen,
        }


def tally(balances: Iterable[tuple[str, int, int]], lines: Iterable[tuple[str, str, int]]) -> dict[str, AccountFigures]:
    """Figures of every account from (account, opening, closing) and (account, direction, amount) tuples."""
    figures = {account: AccountFigures() for account in ACCOUNT_LABELS}
    for account, opening, closing in balances:
        figures[account].opening_fen, figures[account].closing_fen = opening, closing
    for account, direction, amount in lines:
        figures[account].add(direction, amount)
    return figures


def _fen(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _key(value: Any) -> str:
    return str(value or "")


def balance_identity(balances: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The identity per account from typed dict rows (amounts in fen), as plain rows.

    Rows whose amount, account or direction is not (yet) valid are left out, so the entry
    page can call this on a half-typed grid.
    """
    figures = tally(
        (
            (_key(row.get("account")), _fen(row.get("opening_fen")) or 0, _fen(row.get("closing_fen")) or 0)
            for row in balances
            if _key(row.get("account")) in ACCOUNT_LABELS
        ),
        (
            (_key(line.get("account")), _key(line.get("direction")), _fen(line.get("amount_fen")) or 0)
            for line in ledger
            if _key(line.get("account")) in ACCOUNT_LABELS
            and _fen(line.get("amount_fen")) is not None
            and _key(line.get("direction")) in (Direction.income, Direction.expense)
        ),
    )
    return [
        {
            "account": account,
            "label": ACCOUNT_LABELS[account],
            **f.totals(),
            "expected_fen": f.expected_fen,
            "difference_fen": f.difference_fen,
            "ok": f.ok,
        }
        for account, f in figures.items()
    ]
