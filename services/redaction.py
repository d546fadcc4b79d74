"""依法隐去: an admin and a supervision-committee member withdraw one part of a published version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from board.auth import get_user
from board.commitment import REDACTED
from board.policy import today_shanghai
from board.redaction import redact_version
from board.villages import get_village
from infra.db import unit_of_work
from models import OutboxMessage, OutboxStatus, utcnow

UNSENT = ("pending", "retry", "manual_pending")


def _distinctive(text: str) -> bool:
    """Long enough to replace inside a message without hitting other words or amounts."""
    return len(text) >= 6 or (len(text) >= 2 and not text.isascii())


def redact_part(
    engine: Engine,
    *,
    village_code: str,
    period: str,
    version: int,
    part_id: str,
    reason: str,
    admin: str,
    supervisor: str,
    now: datetime | None = None,
) -> str:
    """Hide one part of a published version everywhere; the version's hash (unchanged unless re-anchored).

    Outbox messages of that version hold copies of the old text: it is replaced there too, and
    those still waiting are withdrawn (marked failed), so a new ``push`` sends the redacted digest.
    """
    now = now or utcnow()
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        done = redact_version(
            session,
            village=village,
            period=period,
            version=version,
            part_id=part_id,
            reason=reason,
            admin=get_user(session, admin),
            supervisor=get_user(session, supervisor),
            today=today_shanghai(now),
        )
        copies = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.village_id == village.id,
                OutboxMessage.period == period,
                OutboxMessage.snapshot_version == version,
            )
        ).all()
        for message in copies:
            for text in filter(_distinctive, done.texts):
                message.payload = message.payload.replace(text, REDACTED)
            if message.status in UNSENT:
                message.status, message.last_error = OutboxStatus.failed, "内容已依法隐去，未发送"
            message.updated_at = now
            session.add(message)
        content_hash = done.row.content_hash
        session.commit()
    return content_hash
