"""Reading the audit log: who changed what, when, before and after, for the villages a user may see."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from board.auth import visible_village_ids
from board.money import format_yuan
from board.periods import check_period, period_label
from board.sections import SECTIONS
from board.snapshot import SHANGHAI
from models import AuditLog, Role, User, Village

ACTION_LABELS = {
    "submit": "提交审核",
    "approve": "审核通过",
    "reject": "退回修改",
    "publish": "公开",
    "amend": "提出更正",
    "carry": "随上月更正期初余额",
    "save:beneficiaries": "保存名单",
    "admin:add_user": "新增用户",
    "admin:reset_password": "重设密码",
    "change_password": "本人修改密码",
    "admin:deactivate": "停用账号",
    "admin:assign": "调整负责的村和角色",
    "admin:add_township": "新增乡镇/街道",
    "admin:add_village": "新增村/社区",
    "admin:add_grid": "新增网格",
    "admin:grid_active": "启用或停用网格",
    "admin:deadline": "设置公开期限",
    **{f"save:{key}": f"保存{label}" for key, (_, label, _) in SECTIONS.items()},
}


def _local(at: datetime) -> str:
    # SQLite hands back naive datetimes; they were stored in UTC.
    utc = at if at.tzinfo else at.replace(tzinfo=UTC)
    return utc.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


ROLE_LABELS = {
    Role.admin: "管理员",
    Role.township: "乡镇干部",
    Role.clerk: "文书",
    Role.supervisor: "监督委员",
    Role.grid: "网格员",
}
_STATUS_WORDS = {"draft": "草稿", "submitted": "待审核", "approved": "已审核待公开", "published": "已公开"}


def _when(at: datetime) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(SHANGHAI)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _detail(action: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed, in words: never raw data (a 核验码 is shortened, lists are counted)."""
    parts = []
    if "status" in after:
        parts.append(
            f"状态：{_STATUS_WORDS.get(before.get('status', ''), '')} → {_STATUS_WORDS.get(after['status'], '')}"
        )
    if after.get("version"):
        parts.append(f"第 {after['version']} 版")
    if after.get("hash"):
        parts.append(f"核验码 {after['hash'][:12]}")
    for key, label in (("comment", "意见"), ("reason", "更正说明")):
        if after.get(key):
            parts.append(f"{label}：{after[key]}")
    if action.startswith("save:") and "rows" in after:
        parts.append(f"{before.get('rows', 0)} 行 → {after['rows']} 行")
        if "amount_fen" in after:
            parts.append(
                f"金额合计 {format_yuan(int(before.get('amount_fen', 0)))} → {format_yuan(int(after['amount_fen']))}"
            )
    if after.get("summary"):
        parts.append(str(after["summary"]))
    return "；".join(parts)


def _load(text: str) -> dict[str, Any]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def audit_rows(
    session: Session,
    *,
    user: User,
    village: Village | None = None,
    period: str | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Newest first; only villages the user may see (admin: all, incl. entries without a village)."""
    query = select(AuditLog).order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).limit(limit)
    allowed = visible_village_ids(session, user)
    if village is not None:
        query = query.where(AuditLog.village_id == village.id)
    if allowed is not None:
        query = query.where(col(AuditLog.village_id).in_(allowed or {-1}))
    if period:
        query = query.where(AuditLog.period == check_period(period))
    entries = list(session.exec(query))
    names = {
        v.id: v.name
        for v in session.exec(
            select(Village).where(col(Village.id).in_({e.village_id for e in entries if e.village_id} or {-1}))
        )
    }
    people = {
        u.username: u
        for u in session.exec(select(User).where(col(User.username).in_({e.username for e in entries} or {""})))
    }
    rows = []
    for e in entries:
        who = people.get(e.username)
        person = f"{ROLE_LABELS[who.role]} {who.display_name or who.username}" if who else e.username
        label = ACTION_LABELS.get(e.action, e.action)
        month = period_label(e.period) if e.period else ""
        before, after = _load(e.before_json), _load(e.after_json)
        rows.append(
            {
                "at": _local(e.at),
                "username": e.username,
                "action": e.action,
                "action_label": label,
                "village": names.get(e.village_id, ""),
                "period": e.period,
                "entity": e.entity,
                "sentence": " ".join(x for x in (_when(e.at), person, label, names.get(e.village_id, ""), month) if x),
                "detail": _detail(e.action, before, after),
            }
        )
    return rows
