"""开始录入: what is copied from last month, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlmodel import select

from board.auth import get_user
from board.carry import monthly_lists, plan_month, recurring_lines, start_month
from board.entry import section_rows
from board.errors import BoardError, PermissionDenied
from board.records import find_period
from board.villages import get_village
from infra.db import unit_of_work
from models import AuditLog
from tests.entry.conftest import enter_month, ledger_line, publish

SERVICES = [{"name": "居住证办理", "materials": "身份证", "location": "1号窗口", "time_limit": "即办", "contact": ""}]
ASSETS = [
    {
        "name": "办公楼",
        "category": "房屋",
        "acquired_on": date(2012, 6, 1),
        "quantity": 1,
        "original_value_fen": 186_000_000,
        "location": "幸福路",
        "status": "在用",
    }
]


def _month(period: str, day: int) -> date:
    return date(int(period[:4]), int(period[5:]), day)


def _lines(period: str, misc_fen: int) -> list[dict]:
    month = int(period[5:])
    return [
        ledger_line(
            _month(period, 5),
            f"{month}月门面房租金",
            1_800_000,
            direction="in",
            category="经营收入",
            counterparty="商户",
            voucher=f"记{month}-1",
        ),
        ledger_line(
            _month(period, 31 if month == 1 else 28),
            f"{month}月干部报酬",
            1_920_000,
            counterparty="干部6人",
            voucher=f"记{month}-2",
        ),
        ledger_line(_month(period, 9), "购买办公用品", misc_fen, voucher=f"记{month}-3"),
    ]


@pytest.fixture
def two_months(village_setup):
    engine, _ = village_setup
    with unit_of_work(engine) as session:
        village, clerk, sup = get_village(session, "V1"), get_user(session, "clerk1"), get_user(session, "sup1")
        enter_month(
            session,
            village,
            clerk,
            "2026-01",
            opening=10_000_000,
            lines=_lines("2026-01", 12_300),
            services=SERVICES,
            assets=ASSETS,
            debts=[{"kind": "payable", "counterparty": "信用社", "amount_fen": 20_000_000}],
        )
        publish(session, village, clerk, sup, "2026-01")
        enter_month(
            session,
            village,
            clerk,
            "2026-02",
            opening=10_000_000 + 1_800_000 - 1_920_000 - 12_300,
            lines=_lines("2026-02", 45_600),
            services=SERVICES,
            assets=ASSETS,
            debts=[{"kind": "payable", "counterparty": "信用社", "amount_fen": 20_000_000}],
        )
        publish(session, village, clerk, sup, "2026-02")
        session.commit()
    return engine


def test_looking_creates_nothing_and_starting_copies_what_the_plan_said(two_months):
    with unit_of_work(two_months) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        plan = plan_month(session, village=village, period="2026-03", user=clerk)
        assert find_period(session, village, "2026-03") is None
        assert plan.summary()[-1] == "月初余额 = 上月公开的月末余额：银行存款 97,021.00元"
        start_month(session, village=village, period="2026-03", user=clerk)
        session.commit()
        march = find_period(session, village, "2026-03")
        ledger = section_rows(session, period_row=march, section="ledger")
        balances = section_rows(session, period_row=march, section="balances")
        services = section_rows(session, period_row=march, section="services")
        assets = section_rows(session, period_row=march, section="assets")
        audit = session.exec(select(AuditLog).where(AuditLog.period == "2026-03")).all()
    assert set(plan.sections) == {"services", "assets", "debts", "ledger"}
    assert [s["name"] for s in services] == ["居住证办理"]
    assert assets[0]["original_value_fen"] == 186_000_000
    # Rent and salaries recur with the same amount; office supplies differ each month and are not copied.
    assert [(line["summary"], line["entry_date"], line["amount_fen"], line["voucher_no"]) for line in ledger] == [
        ("3月门面房租金", date(2026, 3, 5), 1_800_000, ""),
        ("3月干部报酬", date(2026, 3, 28), 1_920_000, ""),
    ]
    # The opening is February's published closing; the month-end balance waits for the statement.
    assert balances == [
        {
            "account": "bank",
            "opening_fen": 9_702_100,
            "statement_fen": None,
        }
    ]
    assert {a.action for a in audit} >= {"save:ledger", "save:balances", "save:services"}


def test_a_month_starts_once_and_only_for_its_clerk(two_months):
    with unit_of_work(two_months) as session:
        start_month(session, village=get_village(session, "V1"), period="2026-03", user=get_user(session, "clerk1"))
        session.commit()
    with unit_of_work(two_months) as session:
        with pytest.raises(BoardError, match="已经开始录入"):
            start_month(session, village=get_village(session, "V1"), period="2026-03", user=get_user(session, "clerk1"))
    for other in ("sup1", "clerk2"):
        with unit_of_work(two_months) as session:
            with pytest.raises(PermissionDenied):
                start_month(
                    session, village=get_village(session, "V1"), period="2026-04", user=get_user(session, other)
                )
    # A first month ever starts empty, and says where the opening balance comes from.
    with unit_of_work(two_months) as session:
        plan = plan_month(
            session, village=get_village(session, "V1"), period="2025-06", user=get_user(session, "clerk1")
        )
    assert plan.sections == {} and "手工填写" in plan.summary()[0]


def test_monthly_recipient_lists_are_copied_with_their_people():
    people = [{"name": "张桂兰", "amount_fen": 62_000}]
    item = {"id": 7, "category": "低保·救助·补贴发放", "item_date": date(2026, 10, 10), "title": "10月低保金发放"}
    once = {**item, "title": "10月临时救助", "beneficiaries": people}
    last = [{**item, "beneficiaries": people}, once, {**item, "title": "10月低保金发放", "beneficiaries": []}]
    before = [{**item, "item_date": date(2026, 9, 10), "title": "9月低保金发放", "beneficiaries": people}]
    copies = monthly_lists(last, "2026-10", before, "2026-11")
    assert [(c["title"], c["item_date"], c["beneficiaries"]) for c in copies] == [
        ("11月低保金发放", date(2026, 11, 10), people)
    ]
    assert "id" not in copies[0]


def test_without_a_month_before_last_lines_naming_the_month_recur():
    last = [
        ledger_line(date(2026, 1, 31), "1月保洁员工资", 960_000),
        ledger_line(date(2026, 1, 12), "11月欠款结清", 5_000),
        ledger_line(date(2026, 1, 3), "购买茶叶", 3_000),
    ]
    copies = recurring_lines(last, "2026-01", [], "2026-02")
    # Only the line naming last month; its date is clamped into February, other month numbers stay.
    assert [(c["summary"], c["entry_date"]) for c in copies] == [("2月保洁员工资", date(2026, 2, 28))]
