"""按时公开情况: a township's month checked against the deadline and against its catalogue."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from board.compliance import CatalogueRow, ComplianceRow, catalogue_report, compliance_report
from infra.db import transaction, unit_of_work


def deadline_report(
    engine: Engine, township_code: str, period: str, *, today: date, deadline_day: int
) -> list[ComplianceRow]:
    """Each village of the township: published or not, and whether by the deadline."""
    with unit_of_work(engine) as session:
        return compliance_report(
            session, township_code=township_code, period=period, today=today, deadline_day=deadline_day
        )


def catalogue_check(engine: Engine, township_code: str, period: str, *, today: date) -> list[CatalogueRow]:
    """Every catalogue item of every village for the month; keeps the coverage index it builds."""
    with transaction(engine) as session:
        return catalogue_report(session, township_code=township_code, period=period, today=today)
