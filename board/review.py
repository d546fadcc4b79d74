"""What a supervisor sees before approving a month, and the workflow steps a user may take.

Every line of every section, the totals, the balance identity per account, the
differences from last month's published snapshot (per total and per category), the
empty sections (published as 本月无), payments of 5万元 or more (四议两公开 / 专项公开)
and every validation problem.  The helpers are pure functions over plain rows so the
entry page can show the same identity live, before anything is saved.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, select

from board.auth import require
from board.entry import BENEFICIARY_COLUMNS, SECTIONS, section_rows
from board.money import format_yuan
from board.periods import PRECISION_LABELS, format_partial_date, partial_iso, shift_period
from board.privacy import mask_id_number, mask_phone
from board.public_record import is_major_payment
from board.records import ACCOUNT_LABELS, DIRECTION_LABELS, load_records, require_period
from board.sections import Column
from board.snapshot import latest_snapshot, load_snapshot
from board.validation import validate_period
from board.workflow import STATUS_LABELS, allowed_steps
from models import Period, Role, User, Village

TOTAL_LABELS = {
    "opening_fen": "月初余额",
    "income_fen": "本月收入",
    "expense_fen": "本月支出",
    "closing_fen": "月末余额",
}
_DEBT_LABELS = {"receivable": "应收", "payable": "应付"}

REVIEW_ROLES = (Role.supervisor, Role.township, Role.clerk)


def _fen(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _key(value: Any) -> str:
    return value.value if hasattr(value, "value") else str(value or "")


def balance_identity(balances: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """月初 + 收入 − 支出 = 月末 per account, from typed rows (amounts in fen).

    Rows whose amount or account is not (yet) valid are left out, so the entry page can
    call this on a half-typed grid.
    """
    per = {acc: {"opening_fen": 0, "income_fen": 0, "expense_fen": 0, "closing_fen": 0} for acc in ACCOUNT_LABELS}
    for row in balances:
        account = _key(row.get("account"))
        if account in per:
            per[account]["opening_fen"] = _fen(row.get("opening_fen")) or 0
            per[account]["closing_fen"] = _fen(row.get("closing_fen")) or 0
    for line in ledger:
        account, amount = _key(line.get("account")), _fen(line.get("amount_fen"))
        direction = _key(line.get("direction"))
        if account in per and amount is not None and direction in DIRECTION_LABELS:
            per[account]["income_fen" if direction == "in" else "expense_fen"] += amount
    result = []
    for account, t in per.items():
        expected = t["opening_fen"] + t["income_fen"] - t["expense_fen"]
        result.append(
            {
                "account": account,
                "label": ACCOUNT_LABELS[account],
                **t,
                "expected_fen": expected,
                "difference_fen": t["closing_fen"] - expected,
                "ok": t["closing_fen"] == expected,
            }
        )
    return result


def identity_table(identity: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The identity rows with Chinese headers and money in 元."""
    return [
        {
            "账户": r["label"],
            "月初余额": format_yuan(r["opening_fen"], unit=False),
            "本月收入": format_yuan(r["income_fen"], unit=False),
            "本月支出": format_yuan(r["expense_fen"], unit=False),
            "应有月末余额": format_yuan(r["expected_fen"], unit=False),
            "填写的月末余额": format_yuan(r["closing_fen"], unit=False),
            "差额": format_yuan(r["difference_fen"], unit=False),
            "平衡": "是" if r["ok"] else "否",
        }
        for r in identity
    ]


def category_totals(ledger: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """{"in": {category: fen}, "out": {...}} from typed ledger rows."""
    sums: dict[str, dict[str, int]] = {"in": defaultdict(int), "out": defaultdict(int)}
    for line in ledger:
        direction, amount = _key(line.get("direction")), _fen(line.get("amount_fen"))
        if direction in sums and amount is not None:
            sums[direction][line.get("category") or ""] += amount
    return {k: dict(v) for k, v in sums.items()}


def total_differences(current: dict[str, int], previous: dict[str, int] | None) -> list[dict[str, Any]]:
    rows = []
    for key, label in TOTAL_LABELS.items():
        before = previous.get(key) if previous else None
        rows.append(
            {
                "item": label,
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
    rows = []
    for direction in ("in", "out"):
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


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    value = _key(value) if column.kind in ("direction", "account", "debt_kind") else value
    if column.kind == "money":
        return format_yuan(value, unit=False)
    if column.kind == "direction":
        return DIRECTION_LABELS.get(value, value)
    if column.kind == "account":
        return ACCOUNT_LABELS.get(value, value)
    if column.kind == "debt_kind":
        return _DEBT_LABELS.get(value, value)
    if column.kind == "precision":
        return PRECISION_LABELS.get(value, value)
    if column.kind == "date":
        return value.isoformat()
    return value


def section_table(section: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Typed rows of a section (or ``beneficiaries``) with Chinese headers and money in 元.

    ``行`` is the row's ``_row`` (its line in an imported file) when present.
    """
    columns = BENEFICIARY_COLUMNS if section == "beneficiaries" else SECTIONS[section][2]
    table = []
    for i, row in enumerate(rows, start=1):
        cells = {"行": row.get("_row", i), **{c.label: _cell(c, row.get(c.name)) for c in columns}}
        if row.get("acquired_on") and row.get("acquired_precision") in ("month", "year"):
            cells["购建日期"] = format_partial_date(partial_iso(row["acquired_on"], row["acquired_precision"]))
        if section == "affairs":
            cells["名单人数"] = len(row.get("beneficiaries") or [])
        table.append(cells)
    return table


def beneficiary_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A recipient list for reviewers: ID and phone masked as on the public board."""
    masked = []
    for row in rows:
        row = {
            **row,
            "id_number": mask_id_number(row["id_number"]) if row.get("id_number") else "",
            "phone": mask_phone(row["phone"]) if row.get("phone") else "",
        }
        masked.append({c.label: _cell(c, row.get(c.name)) for c in BENEFICIARY_COLUMNS})
    return masked


def _previous_figures(
    session: Session, village: Village, period: str
) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    previous_period = shift_period(period, -1)
    snapshot = latest_snapshot(session, village.id, previous_period)
    if snapshot is None:
        return previous_period, None, None
    finance = load_snapshot(snapshot).finance
    by_category = {
        "in": {c.category: c.amount_fen for c in finance.income_by_category},
        "out": {c.category: c.amount_fen for c in finance.expense_by_category},
    }
    return previous_period, finance.totals.model_dump(), by_category


def review_periods(session: Session, *, village: Village, user: User) -> list[dict[str, Any]]:
    """Every month of a village with its status, newest first (submitted ones are the queue)."""
    require(session, user, village, *REVIEW_ROLES)
    rows = session.exec(select(Period).where(Period.village_id == village.id).order_by(Period.period.desc()))
    return [{"period": r.period, "status": r.status.value, "status_label": STATUS_LABELS[r.status]} for r in rows]


def build_review(session: Session, *, village: Village, period: str, user: User) -> dict[str, Any]:
    """Everything the supervisor needs to decide on one month (plain data, money in fen)."""
    require(session, user, village, *REVIEW_ROLES)
    row = require_period(session, village, period)
    sections = {key: section_rows(session, period_row=row, section=key) for key in SECTIONS}
    identity = balance_identity(sections["balances"], sections["ledger"])
    totals = {k: sum(a[k] for a in identity) for k in TOTAL_LABELS}
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
        "sections": {
            key: {"label": SECTIONS[key][1], "rows": rows, "table": section_table(key, rows)}
            for key, rows in sections.items()
        },
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


def difference_table(rows: list[dict[str, Any]], *, by_category: bool = False) -> list[dict[str, Any]]:
    def money(value: int | None) -> str:
        return "—" if value is None else format_yuan(value, unit=False)

    table = []
    for r in rows:
        head = {"收支": DIRECTION_LABELS[r["direction"]], "类别": r["category"]} if by_category else {"项目": r["item"]}
        table.append(
            {
                **head,
                "本月": money(r["current_fen"]),
                "上月": money(r["previous_fen"]),
                "增减": money(r["difference_fen"]),
            }
        )
    return table


def major_payment_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "行": r["line"],
            "日期": r["entry_date"].isoformat(),
            "摘要": r["summary"],
            "科目": r["category"],
            "金额": format_yuan(r["amount_fen"], unit=False),
            "对方单位": r["counterparty"],
            "提示": "5万元及以上，须履行四议两公开并专项公开",
        }
        for r in rows
    ]
