"""commit_import saves through board.entry: all or nothing, one account at a time for journals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from board.auth import add_user, get_user
from board.entry import save_section, section_rows
from board.errors import BoardError
from board.importers import commit_import, preview_import, remember_mapping, remembered_mapping
from board.records import find_period
from board.villages import add_village, get_village
from infra.db import unit_of_work
from models import AffairItem, Beneficiary, LedgerEntry, Role
from tests.importers.files import JOURNAL_EXPENSE_FEN, JOURNAL_INCOME_FEN, PERIOD, csv_bytes, journal_grid, xlsx

CASH_JOURNAL = [
    ["现金日记账"],
    ["日期", "摘要", "科目", "收入", "支出", "余额"],
    ["", "上月结转", "", "", "", "1,000.00"],
    ["2026-11-03", "收取打印费", "其他收入", "20.00", "", "1,020.00"],
]


def _setup(session):
    add_village(session, code="C1", name="测试村", township_code="T1")
    add_user(session, username="clerk1", password="pw-12345678", role=Role.clerk, village_codes=("C1",))
    session.flush()
    return get_village(session, "C1"), get_user(session, "clerk1")


def test_journal_replaces_only_its_account_and_sets_its_balance(engine):
    with unit_of_work(engine) as session:
        village, user = _setup(session)
        save_section(
            session,
            village=village,
            period=PERIOD,
            user=user,
            section="balances",
            rows=[
                {"account": "cash", "opening_fen": 1, "closing_fen": 2},
                {"account": "bank", "opening_fen": 3, "closing_fen": 4},
            ],
        )
        cash = preview_import("ledger", xlsx(CASH_JOURNAL), "cash.xlsx", period=PERIOD)
        commit_import(session, village=village, period=PERIOD, user=user, preview=cash)
        bank = preview_import("ledger", xlsx(journal_grid()), "bank.xlsx", period=PERIOD)
        summary = commit_import(session, village=village, period=PERIOD, user=user, preview=bank)
        session.commit()

    assert summary["kept_other_account_rows"] == 1 and summary["balance_updated"] == "bank"
    with unit_of_work(engine) as session:
        row = find_period(session, get_village(session, "C1"), PERIOD)
        ledger = section_rows(session, period_row=row, section="ledger")
        balances = {b["account"]: b for b in section_rows(session, period_row=row, section="balances")}
    assert len(ledger) == 5
    assert [r["entry_date"] for r in ledger] == sorted(r["entry_date"] for r in ledger)
    bank_lines = [r for r in ledger if r["account"] == "bank"]
    assert sum(r["amount_fen"] for r in bank_lines if r["direction"] == "in") == JOURNAL_INCOME_FEN
    assert sum(r["amount_fen"] for r in bank_lines if r["direction"] == "out") == JOURNAL_EXPENSE_FEN
    assert balances["bank"]["opening_fen"] == 5_000_000 and balances["bank"]["statement_fen"] == 8_311_118
    assert balances["cash"]["opening_fen"] == 100_000 and balances["cash"]["statement_fen"] == 102_000


def test_preview_with_problems_is_refused_and_nothing_is_saved(sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        village, user = _setup(session)
        session.commit()
    bad = preview_import("ledger", xlsx(journal_grid(total_expense="1.00")), "b.xlsx", period=PERIOD)
    with unit_of_work(sqlite_engine) as session:
        with pytest.raises(BoardError, match="合计行写的是"):
            commit_import(session, village=village, period=PERIOD, user=user, preview=bad)
        good = preview_import("ledger", xlsx(journal_grid()), "b.xlsx", period=PERIOD)
        with pytest.raises(BoardError, match="不能保存到"):
            commit_import(session, village=village, period="2026-12", user=user, preview=good)
        assert session.exec(select(LedgerEntry)).all() == []


def test_unmapped_preview_is_refused(sqlite_engine):
    unmapped = preview_import("ledger", csv_bytes([["甲", "乙"], ["1", "2"]]), "x.csv", period=PERIOD)
    with unit_of_work(sqlite_engine) as session:
        village, user = _setup(session)
        with pytest.raises(BoardError, match="没有对应的列"):
            commit_import(session, village=village, period=PERIOD, user=user, preview=unmapped)


def test_mapping_is_remembered_per_village_and_kind(sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        village, _ = _setup(session)
        assert remembered_mapping(session, village=village, kind="ledger") is None
        remember_mapping(session, village=village, kind="ledger", mapping={"summary": "干了啥"})
        remember_mapping(session, village=village, kind="ledger", mapping={"summary": "用途说明"})
        session.commit()
    with unit_of_work(sqlite_engine) as session:
        village = get_village(session, "C1")
        assert remembered_mapping(session, village=village, kind="ledger") == {"summary": "用途说明"}
        assert remembered_mapping(session, village=village, kind="assets") is None


def test_beneficiaries_go_to_one_affair_and_whole_sections_replace(sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        village, user = _setup(session)
        affairs = preview_import(
            "affairs",
            csv_bytes([["类别", "日期", "标题"], ["低保·救助·补贴发放", "2026-11-05", "11月低保发放"]]),
            "a.csv",
            period=PERIOD,
        )
        commit_import(session, village=village, period=PERIOD, user=user, preview=affairs)
        affair = session.exec(select(AffairItem)).one()
        people = preview_import(
            "beneficiaries", csv_bytes([["姓名", "金额"], ["王大", "300"], ["李二", "450.5"]]), "b.csv", period=PERIOD
        )
        with pytest.raises(BoardError, match="哪一项村务"):
            commit_import(session, village=village, period=PERIOD, user=user, preview=people)
        summary = commit_import(session, village=village, period=PERIOD, user=user, preview=people, affair_id=affair.id)
        session.commit()
        assert summary["amount_fen"] == 75_050
        assert [b.name for b in session.exec(select(Beneficiary).order_by(Beneficiary.id))] == ["王大", "李二"]
        assert affair.item_date == date(2026, 11, 5)


def test_import_into_a_published_month_is_refused(demo_engine):
    preview = preview_import("ledger", xlsx(journal_grid()), "b.xlsx", period="2026-10")
    assert not preview.ok  # its dates are in 2026-11
    october = [["日期", "摘要", "收入"], ["2026-10-03", "收款", "1"]]
    preview = preview_import("ledger", csv_bytes(october), "o.csv", period="2026-10")
    with unit_of_work(demo_engine) as session:
        with pytest.raises(BoardError):
            commit_import(
                session,
                village=get_village(session, "DEMO"),
                period="2026-10",
                user=get_user(session, "wenshu"),
                preview=preview,
            )
