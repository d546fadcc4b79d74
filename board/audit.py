"""Audit log: who changed what, when, before and after."""

from __future__ import annotations

import json

from sqlmodel import Session

from models import AuditLog


def dump(value: object) -> str:
    if value is None or value == "":
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    *,
    username: str,
    action: str,
    village_id: int | None = None,
    period: str = "",
    entity: str = "",
    entity_id: int | None = None,
    before: object = None,
    after: object = None,
) -> None:
    """Add an audit row to the caller's unit of work (committed with the change itself)."""
    session.add(
        AuditLog(
            username=username,
            action=action,
            village_id=village_id,
            period=period,
            entity=entity,
            entity_id=entity_id,
            before_json=dump(before),
            after_json=dump(after),
        )
    )
