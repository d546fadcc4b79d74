"""What a supervisor sees before approving a month, and the workflow steps a user may take.

Every line of every section, the totals, the balance identity per account, the
differences from last month's published snapshot (per total and per category), the
empty sections (published as 本月无), payments of 5万元 or more (四议两公开 / 专项公开)
and every validation problem, as plain data; views/review.py shapes it into tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from board.auth import require
from board.balance import balance_identity
from board.entry import section_rows
from board.periods import shift_period
from board.public_record import is_major_payment
from board.records import load_records, require_period
from board.sections import SECTIONS
from board.snapshot import latest_snapshot, load_snapshot
from board.validation import validate_period
from board.workflow import STATUS_LABELS, allowed_steps
from models import Direction, Period, PeriodStatus, Role, User, Village, row_id

TOTAL_KEYS = ("opening_fen", "income_fen", "expense_fen", "closing_fen")

REVIEW_ROLES = (Role.supervisor, Role.township, Role.clerk)


def _fen(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _key(value: Any) -> str:
    return str(value or "")


def category_totals(ledger: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """{"in": {category: fen}, "out": {...}} from typed ledger rows."""
    sums: dict[str, dict[str, int]] = {Direction.income: defaultdict(int), Direction.expense: defaultdict(int)}
    for line in ledger:
        direction, amount = _key(line.get("direction")), _fen(line.get("amount_fen"))
        if direction in sums and amount is not None:
            sums[direction][line.get("category") or ""] += amount
    return {k: dict(v) for k, v in sums.items()}


def total_differences(current: dict[str, int], previous: dict[str, int] | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key in TOTAL_KEYS:
        before = previous.get(key) if previous else None
        rows.append(
            {
                "item": key,
                "current_fen": current[key],
                "previous_fen": before,
                "difference_fen": None if before is None else current[key] - before,
            }
        )
    return rows


def category_differences(
    current: dict[str, dict[str, int]], previous: dict[str, dict[str, int]] | None
) -> list[dict[str, Any]]:
    """Per 收支类别: this month, last month and the change (categories of either month)."""
    rows: list[dict[str, Any]] = []
    for direction in Direction:
        now = current.get(direction, {})
        before = (previous or {}).get(direction, {})
        for category in sorted(set(now) | set(before), key=lambda c: (-now.get(c, 0), c)):
            rows.append(
                {
                    "direction": direction,
                    "category": category,
                    "current_fen": now.get(category, 0),
                    "previous_fen": before.get(category, 0) if previous is not None else None,
                    "difference_fen": now.get(category, 0) - before.get(category, 0) if previous is not None else None,
                }
            )
    return rows


def empty_sections(sections: dict[str, list[Any]]) -> list[str]:
    """Labels of the sections with no rows — the public board shows them as 本月无."""
    return [SECTIONS[key][1] for key in SECTIONS if not sections.get(key)]


def major_payments(ledger: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expense lines of 5万元 or more, which need 四议两公开 / 专项公开."""
    return [
        {"line": i, **line}
        for i, line in enumerate(ledger, start=1)
        if is_major_payment(
            direction=_key(line.get("direction")),
            amount_fen=_fen(line.get("amount_fen")) or 0,
            category=line.get("category"),
        )
    ]


def _previous_figures(
    session: Session, village: Village, period: str
) -> tuple[str, dict[str, Any] | None, dict[str, dict[str, int]] | None]:
    previous_period = shift_period(period, -1)
    snapshot = latest_snapshot(session, row_id(village), previous_period)
    if snapshot is None:
        return previous_period, None, None
    finance = load_snapshot(snapshot).finance
    by_category: dict[str, dict[str, int]] = {
        Direction.income: {c.category: c.amount_fen for c in finance.income_by_category},
        Direction.expense: {c.category: c.amount_fen for c in finance.expense_by_category},
    }
    return previous_period, finance.totals.model_dump(), by_category


def ever_submitted(row: Period) -> bool:
    """False for a draft the clerk is still writing and never handed in: reviewers have nothing to judge yet.

    A month sent back (it was submitted) or reopened for a correction (it was published) counts.
    """
    return row.status != PeriodStatus.draft or row.submitted_at is not None or row.published_at is not None


def review_periods(session: Session, *, village: Village, user: User) -> list[dict[str, Any]]:
    """Months of a village with their status, newest first (submitted ones are the queue).

    Reviewers do not see drafts nobody submitted; the clerk sees every month.
    """
    require(session, user, village, *REVIEW_ROLES)
    rows = session.exec(select(Period).where(Period.village_id == row_id(village)).order_by(col(Period.period).desc()))
    return [
        {"period": r.period, "status": r.status.value, "status_label": STATUS_LABELS[r.status]}
        for r in rows
        if user.role == Role.clerk or ever_submitted(r)
    ]


def build_review(session: Session, *, village: Village, period: str, user: User) -> dict[str, Any]:
    """Everything the supervisor needs to decide on one month (plain data, money in fen)."""
    require(session, user, village, *REVIEW_ROLES)
    row = require_period(session, village, period)
    sections = {key: section_rows(session, period_row=row, section=key) for key in SECTIONS}
    identity = balance_identity(sections["balances"], sections["ledger"])
    totals = {k: sum(a[k] for a in identity) for k in TOTAL_KEYS}
    previous_period, previous_totals, previous_categories = _previous_figures(session, village, period)
    problems = validate_period(session, load_records(session, village, row))
    return {
        "village": village.name,
        "period": period,
        "status": row.status.value,
        "status_label": STATUS_LABELS[row.status],
        "row_version": row.row_version,
        "submitted_by": row.submitted_by or "",
        "rejection_comment": row.rejection_comment,
        "amendment_reason": row.amendment_reason,
        "steps": allowed_steps(user.role, row.status),
        "sections": {key: {"label": SECTIONS[key][1], "rows": rows} for key, rows in sections.items()},
        "accounts": identity,
        "balanced": all(a["ok"] for a in identity),
        "totals": totals,
        "previous_period": previous_period,
        "has_previous": previous_totals is not None,
        "total_differences": total_differences(totals, previous_totals),
        "category_differences": category_differences(category_totals(sections["ledger"]), previous_categories),
        "empty_sections": empty_sections(sections),
        "major_payments": major_payments(sections["ledger"]),
        "problems": problems,
    }
