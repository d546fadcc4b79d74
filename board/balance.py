"""The balance identity, in one place: 月初 + 收入 − 支出 = 月末, per account, in fen.

Saved rows (validation, snapshot, overview), the entry grids and the review (typed dicts),
the month carried forward and the import preview all reach their figures through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from board.reconcile import reconcile_message
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
    """月初 + 收入 − 支出 against the real month-end balance per account, from typed dict rows (fen).

    ``closing_fen`` is the real balance the clerk entered (``statement_fen``; rows from older
    callers may give ``closing_fen``), 0 while ``entered`` is false; ``message`` says in one
    sentence what is off. Rows whose amount, account or direction is not (yet) valid are left
    out, so the entry page can call this on a half-typed grid.
    """
    statements: dict[str, int | None] = dict.fromkeys(ACCOUNT_LABELS)
    used = set()  # accounts the village keeps: a balance row or a line this month
    opening_rows = []
    for row in balances:
        account = _key(row.get("account"))
        if account in ACCOUNT_LABELS:
            statements[account] = _fen(row.get("statement_fen", row.get("closing_fen")))
            opening_rows.append((account, _fen(row.get("opening_fen")) or 0, statements[account] or 0))
            used.add(account)
    lines = []
    for i, line in enumerate(ledger, start=1):
        account, amount, direction = (
            _key(line.get("account")),
            _fen(line.get("amount_fen")),
            _key(line.get("direction")),
        )
        if account in ACCOUNT_LABELS and amount is not None and direction in (Direction.income, Direction.expense):
            used.add(account)
            lines.append({**line, "line": i, "account": account, "direction": direction, "amount_fen": amount})
    figures = tally(opening_rows, ((x["account"], x["direction"], x["amount_fen"]) for x in lines))
    result = []
    for account, f in figures.items():
        statement = statements[account]
        result.append(
            {
                "account": account,
                "label": ACCOUNT_LABELS[account],
                **f.totals(),
                "entered": statement is not None,
                "expected_fen": f.expected_fen,
                "difference_fen": f.difference_fen,
                "ok": f.ok and (statement is not None or account not in used),
                "message": reconcile_message(account, ACCOUNT_LABELS[account], f.expected_fen, statement, lines)
                if account in used
                else "",
            }
        )
    return result
