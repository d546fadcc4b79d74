"""Texts for the 朗读 button (条例 §43: residents who do not read easily can listen instead)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.digest import spoken_summary
from board.public import published_snapshot
from board.villages import get_village
from infra.db import unit_of_work


def month_speech(engine: Engine, village_code: str, period: str) -> str:
    """The month's short plain-language summary without its link (nobody wants a URL read out)."""
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, village_code), period)
    return spoken_summary(snapshot)
