"""The grid worker's share pack (digest parts to copy, the PDF, the board QR) and the “已转发” record."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import qrcode
from qrcode.image.pil import PilImage
from sqlmodel import Session

from board.auth import get_user, require
from board.digest import build_digest, digest_parts
from board.errors import BoardError
from board.links import board_url
from board.periods import period_label
from board.public import published_snapshot
from board.public_record import PublicRecord
from board.villages import get_village
from exports.pdf import render_pdf
from exports.wechat.grids import CHANNELS, village_grids
from exports.wechat.outbox import STAFF_ROLES, confirm_delivered, enqueue_rows, pdf_file_name, plan_messages
from models import Channel, OutboxMessage, OutboxStatus, Village, row_id


@dataclass(frozen=True)
class SharePack:
    title: str
    period: str
    version: int
    parts: list[str]  # chat-sized, each with its (i/n) header when there are several
    short: str
    link: str
    qr_png: bytes
    pdf: bytes
    pdf_name: str


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(link, image_factory=PilImage, box_size=8, border=2).save(buffer, format="PNG")
    return buffer.getvalue()


def build_share_pack(snapshot: PublicRecord, *, base_url: str) -> SharePack:
    link = board_url(base_url, snapshot.village.code, snapshot.period, version=snapshot.version)
    return SharePack(
        title=f"{snapshot.village.name} {period_label(snapshot.period)}",
        period=snapshot.period,
        version=snapshot.version,
        parts=digest_parts(snapshot, base_url=base_url),
        short=build_digest(snapshot, base_url=base_url, short=True),
        link=link,
        qr_png=qr_png(link),
        pdf=render_pdf(snapshot, base_url=base_url),
        pdf_name=pdf_file_name(snapshot),
    )


def grid_rows(session: Session, village: Village) -> list[dict]:
    """The village's grids as plain rows (manual ones can be marked forwarded)."""
    return [
        {"id": g.id, "name": g.name, "worker": g.worker, "channel": g.channel, "channel_label": CHANNELS[g.channel]}
        for g in village_grids(session, village)
    ]


def mark_forwarded(
    session: Session, *, village_code: str, period: str, grid_id: int, by: str, base_url: str, now: datetime
) -> None:
    """“已转发”: record that the grid worker ``by`` forwarded this month's pack to a manual grid."""
    village = get_village(session, village_code)
    require(session, get_user(session, by), village, *STAFF_ROLES)
    snapshot = published_snapshot(session, village, period)
    grid = next((g for g in village_grids(session, village) if g.id == grid_id), None)
    if grid is None or grid.channel != Channel.manual:
        raise BoardError("只有“手动转发”的网格需要点“已转发”", field="网格")
    (message_id,) = enqueue_rows(
        session, plan_messages(grid, snapshot, village_id=row_id(village), base_url=base_url, pdf=None, now=now)
    )
    message = session.get(OutboxMessage, message_id)
    if message is not None and message.status == OutboxStatus.manual_pending:
        confirm_delivered(session, message_id, by=by, now=now)
