"""Files that used to be read wrong without a word: subtotal rows, unsigned amounts, numeric
dates, impossible amounts, signature footers, formulas without results."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from board.auth import add_user, get_user
from board.importers import import_file, preview_import, remembered_mapping
from board.importers.values import to_int
from board.villages import add_village, get_village
from infra.db import unit_of_work
from models import Direction, Role
from tests.importers.files import JOURNAL_EXPENSE_FEN, JOURNAL_INCOME_FEN, PERIOD, journal_grid, xlsx

BANK_TITLE = "幸福社区2026年11月银行存款日记账"
HEADER = ["日期", "凭证字号", "摘要", "对方科目", "借方金额", "贷方金额"]


def _preview(grid, name="x.xlsx", **options):
    return preview_import("ledger", xlsx(grid), name, period=PERIOD, **options)


def _problems(preview) -> list[tuple[int, str]]:
    return [(p.row, p.field) for p in preview.problems]


def test_daily_and_cumulative_totals_are_not_counted_as_lines():
    grid = [
        [BANK_TITLE],
        HEADER,
        [date(2026, 11, 2), "记-1", "收到发包款", "发包及上交收入", "12,345.67", ""],
        [date(2026, 11, 2), "", "本日合计", "", "12,345.67", ""],
        [date(2026, 11, 5), "记-2", "电费", "管理费用", "", "1,234.50"],
        [date(2026, 11, 5), "", "本 日 小 计", "", "", "1,234.50"],
        ["", "", "本月合计", "", "12,345.67", "1,234.50"],
        ["", "", "本月累计", "", "12,345.67", "1,234.50"],
        ["", "", "本年累计", "", "99,999.00", "88,888.00"],
    ]
    preview = _preview(grid)

    assert preview.ok, preview.problems
    assert [r["_row"] for r in preview.rows] == [3, 5]
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (1_234_567, 123_450)
    checks = "\n".join(preview.checks)
    assert "“本日合计”" in checks and "“本月累计”" in checks and "第7行合计与明细一致" in checks


def test_unrecognised_total_line_without_voucher_gets_no_default_category():
    grid = [
        [BANK_TITLE],
        HEADER,
        [date(2026, 11, 2), "记-1", "收到发包款", "发包及上交收入", "100.00", ""],
        [date(2026, 11, 2), "", "11月2日发生额共计", "", "100.00", ""],
    ]
    preview = _preview(grid)

    assert _problems(preview) == [(4, "对方科目")]
    assert "像是合计行" in preview.problems[0].message


def test_unsigned_amount_takes_direction_from_category_then_title():
    grid = [
        ["幸福社区2026年11月现金支出明细"],
        ["日期", "摘要", "科目", "金额"],
        ["2026-11-03", "购买办公用品", "办公费", "1,200.00"],
        ["2026-11-04", "支付保洁员工资", "管理费用", "2,000.00"],
    ]
    preview = _preview(grid)

    assert preview.ok, preview.problems
    assert [r["direction"] for r in preview.rows] == [Direction.expense, Direction.expense]
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (0, 320_000)
    assert preview.account == "cash"
    checks = "\n".join(preview.checks)
    assert "标题“幸福社区2026年11月现金支出明细”含“现金”" in checks
    assert "现金日记账" not in checks


def test_unsigned_amount_with_unknown_category_and_no_title_is_a_problem():
    grid = [
        ["日期", "摘要", "科目", "金额"],
        ["2026-11-03", "收租金", "发包及上交收入", "1,000.00"],
        ["2026-11-04", "买茶叶", "办公费", "120.00"],
    ]
    preview = _preview(grid)

    assert _problems(preview) == [(3, "金额")]
    assert "无法判断是收入还是支出" in preview.problems[0].message
    assert preview.rows[0]["direction"] == Direction.income
    # The township's own chart decides when it is given.
    known = {Direction.income: ["发包及上交收入"], Direction.expense: ["办公费"]}
    assert _preview(grid, known_categories=known).ok


def test_dates_typed_as_numbers_are_refused_and_text_month_day_is_read():
    grid = [
        [BANK_TITLE],
        HEADER,
        [11.30, "记-1", "A", "管理费用", "", "10.00"],
        ["11.30", "记-2", "B", "管理费用", "", "20.00"],
    ]
    preview = _preview(grid)

    assert _problems(preview) == [(3, "日期")]
    assert "2026-11-30 这样的格式" in preview.problems[0].message
    assert preview.rows[1]["entry_date"] == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("cell", "fine"),
    [
        (1e12, False),
        ("99999999999.99", False),
        ("1,000,000,000.00", False),
        (-1e9, False),
        ("999,999,999.99", True),
        (999999999.99, True),
    ],
)
def test_amounts_of_ten_yi_or_more_are_refused_in_the_preview(cell, fine):
    grid = [[BANK_TITLE], HEADER, [date(2026, 11, 2), "记-1", "巨额", "管理费用", "", cell]]
    preview = _preview(grid)

    assert preview.ok is fine, preview.problems
    if not fine:
        assert _problems(preview) == [(3, "贷方金额")] and "10 亿元" in preview.problems[0].message


@pytest.mark.parametrize(
    ("cell", "fen"),
    [
        ("1,234.505", None),
        (0.285, None),
        ("1.2345678万", None),
        ("1.001元", None),
        (0.1 + 0.2, 30),
        (1234.5 * 3, 370_350),
        ("1,234.500", 123_450),
        ("1.234567万", 1_234_567),
    ],
)
def test_amounts_finer_than_a_fen_are_refused_but_float_noise_is_not(cell, fen):
    grid = [[BANK_TITLE], HEADER, [date(2026, 11, 2), "记-1", "x", "管理费用", "", cell]]
    preview = _preview(grid)

    if fen is None:
        assert _problems(preview) == [(3, "贷方金额")] and "两位小数" in preview.problems[0].message
    else:
        assert preview.ok, preview.problems
        assert preview.rows[0]["amount_fen"] == fen


def test_signature_footer_after_the_month_total_is_skipped():
    grid = journal_grid() + [["会计主管：张三", "", "制表：李四", "", "", "", ""], ["", "", "审核：王五"]]
    preview = _preview(grid)

    assert preview.ok, preview.problems
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (JOURNAL_INCOME_FEN, JOURNAL_EXPENSE_FEN)
    assert any("签名、备注行 2 行" in c for c in preview.checks)


def test_a_dated_line_after_the_total_is_still_read():
    grid = journal_grid(total_income="42,345.68") + [
        [date(2026, 11, 30), "记-5", "补记利息", "其他收入", "1.00", "", ""]
    ]
    preview = _preview(grid)

    assert preview.totals["count"] == 5
    # The 合计 above no longer matches the lines, which is what the clerk must be told.
    assert _problems(preview) == [(10, "借方金额"), (10, "余额")]


def test_failed_amount_is_one_problem_not_two():
    grid = [["日期", "摘要", "科目", "金额"], ["2026-11-05", "支出", "管理费用", "-"]]
    preview = _preview(grid)

    assert _problems(preview) == [(2, "金额")]
    assert "不是有效金额" in preview.problems[0].message
    journal = [[BANK_TITLE], HEADER, [date(2026, 11, 4), "记-2", "y", "管理费用", "0", "-"]]
    assert _problems(_preview(journal)) == [(3, "贷方金额")]


def test_integer_cell_with_a_superscript_digit_gets_a_chinese_message():
    with pytest.raises(ValueError, match="不是整数"):
        to_int("²")
    assert to_int("１２") == 12


def _with_formulas() -> bytes:
    """Formulas as openpyxl and other programs write them: no cached result."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "日记账"
    for row in [
        [BANK_TITLE],
        HEADER,
        [date(2026, 11, 2), "记-1", "收到发包款", "发包及上交收入", "12,345.67", ""],
        [date(2026, 11, 5), "记-2", "电费", "管理费用", "", "=1000+234.5"],
        ["", "", "本月合计", "", "=SUM(E3:E4)", "=SUM(F3:F4)"],
    ]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_formulas_without_results_say_so():
    preview = preview_import("ledger", _with_formulas(), "f.xlsx", period=PERIOD)

    assert _problems(preview) == [(4, "贷方金额"), (5, "借方金额"), (5, "贷方金额")]
    assert {p.message for p in preview.problems} == {"公式没有计算结果，请在 Excel 中打开后保存再导入"}


def test_import_file_remembers_only_a_chosen_mapping(engine):
    grid = [["时间点", "干了啥", "进账"], ["2026-11-02", "卖树苗", "50"]]
    mapping = {"entry_date": "时间点", "summary": "干了啥", "income_fen": "进账", "category": ""}
    with unit_of_work(engine) as session:
        add_village(session, code="M1", name="测试村", township_code="T1")
        add_user(session, username="clerk1", password="pw-12345678", role=Role.clerk, village_codes=("M1",))
        session.flush()
        village, user = get_village(session, "M1"), get_user(session, "clerk1")
        recognised = _preview(journal_grid())
        import_file(session, village=village, period=PERIOD, user=user, preview=recognised)
        assert remembered_mapping(session, village=village, kind="ledger") is None

        chosen = _preview(grid, mapping=mapping)
        summary = import_file(session, village=village, period=PERIOD, user=user, preview=chosen, mapping=mapping)
        session.commit()

    assert summary["rows"] == 1 and summary["income_fen"] == 5_000
    with unit_of_work(engine) as session:
        assert remembered_mapping(session, village=get_village(session, "M1"), kind="ledger") == mapping


def test_unsigned_amount_row_with_blank_category_gets_the_default_once_decided():
    grid = [
        ["村2026年11月支出明细"],
        ["日期", "摘要", "科目", "金额"],
        ["2026-11-03", "买茶叶", "", "120.00"],
        ["2026-11-04", "本页小计", "", "120.00"],
        ["2026-11-05", "11月5日共计", "", "120.00"],
    ]
    preview = _preview(grid)

    assert _problems(preview) == [(5, "科目")]
    assert preview.rows[0]["direction"] == Direction.expense and preview.rows[0]["category"] == "其他支出"
