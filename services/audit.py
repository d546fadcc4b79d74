"""操作日志: the audit rows a staff user may read."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.audit_query import audit_rows
from board.auth import get_user
from board.villages import get_village
from infra.db import unit_of_work


def audit_log(engine: Engine, username: str, *, village_code: str | None, period: str | None) -> list[dict]:
    with unit_of_work(engine) as session:
        village = get_village(session, village_code) if village_code else None
        return audit_rows(session, user=get_user(session, username), village=village, period=period)
