"""Start a month from the last one: "复制上月固定事项".

Carries forward what does not change month to month — service items, fixed assets,
debts, resources — and the balances (this month's opening = last month's closing), and
copies last month's recurring ledger lines (salaries, rent: the same line with the same
amount in each of the two previous months) as draft lines dated in the new month for the
clerk to check.  Sections the clerk has already filled are left alone.  Everything goes
through ``board.entry.save_section``, so the role, draft and version checks and the audit
log apply exactly as for typed entries.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session

from board.balance import ACCOUNT_LABELS, balance_identity
from board.entry import SECTIONS, save_section, section_rows
from board.errors import BoardError
from board.periods import period_bounds, shift_period
from board.records import find_period
from board.workflow import ensure_editable, open_period
from models import Period, User, Village

CARRIED_SECTIONS = ("services", "assets", "debts", "resources")
_MONTH_RE = re.compile(r"(?<!\d)(\d{1,2})月")


def _month(period: str) -> int:
    return int(period[5:])


def _with_month(summary: str, old: int, new: int) -> str:
    """ "9月保洁员工资" → "10月保洁员工资" (only mentions of the old month change)."""
    return _MONTH_RE.sub(lambda m: f"{new}月" if int(m.group(1)) == old else m.group(0), summary)


def _line_key(line: dict[str, Any], month: int) -> tuple[Any, ...]:
    return (
        _with_month(line["summary"], month, 0),
        line["category"],
        line["direction"],
        line["account"],
        line["counterparty"],
        line["amount_fen"],
    )


def recurring_lines(
    last: list[dict[str, Any]], last_period: str, before_last: list[dict[str, Any]], new_period: str
) -> list[dict[str, Any]]:
    """Last month's lines that also occurred, with the same amount, the month before, moved into ``new_period``.

    Without a month before last, the lines naming last month ("9月…工资") count as recurring.
    """
    last_month, new_month = _month(last_period), _month(new_period)
    first, end = period_bounds(new_period)
    if before_last:
        before_month = _month(shift_period(last_period, -1))
        seen = {_line_key(line, before_month) for line in before_last}
        candidates = [line for line in last if _line_key(line, last_month) in seen]
    else:
        candidates = [line for line in last if any(int(m) == last_month for m in _MONTH_RE.findall(line["summary"]))]
    copies, keys = [], set()
    for line in candidates:
        key = _line_key(line, last_month)
        if key in keys:
            continue
        keys.add(key)
        copies.append(
            {
                **line,
                "entry_date": first.replace(day=min(line["entry_date"].day, end.day)),
                "summary": _with_month(line["summary"], last_month, new_month),
                "voucher_no": "",  # vouchers are numbered per year by the clerk
            }
        )
    return copies


def _rows(session: Session, period: Period | None, section: str) -> list[dict[str, Any]]:
    return section_rows(session, period_row=period, section=section) if period is not None else []


def copy_recurring(
    session: Session, *, village: Village, period: str, user: User, expected_version: int | None = None
) -> dict[str, Any]:
    """Fill the empty sections of a draft month from last month; returns what was copied and skipped."""
    target = open_period(session, village=village, period=period, user=user)
    ensure_editable(target, expected_version=expected_version)
    last_period = shift_period(period, -1)
    last = find_period(session, village, last_period)
    if last is None:
        raise BoardError(f"{village.name}没有上月（{last_period}）的数据，无法复制", field="月份")
    before_last = find_period(session, village, shift_period(period, -2))
    copied: dict[str, int] = {}
    skipped: list[str] = []

    def save(section: str, rows: list[dict[str, Any]]) -> None:
        save_section(
            session,
            village=village,
            period=period,
            user=user,
            section=section,
            rows=rows,
            expected_version=target.row_version,
        )

    for section in CARRIED_SECTIONS:
        label = SECTIONS[section][1]
        if _rows(session, target, section):
            skipped.append(label)
            continue
        rows = _rows(session, last, section)
        if rows:
            save(section, rows)
            copied[label] = len(rows)

    ledger = _rows(session, target, "ledger")
    present = {_line_key(line, _month(period)) for line in ledger}
    new_lines = [
        line
        for line in recurring_lines(
            _rows(session, last, "ledger"), last_period, _rows(session, before_last, "ledger"), period
        )
        if _line_key(line, _month(period)) not in present
    ]
    if new_lines:
        ledger += new_lines
        save("ledger", ledger)
        copied[SECTIONS["ledger"][1]] = len(new_lines)

    if _rows(session, target, "balances"):
        skipped.append(SECTIONS["balances"][1])
    else:
        closings = {row["account"]: row["closing_fen"] for row in _rows(session, last, "balances")}
        if closings:
            # Opening is last month's closing; the closing starts balanced and the clerk
            # corrects it to the bank statement / cash count.
            openings = [
                {"account": acc, "opening_fen": closings[acc], "closing_fen": closings[acc]}
                for acc in ACCOUNT_LABELS
                if acc in closings
            ]
            identity = {row["account"]: row for row in balance_identity(openings, ledger)}
            save("balances", [{**row, "closing_fen": identity[row["account"]]["expected_fen"]} for row in openings])
            copied[SECTIONS["balances"][1]] = len(openings)
    return {"copied": copied, "skipped": skipped, "row_version": target.row_version}
