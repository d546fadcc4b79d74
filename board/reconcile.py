"""银行对账: the ledger's month-end balance against the real one on the bank statement or in the cash box.

The books say opening + income − expense; the clerk types what the bank statement shows and
what the cash count gives.  When they differ, the message names the account, the difference
in plain words, and the lines most likely to explain it (the same amount, a reversed sign,
a transfer with only one leg).  Pure functions over plain values, so the entry page shows
the same words live that submit refuses with.
"""

from __future__ import annotations

from typing import Any

from board.money import format_yuan
from board.public_record import is_transfer

SOURCE_LABELS = {"bank": "银行对账单", "cash": "现金盘点"}
_MAX_HINTS = 3


def _line_text(line: dict[str, Any]) -> str:
    summary = (line.get("summary") or "").strip()
    return f"收支明细第 {line['line']} 行" + (f"“{summary[:20]}”" if summary else "")


def likely_lines(account: str, difference_fen: int, ledger: list[dict[str, Any]]) -> list[str]:
    """Sentences naming lines that could explain ``difference_fen`` (real balance − books) on ``account``.

    ``ledger`` rows carry ``line`` (1-based), ``account``, ``direction`` ("in"/"out"),
    ``amount_fen``, ``summary`` and ``category``.
    """
    gap = abs(difference_fen)
    if gap == 0:
        return []
    hints = []
    own = [line for line in ledger if line.get("account") == account and line.get("amount_fen") is not None]
    # Books below the real balance: an expense too many or an income missing; above it: the reverse.
    wrong_direction = "out" if difference_fen > 0 else "in"
    for line in own:
        if line["amount_fen"] == gap and line["direction"] == wrong_direction:
            verb = "支出" if wrong_direction == "out" else "收入"
            hints.append(f"{_line_text(line)}的{verb}正好是 {format_yuan(gap)}：是否多记了、记重了或记错了账户")
        elif line["amount_fen"] * 2 == gap and line["direction"] == wrong_direction:
            hints.append(f"{_line_text(line)}金额 {format_yuan(line['amount_fen'])}：收入和支出是否记反了")
    for line in ledger:
        if (
            line.get("account") != account
            and is_transfer(line.get("category"))
            and line.get("amount_fen") == gap
            and not any(is_transfer(o.get("category")) and o["amount_fen"] == gap for o in own)
        ):
            hints.append(f"{_line_text(line)}是内部转账 {format_yuan(gap)}：本账户这一边是否漏记了")
    if not hints:
        missing = "收入" if difference_fen > 0 else "支出"
        hints.append(f"是否漏记了一笔 {format_yuan(gap)} 的{missing}，或某一行金额录错了")
    return hints[:_MAX_HINTS]


def reconcile_message(
    account: str, label: str, books_fen: int, statement_fen: int | None, ledger: list[dict[str, Any]]
) -> str:
    """One plain sentence for an account; empty when the real balance is entered and equal."""
    source = SOURCE_LABELS.get(account, "实有余额")
    if statement_fen is None:
        return f"{label}：还没有填写{source}上的月末余额，请在“账户余额”中填“月末实有余额”。"
    difference = statement_fen - books_fen
    if difference == 0:
        return ""
    side = "少" if difference > 0 else "多"
    return (
        f"{label}：账上算出的月末余额是 {format_yuan(books_fen)}（月初 + 收入 − 支出），"
        f"{source}上是 {format_yuan(statement_fen)}，账上{side}了 {format_yuan(abs(difference))}。"
        "请检查：" + "；".join(likely_lines(account, difference, ledger)) + "。"
    )
