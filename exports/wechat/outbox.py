"""The push outbox: every part of every push is a row, sent once, in order, with a retry policy.

Enqueue is ``INSERT … ON CONFLICT DO NOTHING`` on the idempotency key, so enqueuing the
same thing twice (or from two processes at once) sends it once.  Sending claims a row
with a conditional UPDATE, calls the channel outside any transaction, then records the
outcome.  A part waits until the previous part of its message is sent.  ``now`` is passed
in, so retry timing is tested without sleeping.

Every status change follows ``TRANSITIONS`` (checked in ``move``; the two bulk UPDATEs,
claim and stale recovery, select only rows the table lets move): pending → sending →
sent | retry | failed | ambiguous | manual_pending; manual_pending → manual_done for the
manual share and for customer-group tasks the worker confirms.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from board import audit
from board.auth import get_user, require
from board.digest import build_digest, digest_parts
from board.errors import BoardError
from board.links import board_url
from board.periods import period_label
from board.public_record import PublicRecord
from exports.wechat.channels import (
    DEFAULT_TIMEOUT,
    RATE_LIMITED,
    ROBOT_PER_MINUTE,
    AppChatChannel,
    ChannelError,
    CustomerGroupChannel,
    RobotWebhookChannel,
    SendResult,
)
from exports.wechat.grids import CHANNELS
from exports.wechat.scrub import describe_error, scrub
from infra.db import transaction, unit_of_work
from infra.settings import Settings
from models import Channel, Grid, MessageKind, OutboxMessage, OutboxStatus, Role, Village, row_id

log = logging.getLogger(__name__)

S = OutboxStatus
STATUS_LABELS = {
    S.pending: "待发送",
    S.sending: "发送中",
    S.sent: "已发送",
    S.retry: "等待重试",
    S.failed: "失败",
    S.ambiguous: "结果不确定",
    S.manual_pending: "待转发",
    S.manual_done: "已转发",
}
KIND_LABELS = {
    MessageKind.text: "文字",
    MessageKind.file: "PDF 文件",
    MessageKind.task: "群发任务",
    MessageKind.share: "转发包",
}
# The outbox's state machine: the statuses each status may change to, and nothing else.
TRANSITIONS: dict[OutboxStatus, frozenset[OutboxStatus]] = {
    S.pending: frozenset({S.sending}),
    S.retry: frozenset({S.sending, S.pending}),  # a person may resend before the next automatic try
    S.sending: frozenset({S.sent, S.retry, S.failed, S.ambiguous, S.manual_pending}),
    S.failed: frozenset({S.pending}),  # a person resends
    S.ambiguous: frozenset({S.pending, S.sent}),  # a person resends, or saw it arrive
    S.manual_pending: frozenset({S.manual_done}),
    S.sent: frozenset(),
    S.manual_done: frozenset(),
}
DUE = tuple(status for status, targets in TRANSITIONS.items() if S.sending in targets)
MAX_ATTEMPTS = 5
STALE_SENDING = timedelta(minutes=15)
RATE_WAIT_S = 65  # WeCom blocks for 60 s after 45009
RATE_REPEAT_WAIT_S = 3600  # a second 45009 in a row: the hourly limit
CORP_ID_NAME = "WECOM_CORP_ID"  # env var / secrets entry with the corp id for appchat and customer groups
PDF_MIME = "application/pdf"
STAFF_ROLES = (Role.grid, Role.clerk)  # who may resend, confirm or mark forwarded (admin always may)

_rng = random.Random()
# SQLModel sets __table__ on every table class but does not declare it.
_OUTBOX_TABLE = cast(Table, OutboxMessage.__table__)  # type: ignore[attr-defined]


def idempotency_key(
    channel: str, target_ref: str, village_id: int, period: str, version: int, kind: str, part_no: int
) -> str:
    raw = "|".join([channel, target_ref, str(village_id), period, str(version), kind, str(part_no)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def target_ref(grid: Grid) -> str:
    """Where a grid's messages go: a robot or chat two grids share receives each message once."""
    if grid.channel == Channel.robot:
        return grid.key_ref
    if grid.channel == Channel.appchat:
        return grid.chat_id
    return f"grid:{grid.id}"


def pdf_file_name(snapshot: PublicRecord) -> str:
    return f"{snapshot.village.name}{period_label(snapshot.period)}三务公开.pdf"[:200]


def plan_messages(
    grid: Grid, snapshot: PublicRecord, *, village_id: int, base_url: str, pdf: bytes | None, now: datetime
) -> list[dict]:
    """The outbox rows of one grid's push of one snapshot (not yet stored)."""
    version = snapshot.version
    link = board_url(base_url, snapshot.village.code, snapshot.period, version=version)
    if grid.channel == Channel.manual:
        items = [(MessageKind.share, "", "", "")]
    elif grid.channel == Channel.customer_group:
        text = build_digest(snapshot, base_url=base_url, short=True)
        title = f"{snapshot.village.name}{period_label(snapshot.period)}三务公开"
        items = [
            (MessageKind.task, json.dumps({"text": text, "title": title, "url": link}, ensure_ascii=False), "", "")
        ]
    else:
        items = [(MessageKind.text, part, "", "") for part in digest_parts(snapshot, base_url=base_url)]
        if pdf:
            items.append(
                (
                    MessageKind.file,
                    base64.b64encode(pdf).decode("ascii"),
                    pdf_file_name(snapshot),
                    hashlib.sha256(pdf).hexdigest(),
                )
            )
    ref = target_ref(grid)
    return [
        new_row(
            grid,
            key=idempotency_key(grid.channel, ref, village_id, snapshot.period, version, kind, n),
            village_id=village_id,
            period=snapshot.period,
            version=version,
            kind=kind,
            part_no=n,
            part_total=len(items),
            payload=payload,
            file_name=file_name,
            file_sha256=sha,
            now=now,
        )
        for n, (kind, payload, file_name, sha) in enumerate(items, start=1)
    ]


def new_row(
    grid: Grid,
    *,
    key: str,
    village_id: int,
    period: str,
    version: int,
    kind: str,
    part_no: int,
    part_total: int,
    payload: str,
    now: datetime,
    explainer_id: int | None = None,
    file_name: str = "",
    file_sha256: str = "",
) -> dict:
    """One outbox row, not yet stored: every push (digest, 政策问答, reminder) plans its parts as these."""
    return {
        "idempotency_key": key,
        "grid_id": grid.id,
        "village_id": village_id,
        "period": period,
        "snapshot_version": version,
        "explainer_id": explainer_id,
        "channel": grid.channel,
        "target_ref": target_ref(grid),
        "kind": kind,
        "part_no": part_no,
        "part_total": part_total,
        "payload": payload,
        "file_name": file_name,
        "file_sha256": file_sha256,
        "status": S.manual_pending if grid.channel == Channel.manual else S.pending,
        "attempts": 0,
        "next_attempt_at": None,
        "last_errcode": None,
        "last_error": "",
        "provider_ref": "",
        "created_at": now,
        "updated_at": now,
        "sent_at": None,
    }


_MESSAGE_FIELDS = ("channel", "target_ref", "village_id", "period", "snapshot_version", "explainer_id")


def _message_key(row: dict[str, Any] | OutboxMessage) -> tuple[Any, ...]:
    """One message: a snapshot (or 政策问答) version sent to one destination (its parts share this)."""
    if isinstance(row, dict):
        return tuple(row[f] for f in _MESSAGE_FIELDS)
    return tuple(getattr(row, f) for f in _MESSAGE_FIELDS)


def _rows_of(key: tuple[Any, ...]) -> SelectOfScalar[int | None]:
    channel, ref, village_id, period, version, explainer_id = key
    return select(col(OutboxMessage.id)).where(
        OutboxMessage.channel == channel,
        OutboxMessage.target_ref == ref,
        OutboxMessage.village_id == village_id,
        OutboxMessage.period == period,
        OutboxMessage.snapshot_version == version,
        col(OutboxMessage.explainer_id).is_(None)
        if explainer_id is None
        else OutboxMessage.explainer_id == explainer_id,
    )


def move(row: OutboxMessage, to: OutboxStatus) -> None:
    """Change a row's status, refusing any change the outbox's state machine does not allow."""
    if to not in TRANSITIONS[row.status]:
        raise BoardError(f"推送记录不能从“{STATUS_LABELS[row.status]}”变为“{STATUS_LABELS[to]}”", field="推送记录")
    row.status = to


def enqueue(engine: Engine, rows: list[dict]) -> list[int]:
    """Store planned rows in their own transaction; ids in the planned order."""
    with transaction(engine) as session:
        return enqueue_rows(session, rows)


def enqueue_rows(session: Session, rows: list[dict]) -> list[int]:
    """Store planned rows in the caller's unit of work; ids in the planned order.

    A message that already has rows is left as it is and its stored rows are returned:
    re-planning after the text changed (another part count) must not mix old and new
    parts or send the PDF twice.  Part 1 decides: whoever inserts it stores the other
    parts in the same transaction; everyone else reuses them.
    """
    if not rows:
        return []
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    messages: dict[tuple, list[dict]] = {}
    for row in rows:
        messages.setdefault(_message_key(row), []).append(row)
    ids: list[int] = []
    for key, parts in messages.items():
        parts = sorted(parts, key=lambda r: r["part_no"])
        first = (
            insert(_OUTBOX_TABLE)
            .values(parts[0])
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(_OUTBOX_TABLE.c.id)
        )
        if session.execute(first).first() is not None and parts[1:]:
            session.execute(
                insert(_OUTBOX_TABLE).values(parts[1:]).on_conflict_do_nothing(index_elements=["idempotency_key"])
            )
        ids += [i for i in session.exec(_rows_of(key).order_by(col(OutboxMessage.part_no))).all() if i is not None]
    return ids


def claim(engine: Engine, message_id: int, now: datetime) -> bool:
    """Mark a due row as sending; False if another worker has it or it is not due."""
    statement = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status).in_(DUE),
            or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
        )
        .values(status=S.sending, attempts=OutboxMessage.attempts + 1, updated_at=now)
    )
    with unit_of_work(engine) as session:
        claimed = cast(CursorResult[Any], session.execute(statement)).rowcount == 1
        session.commit()
    return claimed


def retry_delay(result: SendResult, attempts: int, previous_errcode: int | None) -> float:
    """Seconds until the next attempt: the rate-limit wait, the channel's hint, or backoff with jitter."""
    if result.errcode == RATE_LIMITED:
        base = RATE_REPEAT_WAIT_S if previous_errcode == RATE_LIMITED else RATE_WAIT_S
        return base + _rng.uniform(0, 10)
    if result.retry_after_s is not None:
        return result.retry_after_s
    base = 5 * 2 ** max(attempts - 1, 0)
    return base + _rng.uniform(0, base / 2)


@dataclass(frozen=True)
class _Target:
    grid: Grid
    channel: Any  # RobotWebhookChannel, AppChatChannel or CustomerGroupChannel; None when ``error`` says why
    error: SendResult | None


class _Channels:
    """Channel objects for one run, built from each grid's key reference at send time."""

    def __init__(self, engine: Engine, settings: Settings, timeout):
        self._engine, self._settings, self._timeout = engine, settings, timeout
        self._cache: dict[tuple[int, str], _Target] = {}

    def for_row(self, grid: Grid, channel: str) -> _Target:
        key = (row_id(grid), channel)
        if key not in self._cache:
            try:
                self._cache[key] = _Target(grid, self._build(grid, channel), None)
            except ChannelError as err:
                self._cache[key] = _Target(grid, None, err.result)
        return self._cache[key]

    def _secret(self, name: str, what: str) -> str:
        value = self._settings.secret(name) if name else None
        if not value:
            raise ChannelError(
                SendResult(S.failed, None, f"找不到{what}：请在环境变量或 secrets.toml 中设置 {name or '（未填写）'}")
            )
        return value

    def _build(self, grid: Grid, channel: str):
        base = self._settings.wecom_api_base
        if channel == Channel.robot:
            return RobotWebhookChannel(
                api_base=base, key=self._secret(grid.key_ref, "群机器人 key"), timeout=self._timeout
            )
        kwargs = dict(
            api_base=base,
            corp_id=self._secret(CORP_ID_NAME, "企业 ID"),
            secret=self._secret(grid.key_ref, "应用密钥"),
            secret_name=grid.key_ref,
            timeout=self._timeout,
        )
        if channel == Channel.appchat:
            return AppChatChannel(self._engine, **kwargs)
        return CustomerGroupChannel(self._engine, **kwargs)


def _deliver(target: _Target, row: OutboxMessage) -> SendResult:
    if target.error is not None:
        return target.error
    grid, channel = target.grid, target.channel
    if row.kind == MessageKind.text:
        if row.channel == Channel.robot:
            return channel.send_text(row.payload)
        return channel.send_text(grid.chat_id, row.payload)
    if row.kind == MessageKind.file:
        data = base64.b64decode(row.payload)
        if hashlib.sha256(data).hexdigest() != row.file_sha256:
            return SendResult(S.failed, None, "待发送的文件与登记的校验码不符，请重新推送")
        if row.channel == Channel.robot:
            return channel.send_file(row.file_name, data, PDF_MIME)
        return channel.send_file(grid.chat_id, row.file_name, data, PDF_MIME)
    task = json.loads(row.payload)
    chat_ids = [c.strip() for c in grid.chat_id.split(",") if c.strip()]
    return channel.create_task(
        sender=grid.sender, chat_ids=chat_ids, text=task["text"], title=task["title"], url=task["url"]
    )


def _robot_wait(engine: Engine, row: OutboxMessage, now: datetime) -> datetime | None:
    """When a robot may send again, if it already sent its 20 messages in the last minute."""
    with unit_of_work(engine) as session:
        recent = session.exec(
            select(OutboxMessage.sent_at)
            .where(
                OutboxMessage.channel == Channel.robot,
                OutboxMessage.target_ref == row.target_ref,
                OutboxMessage.status == S.sent,
                col(OutboxMessage.sent_at) > now - timedelta(seconds=60),
            )
            .order_by(col(OutboxMessage.sent_at).desc())
        ).all()
    if len(recent) < ROBOT_PER_MINUTE:
        return None
    oldest = recent[ROBOT_PER_MINUTE - 1]
    return None if oldest is None else oldest + timedelta(seconds=60)


def _record(engine: Engine, message_id: int, result: SendResult, now: datetime) -> OutboxMessage:
    with unit_of_work(engine) as session:
        row = _get_message(session, message_id)
        previous_errcode = row.last_errcode
        row.updated_at = now
        row.last_errcode = result.errcode
        row.last_error = result.error[:500]
        row.next_attempt_at = None
        outcome = OutboxStatus(result.status)
        if outcome == S.sent:
            row.sent_at, row.provider_ref = now, result.provider_ref
            if row.kind == MessageKind.file:
                row.payload = ""  # the bytes are delivered; the checksum stays as the record
        elif outcome == S.manual_pending:
            row.provider_ref = result.provider_ref
        elif outcome == S.retry and row.attempts >= MAX_ATTEMPTS:
            outcome = S.failed
            row.last_error = f"已尝试{row.attempts}次仍未成功：{result.error}"[:500]
        elif outcome == S.retry:
            row.next_attempt_at = now + timedelta(seconds=retry_delay(result, row.attempts, previous_errcode))
        move(row, outcome)
        session.add(row)
        session.commit()
        return row


def _previous_parts_sent(engine: Engine, row: OutboxMessage) -> bool:
    with unit_of_work(engine) as session:
        blocking = session.exec(
            _rows_of(_message_key(row)).where(col(OutboxMessage.part_no) < row.part_no, OutboxMessage.status != S.sent)
        ).first()
    return blocking is None


def recover_stale(engine: Engine, now: datetime) -> int:
    """Rows left ``sending`` by a process that died mid-send: nobody knows if they arrived."""
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == S.sending, col(OutboxMessage.updated_at) < now - STALE_SENDING)
        .values(status=S.ambiguous, updated_at=now, last_error="发送过程中断，结果不确定，请到群里确认")
    )
    with unit_of_work(engine) as session:
        count = cast(CursorResult[Any], session.execute(statement)).rowcount
        session.commit()
    return count


def send_due(
    engine: Engine, *, now: datetime, settings: Settings, timeout=DEFAULT_TIMEOUT, only_ids: list[int] | None = None
) -> list[int]:
    """Send every due row (or only ``only_ids``), parts in order; returns the ids attempted."""
    recover_stale(engine, now)
    query = select(OutboxMessage).where(
        col(OutboxMessage.status).in_(DUE),
        or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
    )
    if only_ids is not None:
        query = query.where(col(OutboxMessage.id).in_(only_ids))
    with unit_of_work(engine) as session:
        rows = list(session.exec(query.order_by(col(OutboxMessage.id))))
        grids = {g.id: g for g in session.exec(select(Grid).where(col(Grid.id).in_({r.grid_id for r in rows})))}
    groups: dict[tuple[Any, ...], list[OutboxMessage]] = {}
    for row in rows:
        groups.setdefault(_message_key(row), []).append(row)
    channels = _Channels(engine, settings, timeout)
    attempted: list[int] = []
    for group in groups.values():
        for row in sorted(group, key=lambda r: r.part_no):
            if not _previous_parts_sent(engine, row):
                break
            if row.channel == Channel.robot:
                wait_until = _robot_wait(engine, row, now)
                if wait_until is not None:
                    _defer(engine, row_id(row), wait_until, now)
                    break
            if not claim(engine, row_id(row), now):
                break
            attempted.append(row_id(row))
            try:
                result = _deliver(channels.for_row(grids[row.grid_id], row.channel), row)
            except Exception as exc:  # our own bug mid-send: the group may or may not have it
                result = SendResult(S.ambiguous, None, f"发送时出现程序错误，结果不确定：{describe_error(exc)}")
            status = _record(engine, row_id(row), result, now).status
            log.info("push: message %d to grid %d by %s: %s", row.id, row.grid_id, row.channel, status)
            if status != S.sent:
                break
    return attempted


def _defer(engine: Engine, message_id: int, until: datetime, now: datetime) -> None:
    with unit_of_work(engine) as session:
        row = _get_message(session, message_id)
        row.next_attempt_at, row.updated_at = until, now
        row.last_error = "群机器人每分钟最多发 20 条，稍后自动发送"
        session.add(row)
        session.commit()


def _get_message(session: Session, message_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise BoardError(f"没有编号为 {message_id} 的推送记录", field="推送记录")
    return row


def _staff_action(session, row: OutboxMessage, username: str, action: str, before: str) -> None:
    """Only the village's grid workers and clerks (looked up afresh: a demoted user is refused); audited."""
    village = session.get(Village, row.village_id)
    require(session, get_user(session, username), village, *STAFF_ROLES)
    audit.record(
        session,
        username=username,
        action=action,
        village_id=row.village_id,
        period=row.period,
        entity="outbox",
        entity_id=row.id,
        before={"status": before},
        after={"status": row.status, "channel": row.channel, "part": f"{row.part_no}/{row.part_total}"},
    )


def requeue(session: Session, message_id: int, now: datetime, *, by: str) -> OutboxMessage:
    """A person asks to send a failed or uncertain row again (a fresh set of attempts)."""
    row = _get_message(session, message_id)
    if S.pending not in TRANSITIONS[row.status]:
        raise BoardError(f"这条记录现在是“{STATUS_LABELS[row.status]}”，不能重发", field="推送记录")
    before = row.status
    move(row, S.pending)
    row.attempts, row.next_attempt_at, row.updated_at = 0, None, now
    _staff_action(session, row, by, "wechat:resend", before)
    session.add(row)
    return row


def message_group(session: Session, message_id: int) -> list[int]:
    """Ids of every part of the message ``message_id`` belongs to."""
    rows = session.exec(_rows_of(_message_key(_get_message(session, message_id)))).all()
    return [i for i in rows if i is not None]


# What a person's confirmation means: an uncertain send arrived; a manual forward or a
# customer-group task the grid worker confirmed in WeCom is done.
CONFIRMED = {S.ambiguous: S.sent, S.manual_pending: S.manual_done}


def confirm_delivered(session: Session, message_id: int, *, by: str, now: datetime) -> None:
    """A person saw the message in the group (or sent the task in WeCom)."""
    row = _get_message(session, message_id)
    before = row.status
    if before not in CONFIRMED:
        raise BoardError(f"这条记录现在是“{STATUS_LABELS[row.status]}”，无需确认", field="推送记录")
    move(row, CONFIRMED[before])
    row.sent_at, row.updated_at = now, now
    row.provider_ref = f"{row.provider_ref} 确认人:{scrub(by)}".strip()[:100]
    _staff_action(session, row, by, "wechat:confirm", before)
    session.add(row)


def message_rows(
    engine: Engine,
    *,
    ids: list[int] | None = None,
    village_id: int | None = None,
    period: str | None = None,
    explainer_id: int | None = None,
) -> list[dict]:
    """Outbox rows as plain dicts for pages and the CLI (never the file bytes)."""
    query = select(OutboxMessage, Grid.name).join(Grid, col(Grid.id) == OutboxMessage.grid_id, isouter=True)
    if ids is not None:
        query = query.where(col(OutboxMessage.id).in_(ids))
    if explainer_id is not None:
        query = query.where(OutboxMessage.explainer_id == explainer_id)
    if village_id is not None:
        query = query.where(OutboxMessage.village_id == village_id)
    if period is not None:
        query = query.where(OutboxMessage.period == period)
    with unit_of_work(engine) as session:
        found = session.exec(
            query.order_by(
                col(OutboxMessage.period).desc(),
                col(OutboxMessage.grid_id),
                col(OutboxMessage.snapshot_version),
                col(OutboxMessage.part_no),
            )
        ).all()
    return [
        {
            "id": m.id,
            "grid": grid_name or "",
            "channel": m.channel,
            "channel_label": CHANNELS.get(m.channel, m.channel),
            "period": m.period,
            "version": m.snapshot_version,
            "explainer_id": m.explainer_id,
            "kind": m.kind,
            "kind_label": KIND_LABELS.get(m.kind, m.kind),
            "part_no": m.part_no,
            "part_total": m.part_total,
            "file_name": m.file_name,
            "status": m.status,
            "status_label": "待网格员在企业微信确认发送"
            if m.channel == Channel.customer_group and m.status == S.manual_pending
            else STATUS_LABELS.get(m.status, m.status),
            "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at,
            "errcode": m.last_errcode,
            "error": m.last_error,
            "sent_at": m.sent_at,
            "provider_ref": m.provider_ref,
        }
        for m, grid_name in found
    ]
