"""Saving a checked preview through board.entry, and the column mapping each village chose."""

from __future__ import annotations

import json
import logging
from typing import TypedDict

from sqlalchemy import func
from sqlmodel import Session, col, select

from board.entry import save_beneficiaries, save_section, section_rows
from board.errors import BoardError, Problem
from board.importers.columns import KINDS
from board.importers.preview import ImportPreview
from board.periods import period_bounds
from board.records import find_period
from board.villages import categories_for
from models import Account, Direction, ImportMapping, LedgerEntry, Period, User, Village, row_id, utcnow

log = logging.getLogger(__name__)

# The 村务 category a list is filed under when the import creates its item.
LIST_CATEGORY = "低保·救助·补贴发放"


class _Target(TypedDict):
    """Which month is saved, by whom, against which version: the keywords every entry save takes."""

    village: Village
    period: str
    user: User
    expected_version: int | None


def commit_import(
    session: Session,
    *,
    village: Village,
    period: str,
    user: User,
    preview: ImportPreview,
    expected_version: int | None = None,
    affair_id: int | None = None,
    affair_title: str | None = None,
) -> dict[str, object]:
    """Save ``preview.rows`` in the caller's unit of work (the caller commits): all or nothing.

    A single-account journal replaces only that account's ledger lines; a journal of both
    accounts (an 账户 column, a voucher list, two sheets) replaces the month's lines.  Each
    account whose opening the file gave (上月结转 row or running 余额) gets its balances.
    A beneficiary list goes to ``affair_id``, or to the month's 村务 item titled
    ``affair_title`` (else the list's title row), created when absent.
    """
    if preview.period != period:
        raise BoardError(f"预览是按 {preview.period} 读取的，不能保存到 {period}，请重新预览", field="月份")
    if preview.missing_fields:
        raise BoardError([Problem(0, label, "文件中没有对应的列，请先选择列") for label in preview.missing_labels()])
    if preview.problems:
        raise BoardError(preview.problems)
    common = _Target(village=village, period=period, user=user, expected_version=expected_version)
    summary: dict[str, object] = {"kind": preview.kind, "rows": len(preview.rows), **preview.totals}
    if preview.kind == "beneficiaries":
        if affair_id is None:
            summary |= _list_to_affair(session, preview=preview, title=affair_title, **common)
        else:
            save_beneficiaries(session, affair_id=affair_id, rows=preview.rows, **common)
        return summary
    if preview.kind != "ledger":
        save_section(session, section=preview.kind, rows=preview.rows, **common)
        return summary
    existing = find_period(session, village, period)
    if preview.account is None:
        save_section(session, section="ledger", rows=sorted(preview.rows, key=lambda r: r["entry_date"]), **common)
    else:
        account = Account(preview.account)
        kept = (
            [r for r in section_rows(session, period_row=existing, section="ledger") if r["account"] != account.value]
            if existing
            else []
        )
        # Lines of the other account stay; the whole month is then kept in date order.
        rows = sorted([*kept, *preview.rows], key=lambda r: r["entry_date"])
        save_section(session, section="ledger", rows=rows, **common)
        summary["kept_other_account_rows"] = len(kept)
    if preview.balances:
        given = {Account(a) for a in preview.balances}
        balances = (
            [
                b
                for b in section_rows(session, period_row=existing, section="balances")
                if Account(b["account"]) not in given
            ]
            if existing
            else []
        )
        balances += [{"account": Account(a), **b} for a, b in preview.balances.items()]
        save_section(session, section="balances", rows=balances, **(common | {"expected_version": None}))
        summary["balance_updated"] = "、".join(a.value for a in given)
    return summary


def _list_to_affair(
    session: Session,
    *,
    village: Village,
    period: str,
    user: User,
    preview: ImportPreview,
    title: str | None,
    expected_version: int | None,
) -> dict[str, object]:
    """Attach a beneficiary list to the month's 村务 item of that title, creating the item when absent."""
    title = (title or preview.title or "").strip()
    if not title:
        raise BoardError("名单没有标题行，请指定这份名单属于哪一项村务（命令行用 --affair 标题）", field="村务")
    existing = find_period(session, village, period)
    affairs = section_rows(session, period_row=existing, section="affairs") if existing else []
    same = [a for a in affairs if a["title"].strip() == title]
    if same:
        save_beneficiaries(
            session,
            village=village,
            period=period,
            user=user,
            affair_id=same[0]["id"],
            rows=preview.rows,
            expected_version=expected_version,
        )
        return {"affair": title, "affair_created": False}
    first_day, _ = period_bounds(period)
    affairs.append(
        {
            "category": LIST_CATEGORY,
            "item_date": first_day,
            "title": title,
            "description": "",
            "amount_fen": sum(r.get("amount_fen") or 0 for r in preview.rows),
            "beneficiaries": preview.rows,
        }
    )
    save_section(
        session,
        village=village,
        period=period,
        user=user,
        section="affairs",
        rows=affairs,
        expected_version=expected_version,
    )
    return {"affair": title, "affair_created": True}


def import_file(
    session: Session,
    *,
    village: Village,
    period: str,
    user: User,
    preview: ImportPreview,
    mapping: dict[str, str] | None = None,
    expected_version: int | None = None,
    affair_id: int | None = None,
    affair_title: str | None = None,
) -> dict[str, object]:
    """Save a checked preview (all or nothing); ``mapping`` is the column choice the clerk made
    for this file, remembered for next month's file.  ``None`` when the columns were recognised
    or remembered already.  The caller commits.
    """
    summary = commit_import(
        session,
        village=village,
        period=period,
        user=user,
        preview=preview,
        expected_version=expected_version,
        affair_id=affair_id,
        affair_title=affair_title,
    )
    if mapping is not None:
        remember_mapping(session, village=village, kind=preview.kind, mapping=mapping)
    log.info("import: %s %s %s by %s", village.code, period, preview.kind, user.username)
    return summary


def remember_mapping(session: Session, *, village: Village, kind: str, mapping: dict[str, str]) -> None:
    """Keep the clerk's column choice for ``kind`` so next month's file maps itself."""
    if kind not in KINDS:
        raise BoardError(f"未知的导入类别“{kind}”", field="类别")
    row = session.exec(
        select(ImportMapping).where(ImportMapping.village_id == village.id, ImportMapping.kind == kind)
    ).first()
    text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(ImportMapping(village_id=row_id(village), kind=kind, mapping_json=text))
    else:
        row.mapping_json, row.updated_at = text, utcnow()
        session.add(row)
    session.flush()


def remembered_mapping(session: Session, *, village: Village, kind: str) -> dict[str, str] | None:
    row = session.exec(
        select(ImportMapping).where(ImportMapping.village_id == village.id, ImportMapping.kind == kind)
    ).first()
    return json.loads(row.mapping_json) if row else None


def known_categories(session: Session, village: Village) -> dict[Direction, list[str]]:
    """The township's 收支类别 per direction, for the preview's unknown-category check."""
    return {d: categories_for(session, village, d) for d in Direction}


def earlier_months(session: Session, *, village: Village, period: str) -> dict[str, dict[str, dict[str, int]]]:
    """period → account → income_fen/expense_fen of the saved months before ``period`` in its year.

    Lets the preview check a file's 本年累计 / 本季合计 rows against the months already in the system.
    """
    rows = session.exec(
        select(Period.period, LedgerEntry.account, LedgerEntry.direction, func.sum(LedgerEntry.amount_fen))
        .join(LedgerEntry, col(LedgerEntry.period_id) == Period.id)
        .where(Period.village_id == village.id, Period.period >= f"{period[:4]}-01", Period.period < period)
        .group_by(Period.period, LedgerEntry.account, LedgerEntry.direction)
    ).all()
    found: dict[str, dict[str, dict[str, int]]] = {}
    for month, account, direction, total in rows:
        key = "income_fen" if direction == Direction.income else "expense_fen"
        found.setdefault(month, {}).setdefault(Account(account).value, {})[key] = int(total)
    return found
