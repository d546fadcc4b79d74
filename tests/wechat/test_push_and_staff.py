"""``push --due`` selection (catch-up months, corrections) and the staff actions' own permission checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from board.auth import add_user
from board.errors import PermissionDenied
from board.public import published_snapshot
from board.villages import add_village, get_village
from exports.wechat.grids import add_grid
from exports.wechat.outbox import enqueue, message_rows, plan_messages, send_due
from exports.wechat.push import push_due, push_period
from infra.db import unit_of_work
from models import AuditLog, PublishedPeriod, Role, User
from services.share import confirm_delivered, mark_forwarded, requeue, resend
from tests.helpers import rehash_chain
from tests.wechat.conftest import FAST, NOW


def _published(engine, when: dict[tuple[str, int], timedelta]) -> None:
    """Publication times relative to NOW; every other version counts as long ago."""

    def move(row: PublishedPeriod, doc: dict) -> None:
        row.published_at = NOW - when.get((row.period, row.version), timedelta(days=400))

    with unit_of_work(engine) as session:
        rehash_chain(session, move)  # the publication time is inside the hash
        session.commit()


def test_push_due_sends_catch_up_months_and_corrections_once(demo_engine, settings):
    _published(
        demo_engine,
        {
            ("2026-10", 1): timedelta(days=2),
            ("2026-09", 1): timedelta(days=20),  # published late, after August's push window closed
            ("2026-08", 1): timedelta(days=40),  # too old: not part of this round
            ("2026-06", 1): timedelta(days=130),
            ("2026-06", 2): timedelta(days=1),  # the correction of an older month
            ("2026-05", 2): timedelta(days=1),  # not a real version: there is only version 1 of May
        },
    )
    with unit_of_work(demo_engine) as session:
        add_grid(session, village=get_village(session, "DEMO"), name="三网格", channel="manual")
        session.commit()
    push_period(demo_engine, village_code="DEMO", period="2026-10", now=NOW, settings=settings, timeout=FAST)

    report = push_due(demo_engine, now=NOW, settings=settings, timeout=FAST)
    assert [(r["period"], r["version"]) for r in report.rows] == [("2026-09", 1), ("2026-06", 2)]
    assert push_due(demo_engine, now=NOW + timedelta(hours=1), settings=settings, timeout=FAST).rows == []
    pushed = {(r["period"], r["version"]) for r in message_rows(demo_engine)}
    assert pushed == {("2026-10", 1), ("2026-09", 1), ("2026-06", 2)}


@pytest.fixture
def people(demo_engine):
    """The demo's grid worker and supervisor, and a grid worker of another village."""
    with unit_of_work(demo_engine) as session:
        add_village(session, code="OTHER", name="邻村")
        add_user(session, username="linwang", password="sanwu-test", role=Role.grid, village_codes=("OTHER",))
        session.commit()
    return {"worker": "wangge", "supervisor": "jiandu", "neighbour": "linwang"}


def _ambiguous_row(engine, fake, settings, grid_name: str = "一网格", key_ref: str = "GRID_ROBOT_KEY") -> int:
    """October pushed to a robot whose reply is unreadable: nobody knows if it arrived."""
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        grid = add_grid(session, village=village, name=grid_name, channel="robot", key_ref=key_ref)
        snapshot = published_snapshot(session, village, "2026-10")
        session.commit()
    fake.fault("webhook/send", "malformed")
    (message_id,) = enqueue(
        engine,
        plan_messages(grid, snapshot, village_id=village.id, base_url=settings.public_base_url, pdf=None, now=NOW),
    )
    send_due(engine, now=NOW, settings=settings, timeout=FAST, only_ids=[message_id])
    return message_id


def _audit(engine) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action.startswith("wechat:")).order_by(AuditLog.id))
        return [(r.username, r.action) for r in rows]


def test_staff_actions_check_the_acting_user_themselves(demo_engine, fake, settings, people):
    message_id = _ambiguous_row(demo_engine, fake, settings)
    with unit_of_work(demo_engine) as session:
        manual = add_grid(session, village=get_village(session, "DEMO"), name="三网格", channel="manual")
        session.commit()
    actions = {
        "resend": lambda by: resend(demo_engine, message_id, by=by, now=NOW, settings=settings, timeout=FAST),
        "requeue": lambda by: requeue(demo_engine, message_id, NOW, by=by),
        "confirm": lambda by: confirm_delivered(demo_engine, message_id, by=by, now=NOW),
        "forwarded": lambda by: mark_forwarded(
            demo_engine,
            village_code="DEMO",
            period="2026-10",
            grid_id=manual.id,
            by=by,
            base_url=settings.public_base_url,
            now=NOW,
        ),
    }
    for action in actions.values():
        with pytest.raises(PermissionDenied, match="您没有“青禾镇幸福社区"):
            action(people["neighbour"])
        with pytest.raises(PermissionDenied, match="网格员"):
            action(people["supervisor"])
    assert message_rows(demo_engine, ids=[message_id])[0]["status"] == "ambiguous"
    assert [r["channel"] for r in message_rows(demo_engine)] == ["robot"]  # refused before anything was stored
    assert _audit(demo_engine) == [] and len(fake.log("webhook/send")) == 1

    actions["confirm"](people["worker"])
    actions["forwarded"](people["worker"])
    assert {r["status"] for r in message_rows(demo_engine, period="2026-10")} == {"sent", "manual_done"}
    assert _audit(demo_engine) == [("wangge", "wechat:confirm")] * 2

    # Demoted since logging in: the page's session still says 网格员, the database does not.
    with unit_of_work(demo_engine) as session:
        user = session.exec(select(User).where(User.username == "wangge")).one()
        user.role = Role.supervisor
        session.add(user)
        session.commit()
    second = _ambiguous_row(demo_engine, fake, settings, "二网格", "GRID_OTHER_ROBOT_KEY")
    assert message_rows(demo_engine, ids=[second])[0]["status"] == "ambiguous"
    with pytest.raises(PermissionDenied):
        confirm_delivered(demo_engine, second, by="wangge", now=NOW)


def test_resend_by_the_worker_is_audited(demo_engine, fake, settings, people):
    message_id = _ambiguous_row(demo_engine, fake, settings)
    resend(demo_engine, message_id, by=people["worker"], now=NOW, settings=settings, timeout=FAST)
    assert message_rows(demo_engine, ids=[message_id])[0]["status"] == "sent"
    assert _audit(demo_engine) == [("wangge", "wechat:resend")]
