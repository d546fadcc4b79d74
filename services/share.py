"""网格转发 actions: the share pack and push record to show, and the grid worker's buttons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from board.public import published_snapshot
from board.villages import get_village
from exports.wechat import outbox
from exports.wechat import share as wechat_share
from exports.wechat.channels import DEFAULT_TIMEOUT
from exports.wechat.share import SharePack, build_share_pack, grid_rows
from infra.db import transaction, unit_of_work
from infra.settings import Settings


def share_pack(engine: Engine, village_code: str, period: str, *, base_url: str) -> SharePack:
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, village_code), period)
    return build_share_pack(snapshot, base_url=base_url)


def share_status(engine: Engine, village_code: str, period: str) -> dict:
    """The village's grids, the month's outbox rows, and the render key of the month's newest version
    (a redaction changes it, not the hash: a page caching the share pack keys it by this)."""
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        grids = grid_rows(session, village)
        render_key = published_snapshot(session, village, period).render_key
    return {
        "grids": grids,
        "messages": outbox.message_rows(engine, village_id=village.id, period=period),
        "render_key": render_key,
    }


def mark_forwarded(
    engine: Engine, *, village_code: str, period: str, grid_id: int, by: str, base_url: str, now: datetime
) -> None:
    """“已转发” for a manual grid: stored and confirmed together, or not at all."""
    with transaction(engine) as session:
        wechat_share.mark_forwarded(
            session, village_code=village_code, period=period, grid_id=grid_id, by=by, base_url=base_url, now=now
        )


def confirm_delivered(engine: Engine, message_id: int, *, by: str, now: datetime) -> None:
    """“群里已收到” / “已在企业微信确认发送”."""
    with transaction(engine) as session:
        outbox.confirm_delivered(session, message_id, by=by, now=now)


def requeue(engine: Engine, message_id: int, now: datetime, *, by: str) -> None:
    """Queue a failed or uncertain row again, for the worker's next run."""
    with transaction(engine) as session:
        outbox.requeue(session, message_id, now, by=by)


def resend(
    engine: Engine, message_id: int, *, by: str, now: datetime, settings: Settings, timeout=DEFAULT_TIMEOUT
) -> None:
    """“重新发送”: the requeue is committed first, then the message is sent outside any transaction."""
    with transaction(engine) as session:
        outbox.requeue(session, message_id, now, by=by)
        group = outbox.message_group(session, message_id)
    outbox.send_due(engine, now=now, settings=settings, timeout=timeout, only_ids=group)
