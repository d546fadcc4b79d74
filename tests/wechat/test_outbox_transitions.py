"""The outbox's state machine is a table, and every status change is checked against it."""

from __future__ import annotations

import itertools

import pytest

from board.errors import BoardError
from exports.wechat.outbox import DUE, TRANSITIONS, enqueue, message_rows, move, plan_messages, send_due
from models import OutboxMessage, OutboxStatus
from services.share import confirm_delivered, requeue
from tests.helpers import as_record
from tests.wechat.conftest import FAST, NOW

S = OutboxStatus
ALLOWED = [
    (a, b) for a, targets in TRANSITIONS.items() for b in sorted(targets)
]  # sorted: xdist workers must collect alike
REFUSED = [(a, b) for a, b in itertools.product(S, S) if b not in TRANSITIONS[a]]


def test_every_status_has_its_row_and_the_ends_are_final():
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.sent] == TRANSITIONS[S.manual_done] == frozenset()
    assert set(DUE) == {S.pending, S.retry}  # what the worker may claim is read off the table


@pytest.mark.parametrize(("before", "after"), ALLOWED)
def test_allowed_transitions(before, after):
    row = OutboxMessage(status=before)
    move(row, after)
    assert row.status == after


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_refused_transitions_leave_the_status(before, after):
    row = OutboxMessage(status=before)
    with pytest.raises(BoardError, match="推送记录不能从"):
        move(row, after)
    assert row.status == before


def test_a_sent_row_cannot_be_resent_or_confirmed(engine, village_id, make_grid, worker, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    planned = plan_messages(
        grid, as_record(demo_snapshots["2026-06"]), village_id=village_id, base_url="https://x.cn", pdf=None, now=NOW
    )
    ids = enqueue(engine, planned)
    send_due(engine, now=NOW, settings=settings, timeout=FAST, only_ids=ids)
    assert message_rows(engine, ids=ids[:1])[0]["status"] == S.sent
    with pytest.raises(BoardError, match="不能重发"):
        requeue(engine, ids[0], NOW, by=worker)
    with pytest.raises(BoardError, match="无需确认"):
        confirm_delivered(engine, ids[0], by=worker, now=NOW)
    row = message_rows(engine, ids=ids[:1])[0]
    assert (row["status"], row["attempts"]) == (S.sent, 1)


def test_a_pending_row_cannot_be_confirmed(engine, village_id, make_grid, worker, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    planned = plan_messages(
        grid, as_record(demo_snapshots["2026-06"]), village_id=village_id, base_url="https://x.cn", pdf=None, now=NOW
    )
    ids = enqueue(engine, planned)
    with pytest.raises(BoardError, match="无需确认"):
        confirm_delivered(engine, ids[0], by=worker, now=NOW)
    assert message_rows(engine, ids=ids[:1])[0]["status"] == S.pending
