"""Review-publish workflow: draft → submitted → approved → published, amendments after.

# 村务监督委员会 = supervision committee; it approves or sends back a submitted month.
Each function runs inside the caller's unit of work and commits nothing itself, so a
refused step leaves the database untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from board import audit
from board.auth import require, require_own_password
from board.balance import ACCOUNT_LABELS
from board.errors import BoardError, ConflictError, PermissionDenied, Problem
from board.money import format_yuan
from board.periods import period_label, shift_period
from board.privacy import text_problems
from board.records import (
    find_period,
    get_or_create_period,
    load_records,
    require_period,
)
from board.snapshot import (
    build_content,
    latest_chain_head,
    latest_snapshot,
    seal_snapshot,
)
from board.validation import entered_balances, published_accounts, validate_period
from models import Account, AccountBalance, Period, PeriodStatus, PublishedPeriod, Role, User, Village, row_id, utcnow

log = logging.getLogger(__name__)

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
    if committee_only(step) and user.role != Role.supervisor:
        # An administrator may do everything else, but the committee's review is what residents trust.
        raise PermissionDenied(
            f"“{rule.label}”是村务监督委员会的职责，须由监督委员会成员本人操作，管理员不能代为审核", field="操作人"
        )
    if committee_only(step):
        require_own_password(user, f"进行“{rule.label}”")
    row = require_period(session, village, period)
    _expect(row, *rule.statuses)
    return row


def allowed_steps(role: Role, status: PeriodStatus) -> list[str]:
    """Steps a role may take on a month in ``status``."""
    return [
        name
        for name, rule in STEPS.items()
        if status in rule.statuses and (role in rule.roles or (role == Role.admin and not committee_only(name)))
    ]


def _advance(session: Session, period: Period, user: User, step: str, **extra: Any) -> None:
    """Move the month to the step's target status."""
    _change_status(session, period, user, step, STEPS[step].target, **extra)


def _change_status(session: Session, period: Period, user: User, action: str, to: PeriodStatus, **extra: Any) -> None:
    """Set the month's status, bump its version and audit the change under ``action``."""
    before = period.status.value
    period.status = to
    period.row_version += 1
    period.updated_at = utcnow()
    session.add(period)
    audit.record(
        session,
        username=user.username,
        action=action,
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
    """Send a month to review; a changed closing balance also corrects the later public months (``_carry_into``)."""
    row = _submit_month(session, village=village, period=period, user=user, now=now)
    month = row
    while (target := _carry_into(session, village, month, user)) is not None:
        with _for_month(target.period):
            month = _submit_month(session, village=village, period=target.period, user=user, now=now)
    return row


def _submit_month(
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
    """Approve a month, and the later months whose corrections it carries (reviewed together)."""
    row = _approve_month(session, village=village, period=period, user=user, comment=comment, now=now)
    for month in _carried_months(session, village, period):
        if month.status == PeriodStatus.submitted:
            with _for_month(month.period):
                _approve_month(session, village=village, period=month.period, user=user, comment=comment, now=now)
    return row


def _approve_month(
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
    """Publish the approved month and the later months corrected with it, all in this transaction or none.

    ``now`` (here and in the other steps) lets the demo give its history realistic dates.
    """
    snapshot = _publish_month(session, village=village, period=period, user=user, now=now)
    for month in _carried_chain(session, village, period):
        with _for_month(month.period):
            _publish_month(session, village=village, period=month.period, user=user, now=now)
    return snapshot


def _publish_month(
    session: Session, *, village: Village, period: str, user: User, now: datetime | None = None
) -> PublishedPeriod:
    """Freeze the approved month into a new chained snapshot version."""
    # Serialise publishes per village on PostgreSQL, so each one chains onto the newest head.
    session.exec(select(Village.id).where(Village.id == village.id).with_for_update()).one()
    row = _begin(session, "publish", village, period, user)
    records = load_records(session, village, row)
    problems = validate_period(session, records, publishing=True)
    if problems:
        raise BoardError(problems)
    previous = latest_snapshot(session, row_id(village), period)
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
    head = latest_chain_head(session, row_id(village))
    prev_hash = head.content_hash if head else ""
    canonical, content_hash = seal_snapshot(
        content, village_code=village.code, period=period, version=version, published_at=now, prev_hash=prev_hash
    )
    snapshot = PublishedPeriod(
        village_id=row_id(village),
        period=period,
        version=version,
        amendment_reason=content["amendment_reason"],
        content_json=canonical,
        content_hash=content_hash,
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
    log.info(
        "publish: %s %s version %d hash %s by %s",
        village.code,
        period,
        version,
        snapshot.content_hash[:12],
        user.username,
    )
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


def committee_only(step: str) -> bool:
    """A step that is the 村务监督委员会's alone, which an operator on the server may not take for it."""
    return STEPS[step].roles == (Role.supervisor,)


def run_step(
    session: Session, *, village: Village, period: str, user: User, step: str, comment: str = ""
) -> Period | PublishedPeriod:
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


# ---- Months in order, and corrections carried forward ------------------------------------------
# A month's closing balance is the next month's opening. A correction that changes a closing opens
# corrections of the later public months with the new openings carried in; they are reviewed with it
# and go public with it in one transaction. Publishing itself is held in order by ``validate_period``.

CARRY_REASON = "因{month}更正，期初余额随之更正"


@contextmanager
def _for_month(period: str) -> Iterator[None]:
    """A refusal in a month carried along names that month."""
    try:
        yield
    except BoardError as exc:
        problems = [Problem(p.row, f"{period_label(period)}·{p.field}", p.message) for p in exc.problems]
        raise type(exc)(problems) from exc


def _openings(session: Session, row: Period) -> dict[str, int]:
    return {account: opening for account, (opening, _) in entered_balances(session, row).items()}


def _closings(session: Session, row: Period) -> dict[str, int]:
    return {account: closing for account, (_, closing) in entered_balances(session, row).items()}


def _carried_months(session: Session, village: Village, period: str) -> list[Period]:
    """The later months, in order, whose pending corrections change their public opening: they go with ``period``."""
    chain: list[Period] = []
    while True:
        period = shift_period(period, 1)
        row = find_period(session, village, period)
        published = published_accounts(session, row_id(village), period) if row is not None else None
        if row is None or published is None or row.status == PeriodStatus.published:
            return chain
        openings = _openings(session, row)
        if all(openings[account] == published.get(account, (0, 0))[0] for account in openings):
            return chain
        chain.append(row)


def _carried_chain(session: Session, village: Village, period: str) -> list[Period]:
    """The months to publish after ``period``, each approved; the public month after them must follow on."""
    chain = _carried_months(session, village, period)
    for row in chain:
        if row.status != PeriodStatus.approved:
            raise BoardError(
                f"{period_label(row.period)}的月初余额随{period_label(period)}更正，须与它一起公开，"
                f"但还是“{STATUS_LABELS[row.status]}”：请先提交并审核通过{period_label(row.period)}",
                field="月份",
            )
    last = chain[-1] if chain else require_period(session, village, period)
    after = shift_period(last.period, 1)
    published = published_accounts(session, row_id(village), after)
    if published is None:
        return chain
    closings = _closings(session, last)
    for account, closing in closings.items():
        opening = published.get(account, (0, 0))[0]
        if opening != closing:
            raise BoardError(
                f"{period_label(after)}已公开的{ACCOUNT_LABELS[account]}月初余额 {format_yuan(opening)} "
                f"与{period_label(last.period)}的月末余额 {format_yuan(closing)} 不一致："
                f"请先对{period_label(after)}提出更正，接上这个余额后一起公开",
                field=f"{ACCOUNT_LABELS[account]}·月初余额",
            )
    return chain


def _carry_into(session: Session, village: Village, source: Period, user: User) -> Period | None:
    """After ``source`` is submitted: carry its closing into the next public month if that month's opening differs.

    A public month gets a correction (``amend_period``) and one under review goes back to draft; both
    are returned to be submitted with ``source``. A correction the clerk is still editing only gets the
    new opening and is returned as None: its own submission carries on from there.
    """
    month = shift_period(source.period, 1)
    target = find_period(session, village, month)
    if target is None or published_accounts(session, row_id(village), month) is None:
        return None
    closings = _closings(session, source)
    if _openings(session, target) == closings:
        return None
    note = CARRY_REASON.format(month=period_label(source.period))
    editing = target.status == PeriodStatus.draft
    if target.status == PeriodStatus.published:
        with _for_month(month):
            amend_period(session, village=village, period=month, user=user, reason=note)
    else:
        target.submitted_by = target.submitted_at = target.approved_by = target.approved_at = None
        if note not in target.amendment_reason:
            target.amendment_reason = "；".join(r for r in (target.amendment_reason.strip(), note) if r)
        _change_status(session, target, user, "carry", PeriodStatus.draft, reason=target.amendment_reason)
    _carry_openings(session, target, closings, user)
    return None if editing else target


def _carry_openings(session: Session, target: Period, openings: dict[str, int], user: User) -> None:
    """Set each account's opening; its closing and the stated month-end balance move by the same amount, as the
    month's lines are unchanged (so the carried month still reconciles, and the reviewers see the change)."""
    rows = {
        b.account.value: b for b in session.exec(select(AccountBalance).where(AccountBalance.period_id == target.id))
    }
    before = {account: [b.opening_fen, b.closing_fen] for account, b in rows.items()}
    for account, opening in openings.items():
        row = rows.get(account)
        if row is None:
            if opening == 0:
                continue
            row = rows[account] = AccountBalance(period_id=row_id(target), account=Account(account))
        row.closing_fen += opening - row.opening_fen
        if row.statement_fen is not None:
            row.statement_fen += opening - row.opening_fen
        row.opening_fen = opening
        session.add(row)
    target.row_version += 1  # a form opened before the carry must not save over it
    target.updated_at = utcnow()
    session.add(target)
    audit.record(
        session,
        username=user.username,
        action="save:balances",
        village_id=target.village_id,
        period=target.period,
        entity="balances",
        entity_id=target.id,
        before=before,
        after={account: [b.opening_fen, b.closing_fen] for account, b in rows.items()},
    )
    session.flush()
