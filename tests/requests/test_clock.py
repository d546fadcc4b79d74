"""Each clock rule of the 条例, on the 2026 calendar, through the request service."""

from datetime import date

import pytest

from board.errors import BoardError, PermissionDenied
from board.request_clock import Event, compute_clock
from board.requests import (
    end_consultation,
    extend_request,
    get_request,
    inbox,
    mark_supplemented,
    request_supplement,
    set_inquiry_days,
    start_consultation,
)
from board.villages import get_township
from board.workdays import WorkCalendar
from infra.db import unit_of_work
from tests.requests.conftest import at, submit, user


def due(engine, code):
    with unit_of_work(engine) as session:
        request = get_request(session, code)
        return request.due_on, request.status


def test_reply_due_in_20_working_days_across_the_spring_festival(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    assert due(req_engine, code) == (date(2026, 3, 19), "pending")


def test_goes_overdue_on_the_working_day_after_the_deadline(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        on_day = inbox(session, user=clerk, today=date(2026, 3, 19))[0]
        after = inbox(session, user=clerk, today=date(2026, 3, 20))[0]
        before = inbox(session, user=clerk, today=date(2026, 2, 28))[0]
        overdue = inbox(session, user=clerk, today=date(2026, 3, 20), overdue_only=True)
        not_yet = inbox(session, user=clerk, today=date(2026, 3, 19), overdue_only=True)
    assert on_day["code"] == code and on_day["workdays_left"] == 0 and not on_day["overdue"]
    assert after["overdue"] and after["days_left_label"] == "已逾期 1 个工作日"
    assert before["workdays_left"] == 14  # 3/2 … 3/19
    assert [r["code"] for r in overdue] == [code] and not_yet == []


def test_inquiry_default_10_days_and_township_setting(req_engine):
    code = submit(req_engine, now=at(2026, 9, 30), kind="村务质询")
    assert due(req_engine, code)[0] == date(2026, 10, 20)
    with unit_of_work(req_engine) as session:
        set_inquiry_days(session, township=get_township(session, "T1"), days=5, user=user(session, "town1"))
        session.commit()
    code = submit(req_engine, now=at(2026, 9, 30), kind="村务质询", phone="13912345678")
    # 10/8(1), 10/9(2), 10/10 Sat(3), 10/12(4), 10/13(5)
    assert due(req_engine, code)[0] == date(2026, 10, 13)


def test_township_setting_only_by_its_staff(req_engine):
    with unit_of_work(req_engine) as session:
        with pytest.raises(BoardError, match="乡镇"):
            set_inquiry_days(session, township=get_township(session, "T1"), days=5, user=user(session, "clerk1"))


def test_extension_once_up_to_20_with_reason(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        with pytest.raises(BoardError, match="延期理由"):
            extend_request(session, code, user=clerk, reason=" ", today=date(2026, 3, 2))
        with pytest.raises(BoardError, match="1 到 20"):
            extend_request(session, code, user=clerk, reason="需调取档案", days=21, today=date(2026, 3, 2))
        new_due = extend_request(session, code, user=clerk, reason="需调取档案", today=date(2026, 3, 2))
        session.commit()
    # 3/19 + 20 working days: 3/20, 3/23–27, 3/30–4/3, 4/7–10 (4/4–6 清明), 4/13–17 → 4/17.
    assert new_due == date(2026, 4, 17) == due(req_engine, code)[0]
    with unit_of_work(req_engine) as session:
        with pytest.raises(BoardError, match="只能延长一次"):
            extend_request(session, code, user=user(session, "clerk1"), reason="再延", today=date(2026, 3, 3))


def test_no_extension_after_the_deadline(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        with pytest.raises(BoardError, match="已过"):
            extend_request(session, code, user=user(session, "clerk1"), reason="晚了", today=date(2026, 3, 20))


def test_supplement_stops_and_restarts_the_clock(req_engine):
    code = submit(req_engine, now=at(2026, 9, 18))
    with unit_of_work(req_engine) as session:
        request_supplement(
            session, code, user=user(session, "clerk1"), note="请说明是哪一年的工程", today=date(2026, 9, 21)
        )
        session.commit()
    assert due(req_engine, code) == (None, "supplement")
    with unit_of_work(req_engine) as session:
        assert inbox(session, user=user(session, "clerk1"), today=date(2027, 1, 5), overdue_only=True) == []
        mark_supplemented(session, code, user=user(session, "clerk1"), today=date(2026, 10, 9))
        session.commit()
    # Restart from 10/9: 10/10 Sat(1), 10/12–16(2–6), 10/19–23(7–11), 10/26–30(12–16), 11/2–5(17–20).
    assert due(req_engine, code) == (date(2026, 11, 5), "pending")


def test_supplement_only_once_and_within_7_working_days(req_engine):
    code = submit(req_engine, now=at(2026, 9, 18))
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        # 9/18 + 7 working days: 9/20 Sun(1), 9/21–24(2–5), 9/28(6), 9/29(7); 9/30 is the 8th.
        with pytest.raises(BoardError, match="7 个工作日"):
            request_supplement(session, code, user=clerk, note="补充", today=date(2026, 9, 30))
        request_supplement(session, code, user=clerk, note="补充", today=date(2026, 9, 29))
        mark_supplemented(session, code, user=clerk, today=date(2026, 10, 8))
        with pytest.raises(BoardError, match="一次性"):
            request_supplement(session, code, user=clerk, note="再补充", today=date(2026, 10, 9))


def test_third_party_consultation_does_not_count(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        start_consultation(session, code, user=user(session, "clerk1"), today=date(2026, 2, 24))
        session.commit()
    # While open, the deadline assumes the full 15 working days: 3/19 + 15 = 4/10 (清明 4/4–6).
    assert due(req_engine, code) == (date(2026, 4, 10), "consult")
    with unit_of_work(req_engine) as session:
        end_consultation(session, code, user=user(session, "clerk1"), today=date(2026, 3, 3))
        session.commit()
    # 2/24 → 3/3 took 6 working days (2/25–27, 2/28 Sat, 3/2, 3/3): 3/19 + 6 = 3/27.
    assert due(req_engine, code) == (date(2026, 3, 27), "pending")


def test_consultation_beyond_15_working_days_counts():
    cal = WorkCalendar()
    events = [
        Event("received", date(2026, 3, 2)),
        Event("consult_started", date(2026, 3, 3)),
        Event("consult_ended", date(2026, 4, 30)),
    ]
    clock = compute_clock(events, limit=20, calendar=cal)
    assert clock.consult_days == 15
    assert clock.due_on == cal.add_workdays(date(2026, 3, 2), 35)


def test_other_villages_clerk_cannot_act(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        with pytest.raises(PermissionDenied):
            extend_request(session, code, user=user(session, "clerk2"), reason="x", today=date(2026, 3, 2))
        with pytest.raises(PermissionDenied):
            extend_request(session, code, user=user(session, "town1"), reason="x", today=date(2026, 3, 2))
        assert inbox(session, user=user(session, "clerk2"), today=date(2026, 3, 2)) == []
        assert len(inbox(session, user=user(session, "town1"), today=date(2026, 3, 2))) == 1
