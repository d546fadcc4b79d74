"""What the public may read: published snapshots only, never draft tables, each verified first.

Every public output (board, kiosk, static pages, PDF, downloads, digest, push, read-aloud)
reads a month through ``published_snapshot``, which checks the stored document against its
hash and its link to the version before it.  A failure raises ``IntegrityFailure`` (whose
message replaces the figures) and is logged.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlmodel import Session, col, select

from board.commitment import utc_iso
from board.errors import BoardError, IntegrityFailure
from board.lru import LRU
from board.periods import check_period
from board.public_record import PublicRecord
from board.snapshot import chain_head_hash, latest_snapshot, load_snapshot, published_version, row_problems
from models import PublishedPeriod, Village, row_id

logger = logging.getLogger(__name__)
# Versions found intact, with their parsed record, keyed by everything the check and the parse read
# (a changed text or column is a new key, checked afresh): a repeat read costs one SHA-256 of the
# stored text and two one-row queries instead of the Merkle tree and the parse.  Weighed by stored
# text, since a parsed record takes about ten times its text in memory (~80 MB at most).
_verified: LRU[tuple[Any, ...], PublicRecord] = LRU(entries=128, max_weight=8_000_000)


def published_periods(session: Session, village: Village) -> list[str]:
    """Published months of a village, newest first."""
    rows = session.exec(select(PublishedPeriod.period).where(PublishedPeriod.village_id == village.id).distinct()).all()
    return sorted(set(rows), reverse=True)


def published_versions(session: Session, village: Village, period: str) -> list[PublishedPeriod]:
    return list(
        session.exec(
            select(PublishedPeriod)
            .where(PublishedPeriod.village_id == village.id, PublishedPeriod.period == period)
            .order_by(col(PublishedPeriod.version))
        )
    )


def published_snapshot(
    session: Session, village: Village, period: str | None = None, *, version: int | None = None
) -> PublicRecord:
    """The snapshot of a month (default: the newest published month, newest version)."""
    if period is None:
        periods = published_periods(session, village)
        if not periods:
            raise BoardError(f"{village.name}还没有公开任何月份", field="月份")
        period = periods[0]
    check_period(period)
    if version is None:
        row = latest_snapshot(session, row_id(village), period)
    else:
        row = published_version(session, row_id(village), period, version)
    if row is None:
        raise BoardError(f"{village.name} {period} 还没有公开", field="月份")
    return verified_snapshot(session, village, row)


def _link_problem(session: Session, row: PublishedPeriod) -> str | None:
    """The version published just before this one (in the village's chain) must be the one it names."""
    before = session.exec(
        select(PublishedPeriod.content_hash)
        .where(PublishedPeriod.village_id == row.village_id, col(PublishedPeriod.id) < row_id(row))
        .order_by(col(PublishedPeriod.id).desc())
        .limit(1)
    ).first()
    if (before or "") == row.prev_hash:
        return None
    # The old row before it may have been re-anchored (board/redaction.py): the new one stands in for it.
    stand_in = session.exec(
        select(PublishedPeriod.id).where(
            PublishedPeriod.village_id == row.village_id,
            PublishedPeriod.anchor_hash == row.prev_hash,
            PublishedPeriod.anchor_prev == (before or ""),
        )
    ).first()
    if stand_in is None:
        return f"{row.period} 第{row.version}版：链条断开，前一版的核验码不符"
    return None


def _verification_key(village: Village, row: PublishedPeriod) -> tuple[Any, ...]:
    return (
        row.id,
        row.content_hash,
        row.prev_hash,
        row.anchor_hash,
        row.anchor_prev,
        village.code,
        row.period,
        row.version,
        utc_iso(row.published_at),
        hashlib.sha256(row.content_json.encode()).digest(),
    )


def verified_snapshot(session: Session, village: Village, row: PublishedPeriod) -> PublicRecord:
    """The record of a stored version, after checking it; ``IntegrityFailure`` if it does not hold."""
    key = _verification_key(village, row)
    cached = record = _verified.get(key)
    problems = [] if record is not None else row_problems(row, village.code)
    link = _link_problem(session, row)  # rows around it may go, whatever this one's text
    if link:
        problems.append(link)
    if record is None and not problems:
        try:
            record = load_snapshot(row)
        except ValueError:  # pydantic's ValidationError too: a document the record cannot read
            problems.append(f"{row.period} 第{row.version}版：内容无法读取")
    if problems:
        # Labels and hashes only: the document itself may hold what the failure is about.
        logger.error("核验失败 village=%s hash=%s: %s", village.code, row.content_hash[:12], "; ".join(problems))
        raise IntegrityFailure()
    assert record is not None  # read above, or a problem was raised
    if cached is None:
        _verified.put(key, record, weight=len(row.content_json))
    head = chain_head_hash(session, row.village_id)
    assert head is not None  # ``row`` itself is in the chain
    # The cached record is shared: the chain head of this read goes on a copy of it.
    shown = record.model_copy()
    shown._chain_head = head
    return shown
