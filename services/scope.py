"""What a staff user may choose from: the townships and villages their account covers."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.auth import get_user, visible_townships, visible_villages
from infra.db import unit_of_work


def township_choices(engine: Engine, username: str) -> dict[str, str]:
    """Code → name of the townships the user may see."""
    with unit_of_work(engine) as session:
        return {t.code: t.name for t in visible_townships(session, get_user(session, username))}


def village_choices(engine: Engine, username: str) -> dict[str, str]:
    """Code → name of the villages the user may see."""
    with unit_of_work(engine) as session:
        return {v.code: v.name for v in visible_villages(session, get_user(session, username))}
