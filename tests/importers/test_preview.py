"""preview_import on realistic files: totals to the fen, cross-checks, and every problem named."""

from __future__ import annotations

from datetime import date

import pytest

from board.errors import BoardError
from board.importers import preview_import
from models import Account, DebtKind, Direction
from tests.importers.files import (
    JOURNAL_EXPENSE_FEN,
    JOURNAL_INCOME_FEN,
    JOURNAL_OPENING_FEN,
    PERIOD,
    csv_bytes,
    journal_grid,
    with_cached_formula,
    xlsx,
)


def test_bank_journal_from_bookkeeping_software_gives_exact_totals():
    preview = preview_import("ledger", xlsx(journal_grid()), "日记账.xlsx", period=PERIOD)

    assert preview.ok, preview.problems
    assert preview.header_row == 3
    assert preview.account == "bank"
    assert [r["_row"] for r in preview.rows] == [5, 6, 8, 9]
    assert preview.totals["income_fen"] == JOURNAL_INCOME_FEN == 4_234_568
    assert preview.totals["expense_fen"] == JOURNAL_EXPENSE_FEN
    assert preview.totals["opening_fen"] == JOURNAL_OPENING_FEN
    assert preview.totals["closing_fen"] == 8_311_118
    assert preview.totals["count"] == 4
    first = preview.rows[0]
    assert first["entry_date"] == date(2026, 11, 2)
    assert first["direction"] == Direction.income and first["amount_fen"] == 1_234_567
    assert first["category"] == "发包及上交收入" and first["voucher_no"] == "记-1"
    assert preview.rows[1]["direction"] == Direction.expense
    assert all(r["account"] == Account.bank for r in preview.rows)
    checks = "\n".join(preview.checks)
    assert "第10行合计与明细一致" in checks
    assert "跳过空行 1 行" in checks
    assert "银行存款日记账" in checks


def test_total_row_that_disagrees_with_lines_is_refused_naming_row_and_column():
    grid = journal_grid(total_income="42,345.00")
    preview = preview_import("ledger", xlsx(grid), "日记账.xlsx", period=PERIOD)

    assert not preview.ok
    [problem] = preview.problems
    assert problem.row == 10 and problem.field == "借方金额"
    assert "42,345.00元" in problem.message and "42,345.68元" in problem.message and "相差 -0.68元" in problem.message


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_and_utf8_reads_the_same(encoding):
    preview = preview_import("ledger", csv_bytes(journal_grid(), encoding), "日记账.csv", period=PERIOD)

    assert preview.ok, preview.problems
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (JOURNAL_INCOME_FEN, JOURNAL_EXPENSE_FEN)
    assert preview.rows[0]["summary"] == "收到土地发包款"


def test_cash_journal_title_sets_the_account_and_missing_category_is_derived():
    grid = [
        ["XX村2026年11月现金日记账"],
        ["月", "日", "凭证号", "摘要", "借方", "贷方", "余额"],
        ["11", "1", "", "期初余额", "", "", "800.00"],
        [11, 3, "现-1", "收取打印费", "20", "", "820.00"],
        [11, 4, "现-2", "购买茶叶", "", "120.5", "699.50"],
    ]
    preview = preview_import("ledger", xlsx(grid), "现金.xlsx", period=PERIOD)

    assert preview.ok, preview.problems
    assert preview.account == "cash"
    assert [r["entry_date"] for r in preview.rows] == [date(2026, 11, 3), date(2026, 11, 4)]
    assert [r["category"] for r in preview.rows] == ["其他收入", "其他支出"]
    assert preview.totals["opening_fen"] == 80_000 and preview.totals["closing_fen"] == 69_950
    assert any("没有“科目”列" in c for c in preview.checks)


def test_own_excel_with_signed_amount_and_chinese_dates():
    grid = [
        ["记账日期", "事由", "科目名称", "金额", "报销人"],
        ["11月3日", "收租金", "发包及上交收入", "1234.5元", ""],
        ["2026/11/5", "买办公用品", "管理费用", "(200.00)", "张三"],
        ["2026年11月6日", "付网费", "管理费用", "-99.9", ""],
    ]
    preview = preview_import("ledger", xlsx(grid), "我的账.xlsx", period=PERIOD)

    assert preview.ok, preview.problems
    assert [(r["direction"], r["amount_fen"]) for r in preview.rows] == [
        (Direction.income, 123_450),
        (Direction.expense, 20_000),
        (Direction.expense, 9_990),
    ]
    assert preview.rows[1]["handler"] == "张三"
    assert any("默认全部记入银行存款" in c for c in preview.checks)


def test_dates_outside_the_period_and_bad_amounts_name_row_and_column():
    grid = [
        ["日期", "摘要", "收入", "支出"],
        ["2026-10-31", "上月的账", "100", ""],
        ["2026-11-02", "", "abc", ""],
        ["2026-11-31", "不存在的日子", "", "5"],
        ["2026-11-03", "两边都有", "1", "2"],
    ]
    preview = preview_import("ledger", csv_bytes(grid), "x.csv", period=PERIOD)

    found = {(p.row, p.field) for p in preview.problems}
    assert (2, "日期") in found
    assert any(p.row == 2 and "不在所选月份 2026-11 内" in p.message for p in preview.problems)
    assert (3, "收入") in found and (3, "摘要") in found
    assert (4, "日期") in found
    assert (5, "收入") in found
    assert not preview.ok


def test_running_balance_mismatch_is_found_at_its_line():
    grid = journal_grid()
    grid[5] = [date(2026, 11, 5), "记-2", "支付村部电费", "管理费用", "", "1,234.50", "61,111.00"]
    preview = preview_import("ledger", xlsx(grid), "日记账.xlsx", period=PERIOD)

    assert [(p.row, p.field) for p in preview.problems] == [(6, "余额")]
    assert "61,111.17元" in preview.problems[0].message


def test_unrecognised_headers_need_mapping_and_a_given_mapping_works():
    grid = [["时间点", "干了啥", "进账", "出账"], ["2026-11-02", "卖树苗", "50", ""]]
    data = xlsx(grid)
    first = preview_import("ledger", data, "x.xlsx", period=PERIOD)
    assert not first.ok and first.rows == []
    assert set(first.missing_fields) == {"entry_date", "summary", "amount_fen"}
    assert first.headers == ["时间点", "干了啥", "进账", "出账"]

    mapping = {"entry_date": "时间点", "summary": "干了啥", "income_fen": "进账", "expense_fen": "出账"}
    second = preview_import("ledger", data, "x.xlsx", period=PERIOD, mapping=mapping)
    assert second.ok, second.problems
    assert second.mapping == mapping
    assert second.rows[0]["amount_fen"] == 5_000


def test_unknown_categories_are_listed_but_allowed():
    known = {Direction.income: ["发包及上交收入"], Direction.expense: ["管理费用"]}
    preview = preview_import("ledger", xlsx(journal_grid()), "j.xlsx", period=PERIOD, known_categories=known)

    assert preview.ok
    assert any("补助收入" in c and "公益支出" in c for c in preview.checks)


def test_formula_cells_give_their_cached_values():
    grid = [
        ["日期", "摘要", "收入", "支出"],
        ["2026-11-02", "收款", 10, ""],
        ["2026-11-03", "收款", 20, ""],
        ["", "合计", 0, ""],
    ]
    data = with_cached_formula(xlsx(grid), "C4", "SUM(C2:C3)", "30")
    preview = preview_import("ledger", data, "f.xlsx", period=PERIOD)

    assert preview.ok, preview.problems
    assert any("合计与明细一致" in c and "30.00元" in c for c in preview.checks)


def test_hidden_sheet_is_skipped_and_mentioned():
    preview = preview_import("ledger", xlsx(journal_grid(), hidden_first=True), "j.xlsx", period=PERIOD)

    assert preview.sheet_name == "日记账" and preview.ok
    assert any("隐藏的工作表“说明”" in c for c in preview.checks)


def test_debts_with_receivable_and_payable_columns():
    grid = [
        ["债权债务明细表"],
        ["单位名称", "应收款", "应付款", "备注"],
        ["某建筑公司", "", "12,000.00", "工程尾款"],
        ["张某", "3,000", "", "借款"],
        ["", "", "", ""],
        ["合计", "3,000.00", "12,000.00", ""],
    ]
    preview = preview_import("debts", xlsx(grid), "d.xlsx", period=PERIOD)

    assert preview.ok, preview.problems
    assert [(r["kind"], r["amount_fen"]) for r in preview.rows] == [
        (DebtKind.payable, 1_200_000),
        (DebtKind.receivable, 300_000),
    ]
    assert preview.totals["receivable_fen"] == 300_000 and preview.totals["payable_fen"] == 1_200_000


def test_beneficiary_id_number_stored_as_number_is_refused():
    grid = [
        ["姓名", "身份证号码", "联系电话", "组别", "发放金额"],
        ["王大", "11010519491231002X", 13800138000, 3, "300"],
        ["李二", 110105194912310020, "", "", "300"],
    ]
    preview = preview_import("beneficiaries", xlsx(grid), "b.xlsx", period=PERIOD)

    assert preview.rows[0]["phone"] == "13800138000" and preview.rows[0]["group_name"] == "3"
    assert [(p.row, p.field) for p in preview.problems] == [(3, "身份证号码")]
    assert "文本" in preview.problems[0].message


def test_services_assets_party_affairs_read_their_columns():
    services = preview_import(
        "services",
        csv_bytes([["服务事项", "所需材料", "办理地点"], ["开具证明", "身份证", "便民服务站"]]),
        "s.csv",
        period=PERIOD,
    )
    assets = preview_import(
        "assets", csv_bytes([["资产名称", "数量", "原值"], ["村部办公楼", "1", "1,200,000.00"]]), "a.csv", period=PERIOD
    )
    party = preview_import(
        "party", csv_bytes([["类别", "日期", "标题"], ["主题党日", "11月10日", "学习会"]]), "p.csv", period=PERIOD
    )
    affairs = preview_import(
        "affairs",
        csv_bytes([["类别", "日期", "标题", "金额"], ["其他", "2026-12-01", "下月的事", "5"]]),
        "f.csv",
        period=PERIOD,
    )

    assert services.ok and services.rows[0]["materials"] == "身份证"
    assert assets.ok and assets.totals["original_value_fen"] == 120_000_000
    assert party.ok and party.rows[0]["item_date"] == date(2026, 11, 10)
    assert [(p.row, p.field) for p in affairs.problems] == [(2, "日期")]


def test_unknown_kind_and_bad_period_are_refused():
    with pytest.raises(BoardError, match="未知的导入类别"):
        preview_import("salary", b"a,b\n", "x.csv", period=PERIOD)
    with pytest.raises(BoardError, match="格式不对"):
        preview_import("ledger", b"a,b\n", "x.csv", period="2026-13")
