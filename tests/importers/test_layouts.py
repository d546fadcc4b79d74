"""What the gallery's layouts must refuse or explain: the checks behind the figures."""

from __future__ import annotations

from datetime import date

from board.importers import preview_import
from board.importers.values import to_partial_date
from board.periods import format_partial_date, partial_iso
from tests.importers.gallery import LAYOUTS, PERIOD, Sheet, _three_column_grid, build, for_history
from views.review import section_table

BY_NAME = {layout.name: layout for layout in LAYOUTS}


def _preview(fmt, grid, kind="ledger", merges=(), name="x", period=PERIOD):
    ext = "csv" if fmt.startswith("csv") else fmt
    return preview_import(kind, build(fmt, [Sheet("日记账", grid, list(merges))]), f"{name}.{ext}", period=period)


def test_running_balance_disagreement_names_the_first_line():
    layout = BY_NAME["bank_signed_gbk"]
    grid = [list(r) for r in layout.sheets[0].grid]
    grid[8][3] = "52,400.00"  # the third line's 账户余额 is off by 99.50
    preview = _preview("csv-gbk", grid)

    assert [(p.row, p.field) for p in preview.problems] == [(9, "账户余额")]
    assert "52,400.00元" in preview.problems[0].message and "52,499.50元" in preview.problems[0].message


def test_page_carry_that_disagrees_with_the_lines_is_refused():
    grid, merges = _three_column_grid("幸福村现金日记账")
    grid[6][5] = 36.50  # 过次页 says 36.50, the lines above add up to 35.50
    preview = _preview("xlsx", grid, merges=merges)

    assert [(p.row, p.field) for p in preview.problems] == [(7, "借方")]
    assert "“过次页”行写的是 36.50元" in preview.problems[0].message and "35.50元" in preview.problems[0].message


def test_carry_and_period_totals_are_never_lines():
    grid, merges = _three_column_grid("幸福村现金日记账")
    preview = _preview("xls", grid, merges=merges)

    assert [r["_row"] for r in preview.rows] == [5, 6, 9, 10]
    assert any("过次页" in c and "本年累计" in c for c in preview.checks)


def test_year_in_the_header_that_is_not_the_months_year_is_refused():
    grid, merges = _three_column_grid("幸福村现金日记账")
    grid[1][0] = "2025年"
    preview = _preview("xlsx", grid, merges=merges)

    assert not preview.ok
    assert {p.row for p in preview.problems} >= {5, 6, 9, 10}
    assert "2025-11-03 不在所选月份 2026-11 内" in preview.problems[0].message


def test_january_year_total_is_checked_against_the_month():
    grid = [
        ["幸福村2027年1月现金日记账"],
        ["日期", "摘要", "借方", "贷方"],
        ["2027-01-05", "收款", "10.00", ""],
        ["", "本月合计", "10.00", ""],
        ["", "本年累计", "12.00", ""],
    ]
    preview = _preview("csv-utf8", grid, period="2027-01")

    assert [(p.row, p.field) for p in preview.problems] == [(5, "借方")]


def test_a_file_of_several_months_without_a_balance_column_is_refused_not_cut():
    grid = [
        ["交易日期", "交易金额", "对方户名", "摘要"],
        ["2026-10-30", "-5.00", "甲", "费用"],
        ["2026-11-02", "8.00", "乙", "收款"],
    ]
    preview = _preview("csv-utf8", grid)

    assert [(p.row, p.field) for p in preview.problems] == [(2, "交易日期")]


def test_bank_debit_credit_in_a_village_journal_keeps_the_books_view():
    grid = [
        ["幸福村银行存款日记账"],
        ["日期", "凭证号", "摘要", "借方发生额", "贷方发生额"],
        ["2026-11-02", "记-1", "收款", "100.00", ""],
    ]
    preview = _preview("csv-utf8", grid)

    assert preview.rows[0]["direction"].value == "in"


def test_voucher_transfer_lines_are_internal_transfers_of_both_accounts():
    preview = preview_import("ledger", BY_NAME["voucher_list_xlsx"].data(), "序时账.xlsx", period=PERIOD)

    transfer = [(r["account"].value, r["direction"].value) for r in preview.rows if r["category"] == "内部转账"]
    assert transfer == [("cash", "in"), ("bank", "out")]
    assert all("subject_code" not in r for r in preview.rows)
    assert [r["category"] for r in preview.rows if r["voucher_no"] == "记-5"] == ["应付工资"]


def _split_cash(carried, after):
    cash = BY_NAME["two_sheets_xlsx"].sheets[0]
    page2 = [
        ["幸福村2026年11月现金日记账（续）"],
        cash.grid[1],
        [date(2026, 11, 1), None, "承前页", None, None, None, carried],
        [date(2026, 11, 20), "现-3", "买水", "管理费用", None, 10, after],
    ]
    return preview_import("ledger", build("xlsx", [cash, Sheet("现金日记账2", page2)]), "现金.xlsx", period=PERIOD)


def test_a_month_split_over_two_sheets_is_one_account():
    preview = _split_cash(2149.6, 2139.6)

    assert preview.ok, preview.problems
    assert preview.account == "cash" and len(preview.rows) == 3
    assert preview.balances == {"cash": {"opening_fen": 30_000, "closing_fen": 213_960}}


def test_two_sheets_whose_balances_do_not_join_are_refused():
    preview = _split_cash(2100, 2090)

    assert [(p.row, p.field) for p in preview.problems] == [(0, "现金日记账2·月初余额")]
    assert "上一个工作表结束时余额是 2,149.60元" in preview.problems[0].message


def test_register_dates_keep_their_precision():
    assert to_partial_date("2012-06") == (date(2012, 6, 1), "month")
    assert to_partial_date("2012年6月") == (date(2012, 6, 1), "month")
    assert to_partial_date("2015年") == (date(2015, 1, 1), "year")
    assert to_partial_date(2015.0) == (date(2015, 1, 1), "year")
    assert to_partial_date("2012-06-03") == (date(2012, 6, 3), "day")
    assert format_partial_date(partial_iso(date(2012, 6, 1), "month")) == "2012年6月"
    assert format_partial_date(partial_iso(date(2015, 1, 1), "year")) == "2015年"
    assert format_partial_date(partial_iso(date(2012, 6, 3), "day")) == "2012-06-03"

    preview = preview_import("assets", BY_NAME["assets_xlsx"].data(), "资产.xlsx", period=PERIOD)
    shown = [r["购建日期"] for r in section_table("assets", preview.rows)]
    assert shown == ["2012年6月", "2015年", "2019年3月", "2021-07-15"]


def test_register_month_that_does_not_exist_names_the_row():
    grid = [["资产名称", "购建时间", "原值"], ["水泵", "2012-13", "800"]]
    preview = _preview("csv-utf8", grid, kind="assets")

    assert [(p.row, p.field) for p in preview.problems] == [(2, "购建时间")]


def test_debit_and_credit_with_nothing_else_to_go_by_are_read_from_the_balance():
    bank = [
        ["日期", "摘要", "借方", "贷方", "余额"],
        ["2026-11-02", "存入", "", "100.00", "1,100.00"],
        ["2026-11-05", "付款", "30.00", "", "1,070.00"],
    ]
    books = [row[:2] + [row[3], row[2], row[4]] for row in bank]
    books[0] = ["日期", "摘要", "借方", "贷方", "余额"]

    as_bank = _preview("csv-utf8", bank)
    as_books = _preview("csv-utf8", books)

    for preview in (as_bank, as_books):
        assert preview.ok, preview.problems
        assert [(r["direction"].value, r["amount_fen"]) for r in preview.rows] == [("in", 10_000), ("out", 3_000)]
        assert preview.totals["opening_fen"] == 100_000
    assert "银行" in as_bank.layout and "余额列表明这是银行的记法" in "".join(as_bank.checks)
    assert "日记账" in as_books.layout


def test_year_total_is_checked_against_the_months_in_the_system():
    layout = BY_NAME["three_column_cash_xlsx"]
    earlier = {
        "2026-01": {"cash": {"income_fen": 1_000_000, "expense_fen": 400_000}, "bank": {"income_fen": 7}},
        "2026-02": {"cash": {"income_fen": 376_450}},
    }
    full = {f"2026-{m:02d}": {} for m in range(3, 11)} | earlier

    right = preview_import("ledger", for_history(layout, full).data(), "x.xlsx", period=PERIOD, earlier=full)
    wrong = preview_import("ledger", layout.data(), "x.xlsx", period=PERIOD, earlier=full)
    missing = preview_import("ledger", layout.data(), "x.xlsx", period=PERIOD, earlier=earlier)

    assert right.ok, right.problems
    assert any("第12行合计与明细一致（借方 15,000.00元，贷方 4,828.25元" in c for c in right.checks)
    assert wrong.ok  # the month's own lines are right: an earlier month in the system may not be
    assert any(
        "请核对：第12行“贷方”写的是 13,000.00元，但系统里2026-01以来各月明细之和是 4,828.25元" in c
        for c in wrong.checks
    )
    assert missing.ok and any("“本年累计”行未核对" in c for c in missing.checks)
