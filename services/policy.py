"""政策问答 actions for the staff page and the public board: one unit of work each (the push sends outside it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from board.auth import get_user, visible_village_ids
from board.policy import (
    ExplainerRow,
    _require_sees,
    _snapshot_fields,
    amend_explainer,
    approve_explainer,
    can_approve,
    create_explainer,
    explainer_villages,
    get_explainer,
    latest_version,
    list_explainers,
    load_version,
    public_explainers,
    update_explainer,
)
from board.villages import get_village
from exports.wechat.outbox import message_rows
from exports.wechat.policy_push import PushReport, push_explainer
from infra.db import transaction, unit_of_work
from infra.settings import Settings
from models import Role, Township, Village, row_id


def load_public_explainers(engine: Engine, village_code: str) -> list[dict]:
    """The board's 政策问答 for a village: approved versions only, newest number first."""
    with unit_of_work(engine) as session:
        return public_explainers(session, get_village(session, village_code))


def scope_choices(engine: Engine, username: str) -> dict:
    """What a user may write for: their villages (code → name) and, for township staff, their township."""
    with unit_of_work(engine) as session:
        user = get_user(session, username)
        ids = visible_village_ids(session, user)
        query = select(Village).order_by(Village.code)
        if ids is not None:
            query = query.where(col(Village.id).in_(ids or {-1}))
        villages = {v.code: v.name for v in session.exec(query)}
        township = session.get(Township, user.township_id) if user.township_id else None
        whole = {township.code: township.name} if township and user.role in (Role.township, Role.admin) else {}
    return {"villages": villages, "townships": whole}


def save_new_explainer(
    engine: Engine,
    username: str,
    *,
    fields: dict,
    township_code: str | None,
    village_codes: tuple[str, ...],
    source_name: str = "",
    source_file: bytes | None = None,
    source_text: str = "",
) -> int:
    with transaction(engine) as session:
        row = create_explainer(
            session,
            user=get_user(session, username),
            fields=fields,
            township_code=township_code,
            village_codes=village_codes,
            source_name=source_name,
            source_file=source_file,
            source_text=source_text,
        )
        return row_id(row)


def staff_explainers(engine: Engine, username: str) -> list[ExplainerRow]:
    with unit_of_work(engine) as session:
        return list_explainers(session, user=get_user(session, username))


def explainer_for_staff(engine: Engine, explainer_id: int, username: str) -> dict:
    """A draft's fields, its status, whether ``username`` may approve it, and its newest public version."""
    with unit_of_work(engine) as session:
        user = get_user(session, username)
        row = get_explainer(session, explainer_id)
        _require_sees(session, user, row)
        head = latest_version(session, explainer_id)
        return {
            "id": row.id,
            "status": row.status.value,
            "row_version": row.row_version,
            "fields": _snapshot_fields(row),
            "correction_note": row.correction_note,
            "created_by": row.created_by,
            "approve_refusal": can_approve(session, user, row),
            "public": load_version(session, head) if head else None,
            "villages": [v.code for v in explainer_villages(session, explainer_id)],
            "source_name": row.source_name,
        }


def save_explainer(engine: Engine, explainer_id: int, username: str, *, fields: dict, row_version: int) -> None:
    with transaction(engine) as session:
        update_explainer(
            session, explainer_id, user=get_user(session, username), fields=fields, row_version=row_version
        )


def approve(engine: Engine, explainer_id: int, username: str, *, row_version: int) -> dict:
    with transaction(engine) as session:
        version = approve_explainer(session, explainer_id, user=get_user(session, username), row_version=row_version)
        return load_version(session, version)


def correct(engine: Engine, explainer_id: int, username: str, note: str) -> None:
    with transaction(engine) as session:
        amend_explainer(session, explainer_id, user=get_user(session, username), note=note)


def push(engine: Engine, explainer_id: int, *, now: datetime, settings: Settings) -> PushReport:
    """Queue the newest approved version for its grids (committed), then send what is due."""
    return push_explainer(engine, explainer_id, now=now, settings=settings)


def push_record(engine: Engine, explainer_id: int) -> list[dict]:
    """The explainer's outbox rows, for the page's push table."""
    return message_rows(engine, explainer_id=explainer_id)
