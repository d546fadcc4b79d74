"""Every gallery layout through ``python -m board import``: checked, then saved, to the fen, without --map."""

from __future__ import annotations

import pytest

from board.importers import earlier_months
from board.records import find_period, load_records
from board.villages import get_village
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from models import Direction
from tests.helpers import run_cli
from tests.importers.gallery import LAYOUTS, PERIOD, for_history

BY_NAME = {layout.name: layout for layout in LAYOUTS}


def _saved(demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        return load_records(session, village, find_period(session, village, PERIOD))


@pytest.mark.parametrize("name", list(BY_NAME))
def test_layout_imports_through_the_cli(name, demo_url, tmp_path):
    with unit_of_work(get_engine(demo_url)) as session:
        # The demo has 2026-01 to 2026-10: the 本年累计 rows are checked against them.
        layout = for_history(
            BY_NAME[name], earlier_months(session, village=get_village(session, "DEMO"), period=PERIOD)
        )
    path = tmp_path / layout.filename
    path.write_bytes(layout.data())
    args = ("import", layout.kind, str(path), "--village", "DEMO", "--period", PERIOD)

    saved = run_cli(*args, "--by", "wenshu", db=demo_url, password=DEMO_PASSWORD)
    assert saved.returncode == 0, saved.stderr
    assert "识别为：" in saved.stdout and f"行数 {layout.totals['count']}" in saved.stdout
    if name.startswith("three_column"):
        assert "第12行合计与明细一致" in saved.stdout  # 本年累计, against the demo's 2026-01 to 2026-10
    records = _saved(demo_url)
    if layout.kind == "ledger":
        lines = records.ledger
        assert len(lines) == layout.totals["count"]
        assert sum(x.amount_fen for x in lines if x.direction == Direction.income) == layout.totals["income_fen"]
        assert sum(x.amount_fen for x in lines if x.direction == Direction.expense) == layout.totals["expense_fen"]
        for account, figures in layout.balances.items():
            [row] = [b for b in records.balances if b.account.value == account]
            assert (row.opening_fen, row.closing_fen) == (figures["opening_fen"], figures["closing_fen"])
        if "opening_fen" in layout.totals:
            [row] = [b for b in records.balances if b.account.value == layout.account]
            assert (row.opening_fen, row.closing_fen) == (layout.totals["opening_fen"], layout.totals["closing_fen"])
    elif layout.kind == "assets":
        assert sum(a.original_value_fen for a in records.assets) == layout.totals["original_value_fen"]
        assert [a.acquired_precision for a in records.assets] == ["month", "year", "month", "day"]
    elif layout.kind == "debts":
        assert len(records.debts) == layout.totals["count"]
    elif layout.kind == "resources":
        assert sum(r.annual_fee_fen for r in records.resources) == layout.totals["annual_fee_fen"]
    elif layout.kind == "beneficiaries":
        [affair] = records.affairs
        assert affair.title == "幸福村2026年11月低保金发放名单" and affair.category == "低保·救助·补贴发放"
        assert affair.amount_fen == layout.totals["amount_fen"]
        assert sum(b.amount_fen for b in records.beneficiaries[affair.id]) == layout.totals["amount_fen"]
        assert "新建了村务事项" in saved.stdout
    elif layout.kind == "services":
        assert [s.name for s in records.services][0] == layout.first_row["name"]


def test_check_shows_the_month_totals_and_saves_nothing(demo_url, tmp_path):
    layout = BY_NAME["bank_signed_gbk"]
    path = tmp_path / layout.filename
    path.write_bytes(layout.data())

    check = run_cli("import", "ledger", str(path), "--village", "DEMO", "--period", PERIOD, "--check", db=demo_url)

    assert check.returncode == 0, check.stderr
    assert "识别为：银行交易明细" in check.stdout
    assert "金额 ← “交易金额”" in check.stdout and "余额 ← “账户余额”" in check.stdout
    assert (
        "检查通过（未保存）：收支明细 行数 4  收入笔数 2  支出笔数 2  收入合计 12,003.21元  支出合计 9,500.50元"
        in check.stdout
    )
    assert "月初余额 50,000.00元  月末余额 52,502.71元" in check.stdout
    with unit_of_work(get_engine(demo_url)) as session:
        assert find_period(session, get_village(session, "DEMO"), PERIOD) is None


def test_beneficiary_list_goes_to_the_named_affair(demo_url, tmp_path):
    layout = BY_NAME["beneficiaries_xlsx"]
    path = tmp_path / layout.filename
    path.write_bytes(layout.data())
    args = ("import", "beneficiaries", str(path), "--village", "DEMO", "--period", PERIOD, "--by", "wenshu")

    first = run_cli(*args, "--affair", "11月低保金发放", db=demo_url, password=DEMO_PASSWORD)
    again = run_cli(*args, "--affair", "11月低保金发放", db=demo_url, password=DEMO_PASSWORD)

    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "新建了村务事项“11月低保金发放”" in first.stdout
    assert "名单已放入村务事项“11月低保金发放”" in again.stdout
    records = _saved(demo_url)
    [affair] = records.affairs
    assert [b.name for b in records.beneficiaries[affair.id]] == ["张桂英", "李长顺"]
