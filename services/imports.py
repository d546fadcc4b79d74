"""Excel导入 for the staff page: read and check a file, then save it all or nothing — one unit of work each."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.auth import get_user
from board.importers import (
    ImportPreview,
    earlier_months,
    import_file,
    known_categories,
    preview_import,
    remembered_mapping,
)
from board.villages import get_village
from infra.db import transaction, unit_of_work


def remembered_columns(engine: Engine, village_code: str, kind: str) -> dict:
    """The column mapping the village's clerk chose last time for this kind of file ({} when none)."""
    with unit_of_work(engine) as session:
        return remembered_mapping(session, village=get_village(session, village_code), kind=kind) or {}


def preview(engine: Engine, village_code: str, kind: str, data: bytes, filename: str, *, period: str, mapping: dict):
    """What the file holds and every problem in it; nothing is saved."""
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        return preview_import(
            kind,
            data,
            filename,
            period=period,
            mapping=mapping,
            known_categories=known_categories(session, village),
            earlier=earlier_months(session, village=village, period=period),
        )


def save(
    engine: Engine,
    username: str,
    village_code: str,
    *,
    period: str,
    preview: ImportPreview,
    mapping: dict | None,
    expected_version: int,
    affair_id: int | None,
    affair_title: str | None,
) -> dict:
    """Import every row of a checked file into the month, or nothing."""
    with transaction(engine) as session:
        return import_file(
            session,
            village=get_village(session, village_code),
            period=period,
            user=get_user(session, username),
            preview=preview,
            mapping=mapping,
            expected_version=expected_version,
            affair_id=affair_id,
            affair_title=affair_title,
        )
