"""Reading the audit log: who changed what, when, before and after, for the villages a user may see."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from board.auth import visible_village_ids
from board.entry import SECTIONS
from board.periods import check_period
from board.snapshot import SHANGHAI
from models import AuditLog, User, Village

ACTION_LABELS = {
    "submit": "提交审核",
    "approve": "审核通过",
    "reject": "退回修改",
    "publish": "公开",
    "amend": "提出更正",
    "carry": "随上月更正期初余额",
    "save:beneficiaries": "保存名单",
    **{f"save:{key}": f"保存{label}" for key, (_, label, _) in SECTIONS.items()},
}


def _local(at: datetime) -> str:
    # SQLite hands back naive datetimes; they were stored in UTC.
    utc = at if at.tzinfo else at.replace(tzinfo=UTC)
    return utc.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _pretty(text: str) -> str:
    if not text:
        return ""
    return json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True)


def audit_rows(
    session: Session,
    *,
    user: User,
    village: Village | None = None,
    period: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Newest first; only villages the user may see (admin: all, incl. entries without a village)."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    allowed = visible_village_ids(session, user)
    if village is not None:
        query = query.where(AuditLog.village_id == village.id)
    if allowed is not None:
        query = query.where(AuditLog.village_id.in_(allowed or {-1}))
    if period:
        query = query.where(AuditLog.period == check_period(period))
    entries = list(session.exec(query))
    names = {
        v.id: v.name
        for v in session.exec(
            select(Village).where(Village.id.in_({e.village_id for e in entries if e.village_id} or {-1}))
        )
    }
    return [
        {
            "at": _local(e.at),
            "username": e.username,
            "action": e.action,
            "action_label": ACTION_LABELS.get(e.action, e.action),
            "village": names.get(e.village_id, ""),
            "period": e.period,
            "entity": e.entity,
            "before": _pretty(e.before_json),
            "after": _pretty(e.after_json),
        }
        for e in entries
    ]
