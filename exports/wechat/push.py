"""Push a published month's digest (and its PDF where the channel takes files) to a village's grids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from board.errors import BoardError
from board.public import published_snapshot, verified_snapshot
from board.public_record import PublicRecord
from board.snapshot import latest_snapshot
from board.villages import get_village
from exports.pdf import render_pdf
from exports.wechat.channels import DEFAULT_TIMEOUT
from exports.wechat.grids import village_grids
from exports.wechat.outbox import enqueue, message_rows, plan_messages, send_due, target_ref
from infra.db import unit_of_work
from infra.settings import Settings
from models import Channel, Grid, OutboxMessage, OutboxStatus, PublishedPeriod, Village, row_id

FILE_CHANNELS = (Channel.robot, Channel.appchat)
# ``push --due`` picks up every month whose newest version was published this recently
# (not a village's whole history the day its grids are registered).
NEW_PUBLICATION_DAYS = 35


@dataclass(frozen=True)
class PushReport:
    rows: list[dict]

    def with_status(self, *statuses: str) -> list[dict]:
        return [r for r in self.rows if r["status"] in statuses]

    @property
    def failed(self) -> list[dict]:
        return self.with_status(OutboxStatus.failed)


def _plan_for_grids(
    grids: list[Grid], snapshot: PublicRecord, village_id: int, settings: Settings, now: datetime
) -> list[dict]:
    pdf = None
    if any(g.channel in FILE_CHANNELS for g in grids):
        pdf = render_pdf(snapshot, base_url=settings.public_base_url)
    rows: list[dict] = []
    for grid in grids:
        rows += plan_messages(
            grid,
            snapshot,
            village_id=village_id,
            base_url=settings.public_base_url,
            pdf=pdf if grid.channel in FILE_CHANNELS else None,
            now=now,
        )
    return rows


def push_period(
    engine: Engine,
    *,
    village_code: str,
    period: str,
    grid_name: str | None = None,
    now: datetime,
    settings: Settings,
    timeout=DEFAULT_TIMEOUT,
) -> PushReport:
    """Enqueue the month's newest published version for the village's grids and send it."""
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        snapshot = published_snapshot(session, village, period)
        grids = village_grids(session, village, grid_name)
    if not grids:
        raise BoardError(f"{village.name}还没有登记网格，请先用 grid add 登记", field="网格")
    ids = enqueue(engine, _plan_for_grids(grids, snapshot, row_id(village), settings, now))
    send_due(engine, now=now, settings=settings, timeout=timeout, only_ids=ids)
    return PushReport(message_rows(engine, ids=ids))


def _new_publications(engine: Engine, now: datetime) -> list[tuple[int, PublicRecord, list[Grid]]]:
    """Every village-month whose newest version was published recently, for grids whose
    destination has no rows for that version yet: catch-up months and corrections
    (version 2 of an older month) are pushed too, oldest month first."""
    found: list[tuple[int, PublicRecord, list[Grid]]] = []
    with unit_of_work(engine) as session:
        recent = set(
            session.exec(
                select(PublishedPeriod.village_id, PublishedPeriod.period, PublishedPeriod.version).where(
                    PublishedPeriod.published_at >= now - timedelta(days=NEW_PUBLICATION_DAYS)
                )
            ).all()
        )
        for village_id, period in sorted({(v, p) for v, p, _ in recent}):
            row = latest_snapshot(session, village_id, period)
            if row is None or (village_id, period, row.version) not in recent:
                continue
            grids = list(session.exec(select(Grid).where(Grid.village_id == village_id, Grid.active == True)))  # noqa: E712
            done = set(
                session.exec(
                    select(OutboxMessage.channel, OutboxMessage.target_ref).where(
                        OutboxMessage.village_id == village_id,
                        OutboxMessage.period == period,
                        OutboxMessage.snapshot_version == row.version,
                    )
                ).all()
            )
            todo = [g for g in grids if (g.channel, target_ref(g)) not in done]
            if todo:
                village = session.get_one(Village, village_id)
                found.append((village_id, verified_snapshot(session, village, row), todo))
    return found


def push_due(engine: Engine, *, now: datetime, settings: Settings, timeout=DEFAULT_TIMEOUT) -> PushReport:
    """For cron: enqueue new publications, then send everything whose time has come."""
    new_ids: list[int] = []
    for village_id, snapshot, grids in _new_publications(engine, now):
        new_ids += enqueue(engine, _plan_for_grids(grids, snapshot, village_id, settings, now))
    attempted = send_due(engine, now=now, settings=settings, timeout=timeout)
    return PushReport(message_rows(engine, ids=sorted(set(new_ids) | set(attempted))))
