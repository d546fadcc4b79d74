"""Saving what clerks enter or import: one whole section of one month at a time.

Every save checks the role, that the month is still a draft and that nobody saved it
since the form was loaded (optimistic ``row_version``), validates every row, and then
replaces the section in the caller's unit of work — all or nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, cast

from pydantic.fields import PydanticUndefined
from sqlalchemy import CursorResult, func, insert, update
from sqlmodel import Session, col, delete, select

from board import audit
from board.auth import require
from board.errors import BoardError, ConflictError, Problem
from board.money import MoneyError, ceiling_problem, parse_money
from board.privacy import normalise_id_number, normalise_mobile, text_problems
from board.records import get_or_create_period
from board.sections import BENEFICIARY_COLUMNS, SECTIONS, Column
from board.workflow import ensure_editable
from models import (
    Account,
    AffairItem,
    Beneficiary,
    DebtKind,
    Direction,
    Period,
    Role,
    User,
    Village,
    row_id,
    utcnow,
)

PARTY_CATEGORIES = [
    "三会一课",
    "主题党日",
    "发展党员",
    "党费收缴使用",
    "民主评议党员",
    "组织生活会",
    "换届选举",
    "其他",
]
AFFAIR_CATEGORIES = [
    "村民(代表)会议决定及执行",
    "四议两公开",
    "工程项目",
    "低保·救助·补贴发放",
    "宅基地审批",
    "资产资源发包租赁",
    "一事一议",
    "其他",
]
_DIRECTIONS = {
    "in": Direction.income,
    "收入": Direction.income,
    "收": Direction.income,
    "借": Direction.income,
    "out": Direction.expense,
    "支出": Direction.expense,
    "支": Direction.expense,
    "贷": Direction.expense,
}
_ACCOUNTS = {
    "cash": Account.cash,
    "现金": Account.cash,
    "库存现金": Account.cash,
    "bank": Account.bank,
    "银行": Account.bank,
    "银行存款": Account.bank,
}
_DEBT_KINDS = {
    "receivable": DebtKind.receivable,
    "应收": DebtKind.receivable,
    "应收款": DebtKind.receivable,
    "payable": DebtKind.payable,
    "应付": DebtKind.payable,
    "应付款": DebtKind.payable,
}
_PRECISIONS = {"day": "day", "日": "day", "month": "month", "月": "month", "year": "year", "年": "year"}
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(value: object) -> date:
    """A date from a date, datetime, or text such as 2026-10-03, 2026/10/3, 2026年10月3日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_RE.match(str(value).strip())
    if not match:
        raise ValueError(f"“{str(value)[:20]}”不是日期，请写成 2026-10-03")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"“{value}”不是存在的日期") from None


def is_blank(value: object) -> bool:
    """None, NaN (and pandas NaT: the only values not equal to themselves) or blank text."""
    return value is None or value != value or str(value).strip() == ""


# Structured personal columns of a recipient list: validated and stored in one canonical form.
_PERSONAL_COLUMNS = {
    c: f
    for c in BENEFICIARY_COLUMNS
    for name, f in (("id_number", normalise_id_number), ("phone", normalise_mobile))
    if c.name == name
}
# Public contact numbers: a landline or service number, never a person's number.
_CONTACT_COLUMNS = {c for c in SECTIONS["services"][2] if c.name == "contact"}


def check_public_text(text: str, *, contact: bool = False) -> None:
    """ValueError if a text that will be public carries invisible controls or a personal number."""
    problems = text_problems(text, contact=contact)
    if problems:
        raise ValueError("；".join(problems))


def coerce_value(column: Column, value: Any) -> Any:
    kind = column.kind
    if kind == "text":
        text = str(value).strip()
        if column.name in ("id_number", "phone") and column in _PERSONAL_COLUMNS:
            return _PERSONAL_COLUMNS[column](text)
        if len(text) > column.max_len:
            raise ValueError(f"不能超过 {column.max_len} 个字")
        check_public_text(text, contact=column.name == "contact" and column in _CONTACT_COLUMNS)
        return text
    if kind == "date":
        return parse_date(value)
    if kind == "money":
        if isinstance(value, int) and not isinstance(value, bool):
            fen = value  # already fen below the UI
        else:
            try:
                fen = parse_money(value)
            except MoneyError as exc:
                raise ValueError(str(exc)) from None
        if fen < 0:
            raise ValueError("金额不能为负数")
        too_big = ceiling_problem(fen)
        if too_big:
            raise ValueError(too_big)
        return fen
    if kind == "int":
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"“{value}”不是整数") from None
        if number < 0:
            raise ValueError("不能为负数")
        return number
    tables: dict[str, dict[str, Any]] = {
        "direction": _DIRECTIONS,
        "account": _ACCOUNTS,
        "debt_kind": _DEBT_KINDS,
        "precision": _PRECISIONS,
    }
    table = tables[kind]
    key = value.value if hasattr(value, "value") else str(value).strip()
    if key not in table:
        raise ValueError(f"“{key}”无法识别，可选：{'、'.join(k for k in table if not k.isascii())}")
    return table[key]


def clean_rows(
    columns: tuple[Column, ...], section_label: str, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Typed rows and every problem (row numbers are 1-based positions in ``rows``)."""
    cleaned: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for i, raw in enumerate(rows, start=1):
        row = raw.get("_row", i) if isinstance(raw, dict) else i
        out: dict[str, Any] = {}
        for column in columns:
            value = raw.get(column.name)
            if is_blank(value):
                if column.required:
                    problems.append(Problem(row, f"{section_label}·{column.label}", "不能为空"))
                out[column.name] = None
                continue
            try:
                out[column.name] = coerce_value(column, value)
            except ValueError as exc:
                problems.append(Problem(row, f"{section_label}·{column.label}", str(exc)))
        if "beneficiaries" in raw:
            out["beneficiaries"] = raw["beneficiaries"]
        cleaned.append(out)
    return cleaned, problems


def _defaults(model: type[Any], row: dict[str, Any]) -> dict[str, Any]:
    """Drop Nones so the model's own defaults apply (e.g. empty text, quantity 1)."""
    return {k: v for k, v in row.items() if v is not None and k != "beneficiaries"}


def _column_defaults(model: type[Any]) -> dict[str, Any]:
    """The model's own field defaults, for rows inserted in bulk without building objects."""
    return {
        name: field.default
        for name, field in model.model_fields.items()
        if name != "id" and field.default is not PydanticUndefined and field.default_factory is None
    }


def _section_summary(session: Session, model: type[Any], period_id: int) -> dict[str, Any]:
    """Audit before/after of a section: count and sum always, the rows themselves when few."""
    where = model.period_id == period_id
    summary: dict[str, Any] = {"rows": session.exec(select(func.count()).select_from(model).where(where)).one()}
    if hasattr(model, "amount_fen"):
        summary["amount_fen"] = session.exec(select(func.coalesce(func.sum(model.amount_fen), 0)).where(where)).one()
    if summary["rows"] <= 100:
        summary["items"] = [
            {k: v for k, v in r.model_dump().items() if k not in ("id", "period_id")}
            for r in session.exec(select(model).where(where).order_by(model.id))
        ]
    return summary


def _locked_period(
    session: Session, *, village: Village, period: str, user: User, expected_version: int | None
) -> Period:
    require(session, user, village, Role.clerk)
    row = get_or_create_period(session, village, period)
    ensure_editable(row, expected_version=expected_version)
    return row


def _bump(
    session: Session, row: Period, user: User, section: str, before: dict[str, Any], after: dict[str, Any]
) -> None:
    # Compare-and-set on row_version, so a concurrent save in another process also conflicts.
    loaded = row.row_version
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(Period)
            .where(col(Period.id) == row.id, col(Period.row_version) == loaded)
            .values(row_version=loaded + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise ConflictError("这个月的数据刚被别人修改过，您的修改没有保存。请刷新后重新录入您的改动。", field="版本")
    row.row_version = loaded + 1
    audit.record(
        session,
        username=user.username,
        action=f"save:{section}",
        village_id=row.village_id,
        period=row.period,
        entity=section,
        entity_id=row.id,
        before=before,
        after=after,
    )


def _statement_from_closing(row: dict[str, Any]) -> dict[str, Any]:
    """Importers and scripts give a file's month-end balance as ``closing_fen``: it is the real balance."""
    if "statement_fen" not in row and "closing_fen" in row:
        return {**row, "statement_fen": row["closing_fen"]}
    return row


def save_section(
    session: Session,
    *,
    village: Village,
    period: str,
    user: User,
    section: str,
    rows: list[dict[str, Any]],
    expected_version: int | None = None,
) -> Period:
    """Replace one section of a draft month with ``rows`` (dicts keyed by model field names).

    Values may be typed (date, int fen, enums) or text as a clerk types it ("1,234.50",
    "2026/10/3", "收入", "现金").  Affairs rows may carry ``beneficiaries``: a list of dicts.
    Raises BoardError listing every problem; nothing is written then.
    """
    if section not in SECTIONS:
        raise BoardError(f"未知的数据类别“{section}”", field="类别")
    model, label, columns = SECTIONS[section]
    row = _locked_period(session, village=village, period=period, user=user, expected_version=expected_version)
    if section == "balances":
        rows = [_statement_from_closing(r) for r in rows]
    cleaned, problems = clean_rows(columns, label, rows)
    if section == "affairs":
        for i, item in enumerate(cleaned, start=1):
            people, more = clean_rows(BENEFICIARY_COLUMNS, f"村务第{i}项名单", item.get("beneficiaries") or [])
            item["beneficiaries"] = people
            problems += more
    if section == "balances":
        seen = [r.get("account") for r in cleaned if r.get("account")]
        for account in {a for a in seen if seen.count(a) > 1}:
            problems.append(
                Problem(0, f"{label}·账户", f"“{'现金' if account == Account.cash else '银行存款'}”填了不止一行")
            )
    if problems:
        raise BoardError(problems)
    if section == "balances":
        # The published month-end balance is the real one; 0 until the clerk has entered it.
        for item in cleaned:
            item["closing_fen"] = item.get("statement_fen") or 0

    before = _section_summary(session, model, row_id(row))
    if section == "affairs":
        affair_ids = select(AffairItem.id).where(AffairItem.period_id == row.id)
        session.execute(delete(Beneficiary).where(col(Beneficiary.affair_id).in_(affair_ids)))
    session.execute(delete(model).where(model.period_id == row.id))
    if section == "affairs":
        # Affairs need their new ids for the recipient lists; they are few, so ORM objects are fine.
        for values in cleaned:
            obj = model(period_id=row.id, **_defaults(model, values))
            session.add(obj)
            session.flush()
            for person in values.get("beneficiaries") or []:
                session.add(Beneficiary(affair_id=obj.id, **_defaults(Beneficiary, person)))
    elif cleaned:
        # Bulk insert: a 100k-line import must not build 100k ORM objects.
        base = {**_column_defaults(model), "period_id": row.id}
        order_key = {"ledger": "line_no", "services": "sort_order"}.get(section)
        payload = []
        for i, values in enumerate(cleaned, start=1):
            item = {**base, **_defaults(model, values)}
            if order_key:
                item[order_key] = i
            payload.append(item)
        session.execute(insert(model), payload)
    session.flush()
    _bump(session, row, user, section, before, _section_summary(session, model, row_id(row)))
    session.flush()
    return row


def save_beneficiaries(
    session: Session,
    *,
    village: Village,
    period: str,
    user: User,
    affair_id: int,
    rows: list[dict[str, Any]],
    expected_version: int | None = None,
) -> Period:
    """Replace the recipient list (低保/救助/补贴名单) of one affair item of a draft month."""
    row = _locked_period(session, village=village, period=period, user=user, expected_version=expected_version)
    affair = session.get(AffairItem, affair_id)
    if affair is None or affair.period_id != row.id:
        raise BoardError("找不到这条村务事项，请刷新后重试", field="村务")
    cleaned, problems = clean_rows(BENEFICIARY_COLUMNS, "名单", rows)
    if problems:
        raise BoardError(problems)
    existing = list(session.exec(select(Beneficiary).where(Beneficiary.affair_id == affair_id)))
    session.execute(delete(Beneficiary).where(col(Beneficiary.affair_id) == affair_id))
    for person in cleaned:
        session.add(Beneficiary(affair_id=affair_id, **_defaults(Beneficiary, person)))
    _bump(session, row, user, "beneficiaries", {"rows": len(existing)}, {"rows": len(cleaned)})
    session.flush()
    return row


def section_rows(session: Session, *, period_row: Period, section: str) -> list[dict[str, Any]]:
    """A section's current rows as plain dicts keyed by model field names (for grids and copies)."""
    model, _, columns = SECTIONS[section]
    order = model.line_no if section == "ledger" else model.id
    rows = []
    for obj in session.exec(select(model).where(model.period_id == period_row.id).order_by(order)):
        values = {c.name: getattr(obj, c.name) for c in columns}
        for key, value in values.items():
            if hasattr(value, "value"):
                values[key] = value.value
        if section == "affairs":
            values["id"] = obj.id
            values["beneficiaries"] = [
                {c.name: getattr(b, c.name) for c in BENEFICIARY_COLUMNS}
                for b in session.exec(
                    select(Beneficiary).where(Beneficiary.affair_id == obj.id).order_by(col(Beneficiary.id))
                )
            ]
        rows.append(values)
    return rows
