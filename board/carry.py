"""Start a month from the last one: "开始录入 2026年11月".

Looking at a month creates nothing; the clerk starts it, after seeing what will be copied
(``plan_month``).  ``start_month`` then creates the draft and carries forward what does not
change month to month — service items, fixed assets, debts, resources — copies last month's
recurring ledger lines (salaries, rent: the same line with the same amount in each of the two
previous months) and monthly recipient lists (低保 paid every month) into the new month for
the clerk to check, and opens each account at last month's *published* closing.  The
month-end balance is never filled in: the clerk types it from the bank statement and the cash
count, which is the check that catches a missing or wrong line.  Everything goes through
``board.entry.save_section``, so the role, draft and version checks and the audit log apply
exactly as for typed entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from board.auth import require
from board.balance import ACCOUNT_LABELS
from board.entry import AFFAIR_CATEGORIES, save_section, section_rows
from board.errors import BoardError
from board.money import format_yuan
from board.periods import check_period, period_bounds, period_label, shift_period
from board.records import find_period, get_or_create_period
from board.sections import SECTIONS
from board.snapshot import latest_snapshot, load_snapshot
from models import Period, Role, User, Village, row_id

CARRIED_SECTIONS = ("services", "assets", "debts", "resources")
# Recipient lists paid every month (低保, 特困供养…) are copied with their people.
LIST_CATEGORY = AFFAIR_CATEGORIES[3]
_MONTH_RE = re.compile(r"(?<!\d)(\d{1,2})月")


def _month(period: str) -> int:
    return int(period[5:])


def _with_month(summary: str, old: int, new: int) -> str:
    """ "9月保洁员工资" → "10月保洁员工资" (only mentions of the old month change)."""
    return _MONTH_RE.sub(lambda m: f"{new}月" if int(m.group(1)) == old else m.group(0), summary)


def _names_month(text: str, month: int) -> bool:
    return any(int(m) == month for m in _MONTH_RE.findall(text))


def _line_key(line: dict[str, Any], month: int) -> tuple[Any, ...]:
    return (
        _with_month(line["summary"], month, 0),
        line["category"],
        line["direction"],
        line["account"],
        line["counterparty"],
        line["amount_fen"],
    )


def _moved(day: date, new_period: str) -> date:
    first, end = period_bounds(new_period)
    return first.replace(day=min(day.day, end.day))


def recurring_lines(
    last: list[dict[str, Any]], last_period: str, before_last: list[dict[str, Any]], new_period: str
) -> list[dict[str, Any]]:
    """Last month's lines that also occurred, with the same amount, the month before, moved into ``new_period``.

    Without a month before last, the lines naming last month ("9月…工资") count as recurring.
    """
    last_month, new_month = _month(last_period), _month(new_period)
    if before_last:
        before_month = _month(shift_period(last_period, -1))
        seen = {_line_key(line, before_month) for line in before_last}
        candidates = [line for line in last if _line_key(line, last_month) in seen]
    else:
        candidates = [line for line in last if _names_month(line["summary"], last_month)]
    copies: list[dict[str, Any]] = []
    keys: set[tuple[Any, ...]] = set()
    for line in candidates:
        key = _line_key(line, last_month)
        if key in keys:
            continue
        keys.add(key)
        copies.append(
            {
                **line,
                "entry_date": _moved(line["entry_date"], new_period),
                "summary": _with_month(line["summary"], last_month, new_month),
                "voucher_no": "",  # vouchers are numbered per year by the clerk
            }
        )
    return copies


def monthly_lists(
    last: list[dict[str, Any]], last_period: str, before_last: list[dict[str, Any]], new_period: str
) -> list[dict[str, Any]]:
    """Last month's recipient lists that are paid monthly, as affair rows of ``new_period`` with their people.

    Monthly: the same title (month number aside) was there the month before too, or, without a
    month before last, the title names last month ("10月低保金发放").
    """
    last_month, new_month = _month(last_period), _month(new_period)
    before_titles = {_with_month(a["title"], _month(shift_period(last_period, -1)), 0) for a in before_last}
    lists = []
    for item in last:
        if item["category"] != LIST_CATEGORY or not item.get("beneficiaries"):
            continue
        recurs = (
            _with_month(item["title"], last_month, 0) in before_titles
            if before_last
            else _names_month(item["title"], last_month)
        )
        if recurs:
            lists.append(
                {
                    **{k: v for k, v in item.items() if k != "id"},
                    "item_date": _moved(item["item_date"], new_period),
                    "title": _with_month(item["title"], last_month, new_month),
                }
            )
    return lists


@dataclass
class MonthPlan:
    """What starting a month will copy from last month (plain data, for the page to show first)."""

    period: str
    last_period: str
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # section key → rows to save
    openings: dict[str, int] = field(default_factory=dict)  # account → last published closing, fen

    def summary(self) -> list[str]:
        """One sentence per thing copied, in the clerk's words."""
        lines = []
        for key, rows in self.sections.items():
            if key == "ledger":
                lines.append(f"每月固定收支 {len(rows)} 笔（工资、租金等，日期和金额请逐笔核对）")
            elif key == "affairs":
                people = sum(len(r["beneficiaries"]) for r in rows)
                lines.append(f"每月发放的名单 {len(rows)} 份，共 {people} 人（人员变动请修改）")
            else:
                lines.append(f"{SECTIONS[key][1]} {len(rows)} 行")
        if self.openings:
            lines.append(
                "月初余额 = 上月公开的月末余额："
                + "，".join(f"{ACCOUNT_LABELS[a]} {format_yuan(f)}" for a, f in self.openings.items())
            )
        else:
            lines.append(f"{period_label(self.last_period)}没有公开的月末余额，月初余额请按账本手工填写")
        return lines


def _rows(session: Session, period: Period | None, section: str) -> list[dict[str, Any]]:
    return section_rows(session, period_row=period, section=section) if period is not None else []


def plan_month(session: Session, *, village: Village, period: str, user: User) -> MonthPlan:
    """What ``start_month`` would copy into ``period``; reads only."""
    require(session, user, village, Role.clerk)
    check_period(period)
    last_period = shift_period(period, -1)
    last = find_period(session, village, last_period)
    before_last = find_period(session, village, shift_period(period, -2))
    plan = MonthPlan(period=period, last_period=last_period)
    for section in CARRIED_SECTIONS:
        rows = _rows(session, last, section)
        if rows:
            plan.sections[section] = rows
    ledger = recurring_lines(_rows(session, last, "ledger"), last_period, _rows(session, before_last, "ledger"), period)
    if ledger:
        plan.sections["ledger"] = ledger
    lists = monthly_lists(_rows(session, last, "affairs"), last_period, _rows(session, before_last, "affairs"), period)
    if lists:
        plan.sections["affairs"] = lists
    snapshot = latest_snapshot(session, row_id(village), last_period)
    if snapshot is not None:
        plan.openings = {a.account: a.closing_fen for a in load_snapshot(snapshot).finance.accounts if a.closing_fen}
    return plan


def start_month(session: Session, *, village: Village, period: str, user: User) -> Period:
    """Create the draft of ``period`` and fill it from last month as ``plan_month`` says."""
    plan = plan_month(session, village=village, period=period, user=user)
    if find_period(session, village, period) is not None:
        raise BoardError(f"{period_label(period)}已经开始录入，请刷新页面", field="月份")
    row = get_or_create_period(session, village, period)
    for section, rows in plan.sections.items():
        save_section(
            session,
            village=village,
            period=period,
            user=user,
            section=section,
            rows=rows,
            expected_version=row.row_version,
        )
    if plan.openings:
        # statement_fen stays empty: the real month-end balance comes from the statement, not a sum.
        save_section(
            session,
            village=village,
            period=period,
            user=user,
            section="balances",
            rows=[{"account": a, "opening_fen": fen} for a, fen in plan.openings.items()],
            expected_version=row.row_version,
        )
    return row
