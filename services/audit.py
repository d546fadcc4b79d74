"""操作日志: the audit rows a staff user may read."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from board.audit import record
from board.audit_query import audit_rows
from board.auth import get_user
from board.villages import get_village
from infra.db import transaction, unit_of_work
from models import User


def audit_log(engine: Engine, username: str, *, village_code: str | None, period: str | None) -> list[dict]:
    with unit_of_work(engine) as session:
        village = get_village(session, village_code) if village_code else None
        return audit_rows(session, user=get_user(session, username), village=village, period=period)


UNKNOWN_USER = "（未知用户名）"


def record_refusal(
    engine: Engine,
    *,
    username: str,
    action: str,
    entity: str,
    after: dict[str, str],
    typed: dict[str, str] | None = None,
    operator: bool = False,
) -> None:
    """A refused action, audited in its own transaction so it stays although nothing else was saved.

    ``username`` (unless it is the server's ``operator``) and the ``typed`` names are kept only when
    they are accounts: a wrong one may be a password typed into the wrong box, and many read the log."""
    with transaction(engine) as session:

        def shown(name: str) -> str:
            known = session.exec(select(User.username).where(User.username == name)).first() is not None
            return name[:50] if known else UNKNOWN_USER

        record(
            session,
            username=username[:50] if operator else shown(username),
            action=action,
            entity=entity,
            after={**after, **{key: shown(name) for key, name in (typed or {}).items()}},
        )
