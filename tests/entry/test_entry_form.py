"""Grid rows (元, Chinese choices, pandas values) ↔ typed rows (fen, codes)."""

import math
from datetime import date

import numpy as np
import pandas as pd

from board.auth import get_user
from board.entry import save_section, section_rows
from board.records import find_period
from board.villages import get_village
from infra.db import unit_of_work
from tests.helpers import DEMO_END
from views.entry_form import entry_months, from_grid, grid_identity, load_month, running_totals, to_grid


def test_money_goes_back_as_text_never_as_float_fen():
    grid = [
        {
            "entry_date": pd.Timestamp("2026-11-03"),
            "voucher_no": None,
            "summary": "电费",
            "category": "管理费用",
            "direction": "支出",
            "amount_fen": np.float64(1234.56),
            "counterparty": math.nan,
            "handler": "",
            "account": "银行存款",
        },
        {"entry_date": None, "summary": math.nan, "amount_fen": math.nan},
    ]  # empty added row
    rows = from_grid("ledger", grid)
    assert rows == [
        {
            "entry_date": date(2026, 11, 3),
            "voucher_no": None,
            "summary": "电费",
            "category": "管理费用",
            "direction": "支出",
            "amount_fen": "1234.56",
            "counterparty": None,
            "handler": None,
            "account": "银行存款",
        }
    ]


def test_grid_round_trip_keeps_fen_exact(village_setup):
    engine, _ = village_setup
    typed = [
        {
            "entry_date": date(2026, 3, 1),
            "voucher_no": "1",
            "summary": "补贴",
            "category": "补助收入",
            "direction": "in",
            "amount_fen": 10_000_000_01,
            "counterparty": "",
            "handler": "",
            "account": "cash",
        }
    ]
    grid = to_grid("ledger", typed)
    assert grid[0]["amount_fen"] == 10_000_000.01 and grid[0]["direction"] == "收入" and grid[0]["account"] == "现金"
    with unit_of_work(engine) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk1")
        save_section(
            session, village=village, period="2026-03", user=clerk, section="ledger", rows=from_grid("ledger", grid)
        )
        saved = section_rows(session, period_row=find_period(session, village, "2026-03"), section="ledger")
    assert saved == typed


def test_assets_quantity_and_affair_recipients_survive_the_grid():
    assets = from_grid("assets", [{"name": "路灯", "quantity": 180.0, "original_value_fen": 540000.0}])
    assert assets[0]["quantity"] == 180 and assets[0]["original_value_fen"] == "540000.0"
    people = [{"name": "张三", "amount_fen": 50_000}]
    affairs = from_grid(
        "affairs",
        [
            {"category": "低保·救助·补贴发放", "item_date": date(2026, 3, 2), "title": "低保", "id": 7.0},
            {"category": "其他", "item_date": date(2026, 3, 3), "title": "新", "id": math.nan},
        ],
        {7: people},
    )
    assert affairs[0]["beneficiaries"] == people and affairs[1]["beneficiaries"] == []


def test_live_identity_and_totals_tolerate_half_typed_cells():
    balances = [{"account": "银行存款", "opening_fen": 100.0, "statement_fen": 90.0}]
    ledger = [
        {"direction": "支出", "amount_fen": 15.5, "account": "银行存款", "summary": "a"},
        {"direction": "支出", "amount_fen": "abc", "account": "银行存款", "summary": "b"},
    ]
    bank = {r["account"]: r for r in grid_identity(balances, ledger)}["bank"]
    assert (bank["expected_fen"], bank["difference_fen"]) == (8_450, 550)
    assert running_totals("ledger", ledger) == [("行数", "2"), ("收入合计", "0.00元"), ("支出合计", "15.50元")]


def test_entry_months_default_to_the_month_after_the_latest_published(demo_engine):
    with unit_of_work(demo_engine) as session:
        village, clerk = get_village(session, "DEMO"), get_user(session, "wenshu")
        months, default = entry_months(session, village=village, user=clerk)
        month = load_month(session, village=village, period=DEMO_END, user=clerk)
    assert default == "2026-11" and months[0] == "2026-11" and months[1] == DEMO_END
    assert month["editable"] is False and month["status_label"] == "已公开"
    assert month["grids"]["balances"][0]["account"] in ("现金", "银行存款")
