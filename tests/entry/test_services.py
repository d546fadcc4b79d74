"""Workflow dispatch through the STEPS table, and the services' unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from board.auth import get_user
from board.errors import BoardError
from board.records import find_period
from board.villages import add_village, get_village
from board.workflow import STEPS, run_step
from infra.db import transaction, unit_of_work
from models import AuditLog, PeriodStatus, PublishedPeriod, Village
from services import workflow
from tests.entry.conftest import enter_month, ledger_line

PERIOD = "2026-03"


def _status(engine) -> PeriodStatus:
    with unit_of_work(engine) as session:
        return find_period(session, get_village(session, "V1"), PERIOD).status


def _count(engine, model) -> int:
    with unit_of_work(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def month(village_setup):
    engine, _ = village_setup
    with unit_of_work(engine) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        enter_month(
            session, village, clerk, PERIOD, opening=100_000, lines=[ledger_line(date(2026, 3, 2), "电费", 500)]
        )
        session.commit()
    return engine


def test_every_step_reaches_the_status_its_table_row_names(month):
    path = [
        ("submit", "clerk1", ""),
        ("reject", "sup1", "请补充发票"),
        ("submit", "clerk1", ""),
        ("approve", "sup1", "同意"),
        ("publish", "sup1", ""),
        ("amend", "clerk1", "摘要写错了"),
    ]
    for step, username, comment in path:
        done = workflow.take_step(month, "V1", PERIOD, username, step, comment)
        assert done.status == STEPS[step].target == _status(month)
        assert done.label == STEPS[step].label
    with unit_of_work(month) as session:
        actions = [a.action for a in session.exec(select(AuditLog).where(AuditLog.entity == "period"))]
        assert actions[-len(path) :] == [step for step, _, _ in path]
        period = find_period(session, get_village(session, "V1"), PERIOD)
        # Each step's handler did its own part: the comments landed where the table says.
        assert period.amendment_reason == "摘要写错了" and period.rejection_comment == ""


def test_publish_through_the_service_returns_the_version_and_hash(month):
    workflow.submit(month, "V1", PERIOD, "clerk1")
    workflow.approve(month, "V1", PERIOD, "sup1")
    done = workflow.publish(month, "V1", PERIOD, "sup1")
    with unit_of_work(month) as session:
        stored = session.exec(select(PublishedPeriod)).one()
    assert (done.version, done.content_hash) == (1, stored.content_hash)


def test_unknown_step_is_refused(month):
    with unit_of_work(month) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        with pytest.raises(BoardError, match="未知的操作"):
            run_step(session, village=village, period=PERIOD, user=clerk, step="delete")


def test_a_refused_step_saves_nothing(month):
    workflow.submit(month, "V1", PERIOD, "clerk1")
    audits = _count(month, AuditLog)
    with pytest.raises(BoardError, match="退回时请写明原因"):
        workflow.reject(month, "V1", PERIOD, "sup1", "  ")
    with pytest.raises(BoardError):
        workflow.publish(month, "V1", PERIOD, "sup1")  # not approved yet
    assert _status(month) == PeriodStatus.submitted
    assert _count(month, AuditLog) == audits


def test_transaction_commits_on_success_and_rolls_back_on_any_error(engine):
    with transaction(engine) as session:
        add_village(session, code="K1", name="留下村", township_code="T9")
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            add_village(session, code="K2", name="撤回村", township_code="T9")
            session.flush()  # written to the database inside the transaction, then thrown away
            raise RuntimeError("boom")
    with unit_of_work(engine) as session:
        assert [v.code for v in session.exec(select(Village).order_by(Village.code))] == ["K1"]
