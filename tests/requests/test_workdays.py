"""Working days on the 2026 calendar (dates counted by hand from the State Council notice)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from board.errors import BoardError
from board.workdays import WorkCalendar, load_calendar

CAL = WorkCalendar()


def test_spring_festival_2026_week_and_make_up_saturdays():
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday, 调休上班
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))  # 2/15–2/23 放假
    assert CAL.is_workday(date(2026, 2, 24))
    assert CAL.is_workday(date(2026, 2, 28))  # Saturday, 调休上班
    assert not CAL.is_workday(date(2026, 3, 1))  # an ordinary Sunday


def test_national_day_2026_week_and_make_up_days():
    assert CAL.is_workday(date(2026, 9, 20))  # Sunday, 调休上班
    assert not any(CAL.is_workday(date(2026, 9, d)) for d in (25, 26, 27))  # 中秋
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday, 调休上班


def test_add_workdays_skips_the_spring_festival():
    # Fri 2/13 + 20: 2/14(1) … 2/24(2) … 2/28(6) … 3/19(20).
    assert CAL.add_workdays(date(2026, 2, 13), 20) == date(2026, 3, 19)
    assert CAL.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_add_workdays_across_mid_autumn_and_national_day():
    # Fri 9/18 + 10: 9/20 Sun(1), 9/21–24(2–5), 9/28–30(6–8), 10/8(9), 10/9(10).
    assert CAL.add_workdays(date(2026, 9, 18), 10) == date(2026, 10, 9)
    # Wed 9/30 + 10: 10/8(1), 10/9(2), 10/10 Sat(3), 10/12–16(4–8), 10/19(9), 10/20(10).
    assert CAL.add_workdays(date(2026, 9, 30), 10) == date(2026, 10, 20)


def test_workdays_between_and_deadline_on_a_rest_day():
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 28)) == 6
    assert CAL.workdays_between(date(2026, 2, 28), date(2026, 2, 13)) == -6
    assert CAL.on_or_after(date(2026, 10, 1)) == date(2026, 10, 8)
    assert CAL.on_or_after(date(2026, 10, 10)) == date(2026, 10, 10)


def test_year_the_library_does_not_know_uses_files(tmp_path):
    assert load_calendar(directory=tmp_path).unknown_years(date(2099, 2, 1)) == [2099]
    (tmp_path / "2099.toml").write_text("holidays = [2099-02-02]\nworkdays = [2099-01-31]\n", encoding="utf-8")
    (tmp_path / "TWN").mkdir()
    (tmp_path / "TWN" / "2099.toml").write_text("workdays = [2099-02-02]\n", encoding="utf-8")
    national = load_calendar(directory=tmp_path)
    assert national.unknown_years(date(2099, 2, 1)) == []
    assert not national.is_workday(date(2099, 2, 2))  # a Monday made a holiday
    assert national.is_workday(date(2099, 1, 31))  # a Saturday made a workday
    township = load_calendar("TWN", directory=tmp_path)
    assert township.is_workday(date(2099, 2, 2))  # the township's own file wins


def test_bad_calendar_file_names_the_file(tmp_path):
    (tmp_path / "2099.toml").write_text('holidays = ["2099-02-02"]\n', encoding="utf-8")
    with pytest.raises(BoardError, match="2099.toml"):
        load_calendar(directory=tmp_path)


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(-400, 400))
def test_workdays_between_counts_day_by_day(start, offset):
    end = start + timedelta(days=offset)
    low, high = min(start, end), max(start, end)
    by_day = sum(CAL.is_workday(low + timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert CAL.workdays_between(low, high) == by_day
    assert CAL.workdays_between(high, low) == -by_day
    if by_day:
        assert CAL.add_workdays(low, by_day) <= high
