"""Township view: which villages published a month, and whether on time.

The deadline is local practice, not national law (disclosure-rules.md §2), so it is a
setting: the Nth day of the month after the period (``SANWU_DEADLINE_DAY``, default 10).
"""

from __future__ import annotations

import calendar
from datetime import date

from sqlmodel import Session, select

from board.periods import period_bounds, shift_period
from board.snapshot import SHANGHAI
from board.villages import get_township
from board.workflow import STATUS_LABELS
from models import Period, PublishedPeriod, Village

DEFAULT_DEADLINE_DAY = 10


def deadline_for(period: str, deadline_day: int = DEFAULT_DEADLINE_DAY) -> date:
    first, _ = period_bounds(shift_period(period, 1))
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(max(deadline_day, 1), last_day))


def compliance_report(
    session: Session, *, township_code: str, period: str, today: date, deadline_day: int = DEFAULT_DEADLINE_DAY
) -> list[dict]:
    """One row per village of the township: status, first publication date, lateness."""
    township = get_township(session, township_code)
    deadline = deadline_for(period, deadline_day)
    villages = session.exec(select(Village).where(Village.township_id == township.id).order_by(Village.code)).all()
    rows = []
    for village in villages:
        period_row = session.exec(
            select(Period).where(Period.village_id == village.id, Period.period == period)
        ).first()
        first_version = session.exec(
            select(PublishedPeriod)
            .where(PublishedPeriod.village_id == village.id, PublishedPeriod.period == period)
            .order_by(PublishedPeriod.version)
        ).first()
        published_on = first_version.published_at.astimezone(SHANGHAI).date() if first_version else None
        if published_on is not None:
            late_days = (published_on - deadline).days
            verdict = "按时公开" if late_days <= 0 else f"逾期 {late_days} 天公开"
        else:
            late_days = (today - deadline).days
            verdict = f"未公开，已逾期 {late_days} 天" if late_days > 0 else f"未公开，还剩 {-late_days} 天"
        rows.append(
            {
                "village": village.code,
                "village_name": village.name,
                "status": STATUS_LABELS[period_row.status] if period_row else "未开始",
                "published_on": published_on.isoformat() if published_on else "",
                "deadline": deadline.isoformat(),
                "on_time": published_on is not None and published_on <= deadline,
                "verdict": verdict,
            }
        )
    return rows
