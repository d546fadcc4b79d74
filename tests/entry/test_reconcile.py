"""银行对账 messages and row-level problems beside the grid rows (pure functions)."""

from board.errors import BoardError, Problem
from board.reconcile import likely_lines, reconcile_message
from views.entry_form import problems_by_row

LEDGER = [
    {"line": 1, "account": "bank", "direction": "out", "amount_fen": 50_000, "summary": "电费", "category": "管理费用"},
    {"line": 2, "account": "bank", "direction": "in", "amount_fen": 30_000, "summary": "租金", "category": "经营收入"},
    {"line": 3, "account": "cash", "direction": "in", "amount_fen": 20_000, "summary": "提现", "category": "内部转账"},
]


def test_the_message_names_account_difference_and_likely_line():
    message = reconcile_message("bank", "银行存款", 100_000, 150_000, LEDGER)
    assert message.startswith("银行存款：账上算出的月末余额是 1,000.00元")
    assert "银行对账单上是 1,500.00元，账上少了 500.00元" in message
    assert "收支明细第 1 行“电费”的支出正好是 500.00元" in message
    assert reconcile_message("bank", "银行存款", 100_000, 100_000, LEDGER) == ""
    assert "还没有填写银行对账单" in reconcile_message("bank", "银行存款", 100_000, None, LEDGER)
    assert "还没有填写现金盘点" in reconcile_message("cash", "现金", 0, None, LEDGER)


def test_reversed_sign_and_missing_transfer_leg_are_suggested():
    # Books 600.00 above the statement: the 300.00 income may have been an expense.
    assert any("收入和支出是否记反了" in h and "第 2 行" in h for h in likely_lines("bank", -60_000, LEDGER))
    # The cash side of a 200.00 transfer is there, the bank side is missing.
    assert any("内部转账" in h and "第 3 行" in h for h in likely_lines("bank", -20_000, LEDGER))
    assert likely_lines("bank", 12_345, LEDGER) == ["是否漏记了一笔 123.45元 的收入，或某一行金额录错了"]


def test_problems_are_shown_beside_the_grid_rows_they_belong_to():
    grid = [{"summary": "a", "id": None}, {"summary": None, "id": None}, {"summary": "c", "id": None}]
    error = BoardError([Problem(2, "收支明细·金额", "不能为空"), Problem(0, "银行存款·月末实有余额", "x")])
    # The wholly empty grid row is skipped when saving, so save row 2 is grid row 3.
    assert problems_by_row(error, grid) == {3: "金额：不能为空"}
