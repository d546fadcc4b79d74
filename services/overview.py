"""月份总览: every month of a village with its status and totals."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from board.overview import periods_overview
from board.villages import get_village
from infra.db import unit_of_work


def village_overview(engine: Engine, village_code: str, *, reviewer: bool = False) -> list[dict]:
    with unit_of_work(engine) as session:
        return periods_overview(session, get_village(session, village_code), reviewer=reviewer)
