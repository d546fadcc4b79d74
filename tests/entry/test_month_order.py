"""Months go public in order, and a changed closing balance carries into the later public months, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlmodel import select

from board.auth import get_user
from board.entry import save_section
from board.errors import BoardError
from board.periods import shift_period
from board.public import published_periods, published_snapshot, published_versions
from board.records import find_period
from board.snapshot import verify_chain
from board.villages import get_village
from board.workflow import amend_period, approve_period, publish_period, reject_period, submit_period
from infra.db import unit_of_work
from models import LedgerEntry, PeriodStatus
from tests.entry.conftest import enter_month, ledger_line, publish

RENT = 1_800_000
CLEANING = 500_000
NET = RENT - CLEANING  # each month's balance grows by this much


def _lines(period: str, cleaning_fen: int = CLEANING) -> list[dict]:
    year, month = int(period[:4]), int(period[5:])
    return [
        ledger_line(date(year, month, 3), "门面房租金", RENT, direction="in", category="经营收入"),
        ledger_line(date(year, month, 9), "保洁费", cleaning_fen),
    ]


def _enter(engine, period: str, opening: int, lines: list[dict] | None = None) -> None:
    with unit_of_work(engine) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        enter_month(session, village, clerk, period, opening=opening, lines=_lines(period) if lines is None else lines)
        session.commit()


def _step(engine, fn, username: str, period: str, **kw):
    with unit_of_work(engine) as session:
        result = fn(session, village=get_village(session, "V1"), period=period, user=get_user(session, username), **kw)
        session.commit()
        return result


def _publish(engine, period: str) -> None:
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        publish(session, village, get_user(session, "clerk1"), get_user(session, "sup1"), period)
        session.commit()


def _public_gaps(session, village) -> list[str]:
    """Public months whose opening does not follow on from the public closing of the month before."""
    periods = sorted(published_periods(session, village))
    gaps = []
    for before, after in zip(periods, periods[1:], strict=False):
        closing = published_snapshot(session, village, before).finance.totals.closing_fen
        opening = published_snapshot(session, village, after).finance.totals.opening_fen
        if shift_period(before, 1) != after or closing != opening:
            gaps.append(after)
    return gaps


def _versions(engine, period: str) -> list[int]:
    with unit_of_work(engine) as session:
        return [s.version for s in published_versions(session, get_village(session, "V1"), period)]


@pytest.fixture
def three_months(village_setup):
    """V1 with 2026-08, -09 and -10 published in order, each month +13,000元 from 100,000元."""
    engine, _ = village_setup
    opening = 10_000_000
    for period in ("2026-08", "2026-09", "2026-10"):
        _enter(engine, period, opening)
        _publish(engine, period)
        opening += NET
    return engine


def test_a_later_month_published_first_keeps_the_earlier_one_out(village_setup):
    """Finding: October went public first with an opening of 0, then September closing at 100,000元: a gap."""
    engine, _ = village_setup
    _enter(engine, "2026-10", 0)
    _publish(engine, "2026-10")  # the village's first month, its opening entered
    _enter(engine, "2026-09", 10_000_000 - NET)  # closes at 100,000元
    _step(engine, submit_period, "clerk1", "2026-09")  # reviewing out of order is allowed
    _step(engine, approve_period, "sup1", "2026-09")
    with pytest.raises(BoardError) as info:
        _step(engine, publish_period, "sup1", "2026-09")
    assert [p.field for p in info.value.problems] == ["月份"]
    assert "本村从2026年10月开始公开，2026年9月在它之前" in info.value.problems[0].message
    assert _versions(engine, "2026-09") == []
    with unit_of_work(engine) as session:
        assert _public_gaps(session, get_village(session, "V1")) == []


def test_a_month_publishes_only_after_the_month_before(village_setup):
    engine, _ = village_setup
    _enter(engine, "2026-09", 10_000_000)
    _publish(engine, "2026-09")
    _enter(engine, "2026-11", 10_000_000 + 2 * NET)
    _step(engine, submit_period, "clerk1", "2026-11")
    _step(engine, approve_period, "sup1", "2026-11")
    with pytest.raises(BoardError) as info:
        _step(engine, publish_period, "sup1", "2026-11")
    assert "请先公开 2026年10月" in info.value.problems[0].message
    assert _versions(engine, "2026-11") == []
    _enter(engine, "2026-10", 10_000_000 + NET)
    _publish(engine, "2026-10")
    _step(engine, publish_period, "sup1", "2026-11")
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        assert published_periods(session, village) == ["2026-11", "2026-10", "2026-09"]
        assert _public_gaps(session, village) == []


def test_the_first_month_needs_its_opening_entered(village_setup):
    engine, _ = village_setup
    party = [{"category": "主题党日", "item_date": date(2026, 9, 20), "title": "学习会", "participants": 30}]
    with unit_of_work(engine) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        save_section(session, village=village, period="2026-09", user=clerk, section="party", rows=party)
        session.commit()
    _step(engine, submit_period, "clerk1", "2026-09")
    _step(engine, approve_period, "sup1", "2026-09")
    with pytest.raises(BoardError) as info:  # no balances: the opening would silently be 0
        _step(engine, publish_period, "sup1", "2026-09")
    assert [p.field for p in info.value.problems] == ["账户余额·月初余额"]
    assert "2026年9月是本村第一个公开的月份" in info.value.problems[0].message
    _step(engine, reject_period, "sup1", "2026-09", comment="请填写月初余额")
    _enter(engine, "2026-09", 0, lines=[])
    _publish(engine, "2026-09")
    assert _versions(engine, "2026-09") == [1]


def _correct_august(engine, cleaning_fen: int) -> None:
    """Amend August: the cleaning bill was higher, so August closes lower."""
    _step(engine, amend_period, "clerk1", "2026-08", reason="保洁费按发票更正")
    _enter(engine, "2026-08", 10_000_000, lines=_lines("2026-08", cleaning_fen))


def test_a_changed_closing_carries_into_the_later_public_months(three_months):
    """Finding: amending a month's closing left the next public month's opening wrong, silently."""
    engine = three_months
    _correct_august(engine, CLEANING + 10_000)
    _step(engine, submit_period, "clerk1", "2026-08")
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        for period in ("2026-09", "2026-10"):
            row = find_period(session, village, period)
            assert row.status == PeriodStatus.submitted  # reviewed together with August
            assert row.amendment_reason == f"因2026年{int(period[5:]) - 1}月更正，期初余额随之更正"
    _step(engine, approve_period, "sup1", "2026-08")
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        assert {find_period(session, village, p).status for p in ("2026-09", "2026-10")} == {PeriodStatus.approved}
    with pytest.raises(BoardError) as info:  # September alone would not follow on from the public August
        _step(engine, publish_period, "sup1", "2026-09")
    assert "2026年8月的更正还没有公开，请先公开它" in info.value.problems[0].message
    published = _step(engine, publish_period, "sup1", "2026-08")
    assert published.version == 2
    assert [_versions(engine, p) for p in ("2026-08", "2026-09", "2026-10")] == [[1, 2], [1, 2], [1, 2]]
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        assert _public_gaps(session, village) == []
        october = published_snapshot(session, village, "2026-10")
        assert october.finance.totals.opening_fen == 10_000_000 + 2 * NET - 10_000
        assert october.amendment_reason == "因2026年9月更正，期初余额随之更正"
        assert verify_chain(session, village.id).ok
        assert all(find_period(session, village, p).status == PeriodStatus.published for p in ("2026-09", "2026-10"))


def test_the_carried_months_go_public_together_or_not_at_all(three_months):
    engine = three_months
    _correct_august(engine, CLEANING + 10_000)
    _step(engine, submit_period, "clerk1", "2026-08")
    _step(engine, approve_period, "sup1", "2026-08")
    with unit_of_work(engine) as session:  # data broken behind the workflow's back after approval
        september = find_period(session, get_village(session, "V1"), "2026-09")
        line = session.exec(select(LedgerEntry).where(LedgerEntry.period_id == september.id)).first()
        line.entry_date = date(2026, 7, 1)
        session.add(line)
        session.commit()
    with pytest.raises(BoardError) as info:
        _step(engine, publish_period, "sup1", "2026-08")
    assert info.value.problems[0].field == "2026年9月·收支明细·日期"
    assert [_versions(engine, p) for p in ("2026-08", "2026-09", "2026-10")] == [[1], [1], [1]]
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        assert find_period(session, village, "2026-08").status == PeriodStatus.approved
        assert _public_gaps(session, village) == []


def test_a_carried_month_still_being_corrected_holds_the_publication(three_months):
    engine = three_months
    _step(engine, amend_period, "clerk1", "2026-09", reason="摘要补充发票号")  # the clerk is editing September
    _correct_august(engine, CLEANING + 10_000)
    _step(engine, submit_period, "clerk1", "2026-08")
    _step(engine, approve_period, "sup1", "2026-08")
    with unit_of_work(engine) as session:
        september = find_period(session, get_village(session, "V1"), "2026-09")
        assert september.status == PeriodStatus.draft
        assert september.amendment_reason == "摘要补充发票号；因2026年8月更正，期初余额随之更正"
    with pytest.raises(BoardError) as info:
        _step(engine, publish_period, "sup1", "2026-08")
    assert "2026年9月的月初余额随2026年8月更正，须与它一起公开" in info.value.problems[0].message
    assert _versions(engine, "2026-08") == [1]
    # September's own submission carries on into October; approving August then takes both along.
    _step(engine, submit_period, "clerk1", "2026-09")
    _step(engine, approve_period, "sup1", "2026-09")
    _step(engine, publish_period, "sup1", "2026-08")
    assert [_versions(engine, p) for p in ("2026-08", "2026-09", "2026-10")] == [[1, 2], [1, 2], [1, 2]]
    with unit_of_work(engine) as session:
        assert _public_gaps(session, get_village(session, "V1")) == []


def test_a_month_published_meanwhile_must_follow_on(three_months):
    """Both ways: a closing may not go public against the later public month's opening either."""
    engine = three_months
    _enter(engine, "2026-11", 10_000_000 + 3 * NET)
    _step(engine, submit_period, "clerk1", "2026-11")
    _step(engine, approve_period, "sup1", "2026-11")
    _step(engine, amend_period, "clerk1", "2026-10", reason="保洁费按发票更正")
    _enter(engine, "2026-10", 10_000_000 + 2 * NET, lines=_lines("2026-10", CLEANING + 10_000))
    _step(engine, submit_period, "clerk1", "2026-10")  # November is not public yet: nothing to carry
    _step(engine, approve_period, "sup1", "2026-10")
    _step(engine, publish_period, "sup1", "2026-11")  # follows on from October as public now
    with pytest.raises(BoardError) as info:
        _step(engine, publish_period, "sup1", "2026-10")
    assert info.value.problems[0].field == "银行存款·月初余额"
    assert "2026年11月已公开的银行存款月初余额" in info.value.problems[0].message
    assert _versions(engine, "2026-10") == [1]
    # Sent back and submitted again, October now carries into November and both go public.
    _step(engine, reject_period, "sup1", "2026-10", comment="请连同11月一起更正")
    _step(engine, submit_period, "clerk1", "2026-10")
    _step(engine, approve_period, "sup1", "2026-10")
    _step(engine, publish_period, "sup1", "2026-10")
    assert [_versions(engine, p) for p in ("2026-10", "2026-11")] == [[1, 2], [1, 2]]
    with unit_of_work(engine) as session:
        assert _public_gaps(session, get_village(session, "V1")) == []
