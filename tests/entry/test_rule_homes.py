"""Each money rule lives once in the domain; every place that applies it gives the home's answer.

The balance identity (board/balance.py), the amount ceiling (board/money.py) and the ≥5万
payment rule (board/public_record.py) are each fed the same cases through every caller.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from board.auth import get_user
from board.balance import AccountFigures, balance_identity, expected_closing
from board.entry import coerce_value
from board.importers import preview_import
from board.importers.values import to_amount
from board.money import MAX_FEN, ceiling_problem
from board.public_record import MAJOR_PAYMENT_FEN, TRANSFER_CATEGORY, is_major_payment, parse_snapshot
from board.records import PeriodRecords
from board.review import major_payments
from board.sections import SECTIONS
from board.snapshot import latest_snapshot, load_snapshot
from board.validation import check_amount, check_balances
from board.villages import get_village
from infra.db import unit_of_work
from models import AccountBalance, Direction, LedgerEntry, Period, Village
from tests.entry.conftest import enter_month, ledger_line, publish
from tests.importers.files import PERIOD as IMPORT_PERIOD
from tests.importers.files import journal_grid, xlsx

# ---- the balance identity ----

OPENING, CLOSING = 100_000, 95_000
LINES = [("in", 20_000), ("out", 30_000), ("out", 1_000)]  # expected closing 89,000: 6,000 short of CLOSING


def test_the_identity_itself():
    figures = AccountFigures(opening_fen=OPENING, closing_fen=CLOSING)
    for direction, amount in LINES:
        figures.add(direction, amount)
    assert figures.expected_fen == expected_closing(OPENING, 20_000, 31_000) == 89_000
    assert (figures.difference_fen, figures.ok) == (6_000, False)


def test_saved_rows_are_checked_by_the_identity():
    """Validation of ORM rows (what blocks submit and publish) reports the home's difference."""
    records = PeriodRecords(
        village=Village(code="V", name="村"),
        period=Period(period="2026-03"),
        balances=[AccountBalance(account="bank", opening_fen=OPENING, closing_fen=CLOSING, statement_fen=CLOSING)],
        ledger=[
            LedgerEntry(entry_date=date(2026, 3, 1), category="管理费用", direction=d, amount_fen=a, account="bank")
            for d, a in LINES
        ],
    )
    (problem,) = check_balances(records)
    assert problem.field == "银行存款·月末实有余额"
    assert "账上算出的月末余额是 890.00元" in problem.message and "账上少了 60.00元" in problem.message


def test_typed_dicts_are_checked_by_the_identity():
    """The entry grid and the review read plain dicts; carry-forward sets closings from the same rows."""
    rows = balance_identity(
        [{"account": "bank", "opening_fen": OPENING, "closing_fen": CLOSING}],
        [{"account": "bank", "direction": d, "amount_fen": a} for d, a in LINES],
    )
    bank = next(r for r in rows if r["account"] == "bank")
    assert (bank["expected_fen"], bank["difference_fen"], bank["ok"]) == (89_000, 6_000, False)


def test_the_import_preview_closes_with_the_identity():
    preview = preview_import("ledger", xlsx(journal_grid()), "日记账.xlsx", period=IMPORT_PERIOD)
    totals = preview.totals
    assert totals["closing_fen"] == expected_closing(totals["opening_fen"], totals["income_fen"], totals["expense_fen"])
    lines = [{"account": "bank", "direction": r["direction"], "amount_fen": r["amount_fen"]} for r in preview.rows]
    balance = {"account": "bank", "opening_fen": totals["opening_fen"], "closing_fen": totals["closing_fen"]}
    assert next(r for r in balance_identity([balance], lines) if r["account"] == "bank")["ok"]


# ---- the amount ceiling ----


@pytest.mark.parametrize("fen", [MAX_FEN - 1, MAX_FEN])
def test_every_entry_point_refuses_the_ceiling_with_one_message(fen):
    message = ceiling_problem(fen)
    assert (message is None) == (fen < MAX_FEN)
    money_column = next(c for c in SECTIONS["ledger"][2] if c.kind == "money")
    as_problems = [p.message for p in check_amount(fen, 1, "金额")]
    assert as_problems == ([] if message is None else [message])  # validation of saved rows
    for enter in (lambda: coerce_value(money_column, fen), lambda: to_amount(f"{fen / 100:.2f}")):
        if message is None:
            assert enter() == fen  # the form grid and the importer accept it
        else:
            with pytest.raises(ValueError) as refused:
                enter()
            assert str(refused.value) == message


# ---- the ≥5万 payment rule ----

CASES = [
    (Direction.expense, MAJOR_PAYMENT_FEN, "公益支出", True),
    (Direction.expense, MAJOR_PAYMENT_FEN - 1, "公益支出", False),
    (Direction.income, MAJOR_PAYMENT_FEN, "经营收入", False),
    (Direction.expense, MAJOR_PAYMENT_FEN, TRANSFER_CATEGORY, False),
]


def test_the_rule_itself():
    assert [is_major_payment(direction=d, amount_fen=a, category=c) for d, a, c, _ in CASES] == [
        major for *_, major in CASES
    ]


def test_the_review_flags_what_the_rule_flags():
    lines = [{"direction": d, "amount_fen": a, "category": c} for d, a, c, _ in CASES]
    assert [p["line"] for p in major_payments(lines)] == [i for i, case in enumerate(CASES, 1) if case[3]]


def test_the_published_record_and_its_upcaster_flag_what_the_rule_flags(village_setup):
    engine, _ = village_setup
    lines = [
        ledger_line(date(2026, 3, 2), f"第{i}笔", amount, direction=direction, category=category)
        for i, (direction, amount, category, _) in enumerate(CASES[:3], 1)
    ]
    with unit_of_work(engine) as session:
        village, clerk, sup = get_village(session, "V1"), get_user(session, "clerk1"), get_user(session, "sup1")
        enter_month(session, village, clerk, "2026-03", opening=100_000_000, lines=lines)
        publish(session, village, clerk, sup, "2026-03")
        session.commit()
        stored = latest_snapshot(session, village.id, "2026-03")
    record = load_snapshot(stored)
    assert [x.major for x in record.finance.ledger] == [case[3] for case in CASES[:3]]
    assert [x.summary for x in record.finance.major_payments] == ["第1笔"]

    legacy = json.loads(stored.content_json)  # as schema 1 stored it: no flags, whole lines, no seals
    legacy["schema"] = 1
    del legacy["finance"]["transfers"], legacy["salts"]
    lines = {x["line"]: x for x in legacy["finance"]["ledger"]}
    for key in ("largest_expenses", "major_payments"):
        legacy["finance"][key] = [dict(lines[n]) for n in legacy["finance"][key]]
    for key in ("ledger", "largest_expenses", "major_payments"):
        for line in legacy["finance"][key]:
            del line["transfer"], line["major"]
    assert [x.major for x in parse_snapshot(legacy).finance.ledger] == [case[3] for case in CASES[:3]]
