"""The entry grids: a month's rows with money in 元 for the editor, and edited grids back to rows for saving.

The editor shows 元 with two decimals; amounts go back through ``parse_money`` on their
text, so money never passes through float arithmetic.  Codes (in/out, cash/bank,
receivable/payable) are shown as the Chinese words the clerk picks from a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from board.auth import require
from board.balance import ACCOUNT_LABELS, balance_identity
from board.carry import plan_month
from board.entry import AFFAIR_CATEGORIES, is_blank, section_rows
from board.errors import BoardError
from board.money import MoneyError, format_yuan, parse_money
from board.periods import PRECISION_LABELS, check_period, period_label, period_of, shift_period
from board.records import DIRECTION_LABELS, find_period
from board.sections import BENEFICIARY_COLUMNS, SECTIONS, Column
from board.villages import categories_for
from board.workflow import STATUS_LABELS
from models import Direction, Period, PeriodStatus, Role, User, Village

CHOICE_LABELS: dict[str, Mapping[Any, str]] = {
    "direction": DIRECTION_LABELS,
    "account": ACCOUNT_LABELS,
    "debt_kind": {"receivable": "应收", "payable": "应付"},
    "precision": PRECISION_LABELS,
}


def _to_cell(column: Column, value):
    if value is None:
        return None
    if column.kind == "money":
        return float(Decimal(value) / 100)
    if column.kind in CHOICE_LABELS:
        return CHOICE_LABELS[column.kind].get(value, value)
    return value


def _from_cell(column: Column, value):
    if is_blank(value):
        return None
    if column.kind == "money":
        # Text, so save_section parses 元 (an int would be taken as fen already).
        if isinstance(value, float) or type(value).__name__.startswith("float"):
            return repr(float(value))
        return str(value)
    if column.kind == "int" and isinstance(value, float) and float(value).is_integer():
        return int(value)
    if column.kind == "date" and hasattr(value, "date") and callable(value.date):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def columns_of(section: str) -> tuple[Column, ...]:
    return BENEFICIARY_COLUMNS if section == "beneficiaries" else SECTIONS[section][2]


def to_grid(section: str, rows: list[dict]) -> list[dict]:
    """Typed rows (fen, codes) → editor rows (元, Chinese choices); affairs keep their ``id``."""
    columns = columns_of(section)
    grid = []
    for row in rows:
        cells = {c.name: _to_cell(c, row.get(c.name)) for c in columns}
        if section == "affairs":
            cells["id"] = row.get("id")
        grid.append(cells)
    return grid


def from_grid(section: str, grid: list[dict], beneficiaries: dict[int, list[dict]] | None = None) -> list[dict]:
    """Editor rows → rows for ``save_section``; wholly empty rows are dropped.

    Affairs rows keep the recipient list of the saved item they came from (by ``id``).
    """
    columns = columns_of(section)
    rows = []
    for cells in grid:
        row = {c.name: _from_cell(c, cells.get(c.name)) for c in columns}
        if all(v is None for v in row.values()):
            continue
        if section == "affairs":
            affair_id = cells.get("id")
            row["beneficiaries"] = (
                (beneficiaries or {}).get(int(affair_id), [])
                if affair_id is not None and not is_blank(affair_id)
                else []
            )
        rows.append(row)
    return rows


def _lenient(section: str, grid: list[dict]) -> list[dict]:
    """Typed rows for live figures: codes and fen where the cell is valid, None elsewhere."""
    codes = {kind: {label: code for code, label in labels.items()} for kind, labels in CHOICE_LABELS.items()}
    typed = []
    for row in from_grid(section, grid):
        out = dict(row)
        for column in columns_of(section):
            value = row.get(column.name)
            if value is None:
                continue
            if column.kind == "money":
                try:
                    out[column.name] = parse_money(value)
                except MoneyError:
                    out[column.name] = None
            elif column.kind in codes:
                out[column.name] = codes[column.kind].get(value, value)
        typed.append(out)
    return typed


def grid_identity(balance_grid: list[dict], ledger_grid: list[dict]) -> list[dict]:
    """The balance identity per account from the grids as they are being edited."""
    return balance_identity(_lenient("balances", balance_grid), _lenient("ledger", ledger_grid))


def running_totals(section: str, grid: list[dict]) -> list[tuple[str, str]]:
    """(label, amount in 元) figures under a grid: rows and the money column sums."""
    rows = _lenient(section, grid)
    figures = [("行数", str(len(rows)))]
    if section == "ledger":
        for code, label in DIRECTION_LABELS.items():
            total = sum(r["amount_fen"] or 0 for r in rows if r.get("direction") == code)
            figures.append((f"{label}合计", format_yuan(total)))
        return figures
    for column in columns_of(section):
        if column.kind == "money":
            total = sum(r.get(column.name) or 0 for r in rows)
            figures.append((f"{column.label}合计", format_yuan(total)))
    return figures


def entry_months(session: Session, *, village: Village, user: User) -> tuple[list[str], str]:
    """Months a clerk can open, newest first, and the default: the month after the latest published one."""
    require(session, user, village, Role.clerk)
    rows = list(session.exec(select(Period).where(Period.village_id == village.id)))
    published = [r.period for r in rows if r.status == PeriodStatus.published]
    drafts = sorted((r.period for r in rows if r.status != PeriodStatus.published), reverse=True)
    if published:
        default = shift_period(max(published), 1)
    elif drafts:
        default = drafts[0]
    else:
        default = period_of(date.today())
    return sorted({*(r.period for r in rows), default}, reverse=True), default


def load_month(session: Session, *, village: Village, period: str, user: User) -> dict:
    """One month for entry: every grid in 元, plus the version to save against.

    Reads only: a month nobody started comes back with ``started`` false and the plan of what
    "开始录入" would copy from last month.
    """
    check_period(period)
    require(session, user, village, Role.clerk)
    row = find_period(session, village, period)
    base = {
        "village": village.code,
        "village_name": village.name,
        "period": period,
        "period_label": period_label(period),
        "categories": {
            "in": categories_for(session, village, Direction.income),
            "out": categories_for(session, village, Direction.expense),
        },
    }
    if row is None:
        plan = plan_month(session, village=village, period=period, user=user)
        return {
            **base,
            "started": False,
            "status": "",
            "status_label": "未开始",
            "editable": False,
            "row_version": 0,
            "plan": plan.summary(),
            "last_period_label": period_label(plan.last_period),
        }
    sections = {key: section_rows(session, period_row=row, section=key) for key in SECTIONS}
    return {
        **base,
        "started": True,
        "status": row.status.value,
        "status_label": STATUS_LABELS[row.status],
        "editable": row.status == PeriodStatus.draft,
        "row_version": row.row_version,
        "rejection_comment": row.rejection_comment,
        "amendment_reason": row.amendment_reason,
        "grids": {key: to_grid(key, rows) for key, rows in sections.items()},
        "beneficiaries": {a["id"]: a["beneficiaries"] for a in sections["affairs"]},
        "affair_titles": {a["id"]: f"{a['item_date']} {a['title']}" for a in sections["affairs"]},
        "identity": balance_identity(sections["balances"], sections["ledger"]),
    }


def month_checklist(state: dict) -> list[dict]:
    """The clerk's steps for a started month: each with ``done``, a one-sentence ``detail`` and its ``tab``."""
    grids = state["grids"]

    def count(section: str) -> int:
        return len(grids.get(section, []))

    lists = [a for a in grids["affairs"] if a.get("category") == AFFAIR_CATEGORIES[3]]
    without = [a["title"] for a in lists if not state["beneficiaries"].get(a.get("id"))]
    off = [r["message"] for r in state["identity"] if not r["ok"]]
    openings = [r for r in grids["balances"] if r.get("opening_fen") is not None]
    steps = [
        (
            "balances",
            "期初余额",
            bool(openings),
            "已填写" if openings else "请在“账户余额”填写现金和银行存款的月初余额",
        ),
        (
            "ledger",
            "收支明细",
            count("ledger") > 0,
            f"已录入 {count('ledger')} 笔" if count("ledger") else "本月还没有录入收支",
        ),
        ("balances", "银行对账", not off, "银行对账单和现金盘点的月末余额都已填写并对上" if not off else off[0]),
        (
            "affairs",
            "村务",
            count("affairs") > 0,
            f"{count('affairs')} 项" if count("affairs") else "本月还没有村务事项",
        ),
        ("party", "党务", count("party") > 0, f"{count('party')} 项" if count("party") else "本月还没有党务事项"),
        (
            "affairs",
            "名单",
            not without,
            f"“{without[0]}”还没有名单，请在“村务公开”下方录入"
            if without
            else (f"{len(lists)} 份名单已录入" if lists else "本月没有发放名单"),
        ),
        (
            "services",
            "便民服务",
            count("services") > 0,
            f"{count('services')} 项" if count("services") else "还没有便民服务事项",
        ),
    ]
    result = [{"tab": tab, "label": label, "done": done, "detail": detail} for tab, label, done, detail in steps]
    submitted = state["status"] != "draft"
    result.append(
        {
            "tab": None,
            "label": "提交审核",
            "done": submitted,
            "detail": f"状态：{state['status_label']}" if submitted else "以上核对无误后，点“提交审核”交村务监督委员会",
        }
    )
    return result


def problems_by_row(error: BoardError, grid: list[dict]) -> dict[int, str]:
    """{grid row (1-based): messages} for a refused save; rows are counted as ``from_grid`` counts them."""
    positions = [
        i for i, cells in enumerate(grid, start=1) if not all(is_blank(v) for k, v in cells.items() if k != "id")
    ]
    by_row: dict[int, list[str]] = {}
    for problem in error.problems:
        if 1 <= problem.row <= len(positions):
            by_row.setdefault(positions[problem.row - 1], []).append(
                f"{problem.field.split('·')[-1]}：{problem.message}"
            )
    return {row: "；".join(messages) for row, messages in by_row.items()}
