"""The supervisor's review: identity, differences from last month, empty sections, 5万元 payments, roles."""

from datetime import date

import pytest

from board.auth import get_user
from board.balance import balance_identity
from board.entry import save_section
from board.errors import BoardError, PermissionDenied
from board.review import (
    build_review,
    category_differences,
    empty_sections,
    major_payments,
    review_periods,
)
from board.villages import get_village
from board.workflow import allowed_steps, run_step
from infra.db import unit_of_work
from models import PeriodStatus, Role
from tests.entry.conftest import enter_month, ledger_line, publish
from views.review import beneficiary_table, section_table


def test_balance_identity_reports_the_difference_per_account():
    rows = balance_identity(
        [
            {"account": "bank", "opening_fen": 10_000, "closing_fen": 12_000},
            {"account": "cash", "opening_fen": 500, "closing_fen": 400},
        ],
        [
            {"account": "bank", "direction": "in", "amount_fen": 3_000},
            {"account": "bank", "direction": "out", "amount_fen": 500},
            {"account": "cash", "direction": "out", "amount_fen": 100},
            {"account": "cash", "direction": "out", "amount_fen": None},
        ],  # half-typed row is ignored
    )
    bank, cash = {r["account"]: r for r in rows}["bank"], {r["account"]: r for r in rows}["cash"]
    assert (bank["expected_fen"], bank["difference_fen"], bank["ok"]) == (12_500, -500, False)
    assert (cash["expected_fen"], cash["difference_fen"], cash["ok"]) == (400, 0, True)


def test_major_payments_start_at_exactly_five_wan():
    lines = [
        {"direction": "out", "amount_fen": 4_999_999},
        {"direction": "out", "amount_fen": 5_000_000},
        {"direction": "in", "amount_fen": 9_000_000},
    ]
    assert [p["line"] for p in major_payments(lines)] == [2]


def test_category_differences_cover_categories_of_both_months():
    rows = category_differences(
        {"in": {}, "out": {"公益支出": 300}}, {"in": {"补助收入": 100}, "out": {"公益支出": 200}}
    )
    assert [
        (r["direction"], r["category"], r["current_fen"], r["previous_fen"], r["difference_fen"]) for r in rows
    ] == [("in", "补助收入", 0, 100, -100), ("out", "公益支出", 300, 200, 100)]
    assert category_differences({"in": {"A": 1}, "out": {}}, None)[0]["difference_fen"] is None


def test_empty_sections_and_steps_by_role():
    assert empty_sections({"ledger": [1], "balances": [1]}) == [
        "固定资产",
        "债权债务",
        "资源发包",
        "党务",
        "村务",
        "便民服务",
    ]
    assert allowed_steps(Role.township, PeriodStatus.submitted) == []
    assert allowed_steps(Role.supervisor, PeriodStatus.submitted) == ["approve", "reject"]
    assert allowed_steps(Role.clerk, PeriodStatus.approved) == ["publish"]
    assert allowed_steps(Role.supervisor, PeriodStatus.approved) == ["reject", "publish"]
    assert allowed_steps(Role.admin, PeriodStatus.submitted) == []  # the committee's review is its own
    assert allowed_steps(Role.admin, PeriodStatus.approved) == ["publish"]


def test_beneficiary_table_masks_id_and_phone():
    table = beneficiary_table(
        [
            {
                "name": "张三",
                "id_number": "110101199003070011",
                "phone": "13812345678",
                "group_name": "一组",
                "amount_fen": 50_000,
                "note": "",
            }
        ]
    )
    assert table[0]["身份证号"] == "1101**********0011"
    assert table[0]["手机号"] == "138****5678"
    assert table[0]["金额"] == "500.00"


@pytest.fixture
def submitted_march(village_setup):
    """V1: February published; March submitted with a 6万元 payment and no party/affairs/services items."""
    engine, _ = village_setup
    with unit_of_work(engine) as session:
        village, clerk, sup = get_village(session, "V1"), get_user(session, "clerk1"), get_user(session, "sup1")
        enter_month(
            session,
            village,
            clerk,
            "2026-02",
            opening=10_000_000,
            lines=[
                ledger_line(date(2026, 2, 3), "电费", 100_000, category="管理费用"),
                ledger_line(date(2026, 2, 5), "租金", 1_800_000, direction="in", category="经营收入"),
            ],
        )
        publish(session, village, clerk, sup, "2026-02")
        enter_month(
            session,
            village,
            clerk,
            "2026-03",
            opening=11_700_000,
            lines=[
                ledger_line(date(2026, 3, 3), "电费", 150_000, category="管理费用"),
                ledger_line(
                    date(2026, 3, 16), "沟渠清淤工程款", 6_000_000, category="公益支出", counterparty="工程公司"
                ),
            ],
            assets=[{"name": "办公楼", "original_value_fen": 1_000_000}],
        )
        run_step(session, village=village, period="2026-03", user=clerk, step="submit")
        session.commit()
    return engine


def test_review_of_a_submitted_month(submitted_march):
    with unit_of_work(submitted_march) as session:
        review = build_review(
            session, village=get_village(session, "V1"), period="2026-03", user=get_user(session, "sup1")
        )
    assert review["status_label"] == "待审核" and review["steps"] == ["approve", "reject"]
    assert review["balanced"] and review["problems"] == []
    assert review["totals"] == {
        "opening_fen": 11_700_000,
        "income_fen": 0,
        "expense_fen": 6_150_000,
        "closing_fen": 5_550_000,
    }
    diffs = {r["item"]: r["difference_fen"] for r in review["total_differences"]}
    assert diffs == {
        "opening_fen": 1_700_000,
        "income_fen": -1_800_000,
        "expense_fen": 6_050_000,
        "closing_fen": -6_150_000,
    }
    by_category = {
        (r["direction"], r["category"]): (r["current_fen"], r["previous_fen"]) for r in review["category_differences"]
    }
    assert by_category == {
        ("in", "经营收入"): (0, 1_800_000),
        ("out", "管理费用"): (150_000, 100_000),
        ("out", "公益支出"): (6_000_000, 0),
    }
    assert review["empty_sections"] == ["债权债务", "资源发包", "党务", "村务", "便民服务"]
    assert [(p["line"], p["summary"]) for p in review["major_payments"]] == [(2, "沟渠清淤工程款")]
    table = section_table("ledger", review["sections"]["ledger"]["rows"])
    assert [row["摘要"] for row in table] == ["电费", "沟渠清淤工程款"]
    assert table[1]["金额"] == "60,000.00"


def test_review_lists_problems_and_months(submitted_march):
    with unit_of_work(submitted_march) as session:
        village, clerk, sup = get_village(session, "V1"), get_user(session, "clerk1"), get_user(session, "sup1")
        run_step(session, village=village, period="2026-03", user=sup, step="reject", comment="请补充合同")
        save_section(
            session,
            village=village,
            period="2026-03",
            user=clerk,
            section="balances",
            rows=[{"account": "bank", "opening_fen": 11_700_000, "closing_fen": 1}],
        )
        review = build_review(session, village=village, period="2026-03", user=sup)
        months = review_periods(session, village=village, user=sup)
    assert review["rejection_comment"] == "请补充合同" and review["steps"] == []
    assert not review["balanced"]
    assert any(p.field == "银行存款·月末实有余额" for p in review["problems"])
    assert [(m["period"], m["status_label"]) for m in months] == [("2026-03", "草稿"), ("2026-02", "已公开")]


def test_township_reads_but_cannot_decide_and_others_are_refused(submitted_march):
    with unit_of_work(submitted_march) as session:
        village, town = get_village(session, "V1"), get_user(session, "town1")
        review = build_review(session, village=village, period="2026-03", user=town)
        assert review["steps"] == []
        for step in ("approve", "reject", "publish"):
            with pytest.raises(PermissionDenied):
                run_step(session, village=village, period="2026-03", user=town, step=step, comment="x")
        with pytest.raises(PermissionDenied):
            build_review(session, village=village, period="2026-03", user=get_user(session, "clerk2"))
        with pytest.raises(BoardError, match="未知的操作"):
            run_step(session, village=village, period="2026-03", user=get_user(session, "sup1"), step="erase")
