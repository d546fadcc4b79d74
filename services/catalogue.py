"""公开目录 (三项清单): read a township's catalogue, replace it from the grid or from Excel."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.auth import get_user
from board.catalogue import catalogue_rows, read_workbook, replace_catalogue
from board.villages import get_township
from infra.db import transaction, unit_of_work


def load_catalogue(engine: Engine, township_code: str) -> list[dict]:
    with unit_of_work(engine) as session:
        return catalogue_rows(session, get_township(session, township_code))


def save_catalogue(engine: Engine, township_code: str, username: str, rows: list[dict]) -> int:
    """Replace the whole catalogue with ``rows``; the number of items saved."""
    with transaction(engine) as session:
        return replace_catalogue(
            session, township=get_township(session, township_code), rows=rows, user=get_user(session, username)
        )


def import_catalogue(engine: Engine, township_code: str, username: str, data: bytes) -> int:
    """Replace the whole catalogue with an Excel file's rows (checked before anything is saved)."""
    return save_catalogue(engine, township_code, username, read_workbook(data))
