"""Review-publish workflow: draft → submitted → approved → published, amendments after.

# 村务监督委员会 = supervision committee; it approves or sends back a submitted month.
Each function runs inside the caller's unit of work and commits nothing itself, so a
refused step leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from board import audit
from board.auth import require
from board.errors import BoardError, ConflictError, Problem
from board.privacy import text_problems
from board.records import get_or_create_period, load_records, require_period
from board.snapshot import (
    build_content,
    canonical_json,
    latest_chain_head,
    latest_snapshot,
    snapshot_hash,
)
from board.validation import validate_period
from models import Period, PeriodStatus, PublishedPeriod, Role, User, Village, utcnow

STATUS_LABELS = {
    PeriodStatus.draft: "草稿",
    PeriodStatus.submitted: "待审核",
    PeriodStatus.approved: "已审核待公开",
    PeriodStatus.published: "已公开",
}


def _expect(period: Period, *statuses: PeriodStatus) -> None:
    if period.status not in statuses:
        wanted = "或".join(STATUS_LABELS[s] for s in statuses)
        raise BoardError(
            f"{period.period} 当前是“{STATUS_LABELS[period.status]}”，只有“{wanted}”状态才能进行此操作",
            field="状态",
        )


def _begin(session: Session, step: str, village: Village, period: str, user: User) -> Period:
    """Check the role and the month's status for ``step``; the month row to change."""
    rule = STEPS[step]
    require(session, user, village, *rule.roles)
    row = require_period(session, village, period)
    _expect(row, *rule.statuses)
    return row


def allowed_steps(role: Role, status: PeriodStatus) -> list[str]:
    """Steps a role may take on a month in ``status``."""
    return [
        name for name, rule in STEPS.items() if status in rule.statuses and (role in rule.roles or role == Role.admin)
    ]


def _advance(session: Session, period: Period, user: User, step: str, **extra) -> None:
    """Move the month to the step's target status, bump its version and audit the change."""
    before = period.status.value
    period.status = STEPS[step].target
    period.row_version += 1
    period.updated_at = utcnow()
    session.add(period)
    audit.record(
        session,
        username=user.username,
        action=step,
        village_id=period.village_id,
        period=period.period,
        entity="period",
        entity_id=period.id,
        before={"status": before},
        after={"status": period.status.value, **extra},
    )


def ensure_valid(session: Session, village: Village, period: Period) -> None:
    problems = validate_period(session, load_records(session, village, period))
    if problems:
        raise BoardError(problems)


def submit_period(
    session: Session, *, village: Village, period: str, user: User, now: datetime | None = None
) -> Period:
    row = _begin(session, "submit", village, period, user)
    ensure_valid(session, village, row)
    row.submitted_by, row.submitted_at = user.username, now or utcnow()
    row.rejection_comment = ""
    _advance(session, row, user, "submit")
    return row


def approve_period(
    session: Session, *, village: Village, period: str, user: User, comment: str = "", now: datetime | None = None
) -> Period:
    row = _begin(session, "approve", village, period, user)
    ensure_valid(session, village, row)
    row.approved_by, row.approved_at = user.username, now or utcnow()
    _advance(session, row, user, "approve", comment=comment)
    return row


def reject_period(session: Session, *, village: Village, period: str, user: User, comment: str) -> Period:
    row = _begin(session, "reject", village, period, user)
    if not (comment or "").strip():
        raise BoardError("退回时请写明原因，方便文书修改", field="退回意见")
    row.rejection_comment = comment.strip()
    row.approved_by = row.approved_at = None
    _advance(session, row, user, "reject", comment=row.rejection_comment)
    return row


def publish_period(
    session: Session, *, village: Village, period: str, user: User, now: datetime | None = None
) -> PublishedPeriod:
    """Freeze the approved month into a new chained snapshot version.

    ``now`` (here and in the other steps) lets the demo give its history realistic dates.
    """
    # Serialise publishes per village on PostgreSQL, so each one chains onto the newest head.
    session.exec(select(Village.id).where(Village.id == village.id).with_for_update()).one()
    row = _begin(session, "publish", village, period, user)
    records = load_records(session, village, row)
    problems = validate_period(session, records)
    if problems:
        raise BoardError(problems)
    previous = latest_snapshot(session, village.id, period)
    version = previous.version + 1 if previous else 1
    reason = row.amendment_reason.strip()
    if version > 1 and not reason:
        raise BoardError("更正版必须写明更正说明", field="更正说明")
    now = now or utcnow()
    content = build_content(
        session,
        records,
        version=version,
        published_at=now,
        published_by=user.username,
        amendment_reason=reason if version > 1 else "",
    )
    canonical = canonical_json(content)
    head = latest_chain_head(session, village.id)
    prev_hash = head.content_hash if head else ""
    snapshot = PublishedPeriod(
        village_id=village.id,
        period=period,
        version=version,
        amendment_reason=content["amendment_reason"],
        content_json=canonical,
        content_hash=snapshot_hash(canonical, prev_hash),
        prev_hash=prev_hash,
        published_by=user.username,
        published_at=now,
    )
    session.add(snapshot)
    row.published_at = now
    row.amendment_reason = ""
    _advance(session, row, user, "publish", version=version, hash=snapshot.content_hash)
    try:
        session.flush()
    except IntegrityError:
        # The chain's unique successor rule caught a concurrent publish (SQLite has no row locks).
        raise ConflictError("刚才有人同时公开了本村的数据，这次公开没有保存，请重新点“公开”。", field="公开") from None
    return snapshot


def amend_period(session: Session, *, village: Village, period: str, user: User, reason: str) -> Period:
    """Reopen a published month as a draft for a correction; the old version stays public."""
    row = _begin(session, "amend", village, period, user)
    if not (reason or "").strip():
        raise BoardError("请写明更正说明（为什么要更正），它会随更正版一起公开", field="更正说明")
    problems = text_problems(reason)
    if problems:
        raise BoardError([Problem(0, "更正说明", p) for p in problems])
    row.amendment_reason = reason.strip()
    row.submitted_by = row.submitted_at = row.approved_by = row.approved_at = None
    _advance(session, row, user, "amend", reason=row.amendment_reason)
    return row


def open_period(session: Session, *, village: Village, period: str, user: User) -> Period:
    """The month a clerk starts entering (created as a draft when new)."""
    require(session, user, village, Role.clerk)
    return get_or_create_period(session, village, period)


@dataclass(frozen=True)
class Step:
    roles: tuple[Role, ...]  # admin may take every step
    statuses: tuple[PeriodStatus, ...]  # the month must be in one of these
    label: str
    target: PeriodStatus  # the month's status after the step
    handler: Callable[..., Period | PublishedPeriod]
    comment_as: str | None = None  # the handler's keyword that receives the page's comment


# Who may take which step from which status, where it leads and what does it: the workflow
# enforces it, pages offer buttons from it, run_step dispatches through it.
STEPS: dict[str, Step] = {
    "submit": Step((Role.clerk,), (PeriodStatus.draft,), "提交审核", PeriodStatus.submitted, submit_period),
    "approve": Step(
        (Role.supervisor,), (PeriodStatus.submitted,), "审核通过", PeriodStatus.approved, approve_period, "comment"
    ),
    "reject": Step(
        (Role.supervisor,),
        (PeriodStatus.submitted, PeriodStatus.approved),
        "退回修改",
        PeriodStatus.draft,
        reject_period,
        "comment",
    ),
    "publish": Step(
        (Role.supervisor, Role.clerk), (PeriodStatus.approved,), "公开", PeriodStatus.published, publish_period
    ),
    "amend": Step((Role.clerk,), (PeriodStatus.published,), "提出更正", PeriodStatus.draft, amend_period, "reason"),
}


def run_step(session: Session, *, village: Village, period: str, user: User, step: str, comment: str = ""):
    """One workflow step by name, with the comment as 审核意见, 退回意见 or 更正说明."""
    rule = STEPS.get(step)
    if rule is None:
        raise BoardError(f"未知的操作“{step}”", field="操作")
    extra = {rule.comment_as: comment} if rule.comment_as else {}
    return rule.handler(session, village=village, period=period, user=user, **extra)


def ensure_editable(period: Period, *, expected_version: int | None = None) -> None:
    """Drafts only; with ``expected_version`` also the optimistic check against a stale form."""
    if period.status != PeriodStatus.draft:
        raise BoardError(
            f"{period.period} 是“{STATUS_LABELS[period.status]}”状态，不能修改；"
            + ("已公开的月份请先提出更正" if period.status == PeriodStatus.published else "请先退回为草稿"),
            field="状态",
        )
    if expected_version is not None and expected_version != period.row_version:
        raise ConflictError("这个月的数据刚被别人修改过，您的修改没有保存。请刷新后重新录入您的改动。", field="版本")
