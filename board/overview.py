"""Period overview for staff and the CLI: status and totals per account and in all."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from board.balance import ACCOUNT_LABELS
from board.records import account_totals, load_records, require_period, village_totals
from board.review import ever_submitted
from board.snapshot import latest_snapshot, load_snapshot
from board.workflow import STATUS_LABELS
from models import Period, PeriodStatus, Village, row_id


def period_overview(session: Session, village: Village, period: str) -> dict[str, Any]:
    """Published months report their snapshot's figures; others the current draft's."""
    row = require_period(session, village, period)
    snapshot = latest_snapshot(session, row_id(village), period)
    result: dict[str, Any] = {
        "village": village.code,
        "village_name": village.name,
        "period": period,
        "status": row.status.value,
        "status_label": STATUS_LABELS[row.status],
        "row_version": row.row_version,
        "rejection_comment": row.rejection_comment,
        "amendment_reason": row.amendment_reason,
        "snapshot_hash": None,
        "snapshot_version": None,
    }
    if row.status == PeriodStatus.published and snapshot is not None:
        finance = load_snapshot(snapshot).finance
        result["accounts"] = [a.model_dump() for a in finance.accounts]
        result.update(finance.totals.model_dump())
        result["ledger_lines"] = len(finance.ledger)
        result["snapshot_hash"] = snapshot.content_hash
        result["snapshot_version"] = snapshot.version
        return result
    records = load_records(session, village, row)
    per_account = account_totals(records)
    result["accounts"] = [{"account": acc, "label": ACCOUNT_LABELS[acc], **per_account[acc]} for acc in ACCOUNT_LABELS]
    result.update(village_totals(records))
    result["ledger_lines"] = len(records.ledger)
    if snapshot is not None:
        result["snapshot_hash"] = snapshot.content_hash
        result["snapshot_version"] = snapshot.version
    return result


def periods_overview(session: Session, village: Village, *, reviewer: bool = False) -> list[dict[str, Any]]:
    """Every month of a village, newest first, with status and totals.

    For a ``reviewer`` (supervisor, township) a draft nobody submitted is one line "录入中"
    without figures: half-entered numbers are not theirs to judge yet.
    """
    rows = session.exec(
        select(Period).where(Period.village_id == row_id(village)).order_by(col(Period.period).desc())
    ).all()
    result: list[dict[str, Any]] = []
    for row in rows:
        if reviewer and not ever_submitted(row):
            result.append({"period": row.period, "status": row.status.value, "status_label": "录入中（未提交）"})
        else:
            result.append(period_overview(session, village, row.period))
    return result
