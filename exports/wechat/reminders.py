"""Reminders to village staff through the WeCom outbox: request deadlines and late catalogue items.

They go to the village's staff group: its grid named ``工作人员`` on a robot or app-chat
channel (``python -m board grid add --village C --name 工作人员 --channel robot …``).
``push --due`` delivers them with everything else.  No reminder names the resident or
shows the phone.

The outbox treats rows sharing (channel, target, village, period, version) as parts of one
message, so a reminder uses its own ``period`` tag and puts what makes it unique (the
request and stage, or the month judged) in the version slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from board.compliance import VERDICT_LABELS, CatalogueRow, catalogue_report
from board.privacy import mask_text
from board.requests import calendar_for, refresh_open_deadlines
from exports.wechat.outbox import enqueue, idempotency_key, new_row, target_ref
from infra.db import unit_of_work
from models import Channel, Grid, InfoRequest, MessageKind, OutboxMessage, Role, User, UserVillage, Village, row_id

STAFF_GRID_NAME = "工作人员"
REMINDER_CHANNELS = (Channel.robot, Channel.appchat)
REQUEST_TAG = "依申请"
CATALOGUE_TAG = "目录"
BEFORE_WORKDAYS = 3


@dataclass(frozen=True)
class ReminderReport:
    queued: int  # outbox rows stored now (a repeat run stores none)
    due: int  # reminders that were due today
    no_group: list[str]  # villages with reminders but no staff group


def _staff_grids(session, village_id: int) -> list[Grid]:
    return list(
        session.exec(
            select(Grid).where(
                Grid.village_id == village_id,
                Grid.name == STAFF_GRID_NAME,
                Grid.active == True,  # noqa: E712
                col(Grid.channel).in_(REMINDER_CHANNELS),
            )
        )
    )


def _clerks(session, village_id: int) -> str:
    names = session.exec(
        select(User.display_name)
        .join(UserVillage, col(UserVillage.user_id) == User.id)
        .where(UserVillage.village_id == village_id, User.role == Role.clerk, User.active == True)  # noqa: E712
        .order_by(User.display_name)
    ).all()
    return "、".join(names) or "本村文书"


def _row(grid: Grid, *, village_id: int, tag: str, version: int, text: str, now: datetime) -> dict:
    key = idempotency_key(grid.channel, target_ref(grid), village_id, tag, version, MessageKind.text, 1)
    return new_row(
        grid,
        key=key,
        village_id=village_id,
        period=tag,
        version=version,
        kind=MessageKind.text,
        part_no=1,
        part_total=1,
        payload=text,
        now=now,
    )


def request_reminder_text(request: InfoRequest, village: Village, clerks: str, left: int) -> str:
    when = "今天到期" if left == 0 else (f"已逾期 {-left} 个工作日" if left < 0 else f"还剩 {left} 个工作日")
    return (
        f"【居民申请提醒】{village.name}：{request.kind}「{mask_text(request.subject)}」"
        f"（查询码 {request.code}）答复期限 {request.due_on}，{when}。请{clerks}及时答复。"
    )


def queue_request_reminders(engine: Engine, *, today: date, now: datetime) -> ReminderReport:
    """3 working days before the deadline, and on the day (or at the first run after either)."""
    rows, due, no_group = [], 0, set()
    with unit_of_work(engine) as session:
        refresh_open_deadlines(session)  # a calendar file may have changed since
        session.commit()
        open_requests = session.exec(
            select(InfoRequest, Village)
            .join(Village, col(Village.id) == InfoRequest.village_id)
            .where(InfoRequest.status != "replied", col(InfoRequest.due_on).is_not(None))
        ).all()
        for request, village in open_requests:
            if request.due_on is None:  # the query leaves these out; this tells the type checker
                continue
            left = calendar_for(session, village).workdays_between(today, request.due_on)
            if left > BEFORE_WORKDAYS:
                continue
            stage = 1 if left <= 0 else 0
            due += 1
            grids = _staff_grids(session, row_id(village))
            if not grids:
                no_group.add(village.name)
            text = request_reminder_text(request, village, _clerks(session, row_id(village)), left)
            rows += [
                _row(
                    g,
                    village_id=row_id(village),
                    tag=REQUEST_TAG,
                    version=row_id(request) * 2 + stage,
                    text=text,
                    now=now,
                )
                for g in grids
            ]
    before = _count(engine)
    enqueue(engine, rows)
    return ReminderReport(_count(engine) - before, due, sorted(no_group))


def queue_catalogue_reminders(
    engine: Engine, *, township_code: str, period: str, today: date, now: datetime
) -> ReminderReport:
    """One message per village listing its late or missing catalogue items for the month."""
    with unit_of_work(engine) as session:
        report = catalogue_report(session, township_code=township_code, period=period, today=today)
        session.commit()
        late: dict[str, list[CatalogueRow]] = {}
        for row in report:
            if row["verdict"] in ("late", "missing"):
                late.setdefault(row["village"], []).append(row)
        rows, no_group = [], []
        for code, items in late.items():
            village = session.exec(select(Village).where(Village.code == code)).one()
            grids = _staff_grids(session, row_id(village))
            if not grids:
                no_group.append(village.name)
            listed = "；".join(f"{r['item']}（{VERDICT_LABELS[r['verdict']]}，期限 {r['deadline']}）" for r in items)
            text = f"【公开目录提醒】{village.name} {period}：{listed}。请{_clerks(session, row_id(village))}尽快公开。"
            rows += [
                _row(
                    g,
                    village_id=row_id(village),
                    tag=CATALOGUE_TAG,
                    version=int(period.replace("-", "")),
                    text=text,
                    now=now,
                )
                for g in grids
            ]
    before = _count(engine)
    enqueue(engine, rows)
    return ReminderReport(_count(engine) - before, len(late), sorted(no_group))


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage)).one()
