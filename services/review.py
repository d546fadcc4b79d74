"""What the 审核与公开 page reads: the village's months and one month's full review."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.auth import get_user
from board.review import build_review, review_periods
from board.villages import get_village
from infra.db import unit_of_work


def review_months(engine: Engine, village_code: str, username: str) -> list[dict]:
    with unit_of_work(engine) as session:
        return review_periods(session, village=get_village(session, village_code), user=get_user(session, username))


def load_review(engine: Engine, village_code: str, period: str, username: str) -> dict:
    with unit_of_work(engine) as session:
        return build_review(
            session, village=get_village(session, village_code), period=period, user=get_user(session, username)
        )
