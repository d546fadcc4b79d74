"""What the public may read: published snapshots only, never draft tables."""

from __future__ import annotations

from sqlmodel import Session, select

from board.errors import BoardError
from board.periods import check_period
from board.snapshot import latest_snapshot, load_snapshot
from models import PublishedPeriod, Village


def published_periods(session: Session, village: Village) -> list[str]:
    """Published months of a village, newest first."""
    rows = session.exec(select(PublishedPeriod.period).where(PublishedPeriod.village_id == village.id).distinct()).all()
    return sorted(set(rows), reverse=True)


def published_versions(session: Session, village: Village, period: str) -> list[PublishedPeriod]:
    return list(
        session.exec(
            select(PublishedPeriod)
            .where(PublishedPeriod.village_id == village.id, PublishedPeriod.period == period)
            .order_by(PublishedPeriod.version)
        )
    )


def published_snapshot(
    session: Session, village: Village, period: str | None = None, *, version: int | None = None
) -> dict:
    """The snapshot of a month (default: the newest published month, newest version)."""
    if period is None:
        periods = published_periods(session, village)
        if not periods:
            raise BoardError(f"{village.name}还没有公开任何月份", field="月份")
        period = periods[0]
    check_period(period)
    if version is None:
        row = latest_snapshot(session, village.id, period)
    else:
        row = session.exec(
            select(PublishedPeriod).where(
                PublishedPeriod.village_id == village.id,
                PublishedPeriod.period == period,
                PublishedPeriod.version == version,
            )
        ).first()
    if row is None:
        raise BoardError(f"{village.name} {period} 还没有公开", field="月份")
    return load_snapshot(row)
