"""Property tests: no input crashes the importers, every rejection names a row and field,
and accepted amounts come back to the same fen."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.errors import BoardError
from board.importers import KINDS, preview_import
from board.importers.values import to_date, to_fen
from board.money import format_yuan
from models import Direction
from tests.importers.files import PERIOD, csv_bytes, xlsx

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADER = ["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"]

cells = st.one_of(
    st.none(),
    st.text(alphabet="0123456789.,-()元¥万 月日年/合计上月结转abc", max_size=12),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(
        ["本月合计", "合计", "上月结转", "小计", "收入", "支出", "现金", "银行存款", "2026-11-31", "11月3日"]
    ),
)


def _check_problems(preview, data_rows: set[int]) -> None:
    for problem in preview.problems:
        assert problem.field.strip()
        assert problem.message.strip()
        assert problem.row == 0 or problem.row in data_rows


@SETTINGS
@given(data=st.binary(max_size=400), kind=st.sampled_from(sorted(KINDS)))
def test_arbitrary_bytes_never_crash(data, kind):
    try:
        preview = preview_import(kind, data, "x.csv", period=PERIOD)
    except BoardError as error:
        assert all(p.field and p.message for p in error.problems)
        return
    _check_problems(preview, set(range(1, data.count(b"\n") + data.count(b"\r") + 3)))


@SETTINGS
@given(
    grid=st.lists(st.lists(cells, min_size=0, max_size=8), max_size=12),
    kind=st.sampled_from(sorted(KINDS)),
    as_csv=st.booleans(),
)
def test_arbitrary_cells_under_a_header_never_crash(grid, kind, as_csv):
    rows = [["某村2026年11月银行存款日记账"], HEADER, *grid]
    data = csv_bytes([[("" if c is None else c) for c in r] for r in rows]) if as_csv else xlsx(rows)
    try:
        preview = preview_import(kind, data, "x", period=PERIOD)
    except BoardError as error:
        assert all(p.field and p.message for p in error.problems)
        return
    _check_problems(preview, set(range(preview.header_row + 1, len(rows) + 1)))
    if preview.ok:
        for row in preview.rows:
            assert row["_row"] > preview.header_row
            assert all(v >= 0 for k, v in row.items() if k.endswith("_fen"))


def _amount_text(fen: int, style: int):
    yuan = format_yuan(fen, unit=False)
    return [yuan, yuan.replace(",", ""), yuan + "元", fen / 100, f"￥{yuan}"][style]


lines = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=30),
        st.sampled_from([Direction.income, Direction.expense]),
        st.integers(min_value=1, max_value=10**10),
        st.integers(min_value=0, max_value=4),
        st.text(alphabet="收到支付电费补助款项村民", min_size=1, max_size=20),
    ),
    min_size=1,
    max_size=15,
)


@SETTINGS
@given(lines=lines, fmt=st.sampled_from(["xlsx", "utf-8-sig", "gbk"]), with_total=st.booleans())
def test_accepted_rows_round_trip_to_the_same_fen(lines, fmt, with_total):
    grid = [["测试村银行存款日记账"], HEADER]
    for day, direction, fen, style, summary in lines:
        amount = _amount_text(fen, style)
        income, expense = (amount, "") if direction == Direction.income else ("", amount)
        grid.append([date(2026, 11, day) if fmt == "xlsx" else f"2026/11/{day}", "", summary, "", income, expense, ""])
    income_total = sum(f for _, d, f, _, _ in lines if d == Direction.income)
    expense_total = sum(f for _, d, f, _, _ in lines if d == Direction.expense)
    if with_total:
        grid.append(["", "", "本月合计", "", format_yuan(income_total), format_yuan(expense_total), ""])
    data = xlsx(grid) if fmt == "xlsx" else csv_bytes(grid, fmt)

    preview = preview_import("ledger", data, "j", period=PERIOD)

    assert preview.ok, preview.problems
    assert [(r["direction"], r["amount_fen"]) for r in preview.rows] == [(d, f) for _, d, f, _, _ in lines]
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (income_total, expense_total)
    assert [r["_row"] for r in preview.rows] == list(range(3, 3 + len(lines)))


@SETTINGS
@given(fen=st.integers(min_value=-(10**11), max_value=10**11), style=st.integers(min_value=0, max_value=4))
def test_amount_parser_round_trips(fen, style):
    text = _amount_text(abs(fen), style)
    parsed = to_fen(text)
    assert parsed == abs(fen)
    if fen < 0:
        assert to_fen(f"({format_yuan(-fen, unit=False)})") == fen


@SETTINGS
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_date_parser_round_trips(day):
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        datetime(day.year, day.month, day.day, 8, 30),
    ):
        assert to_date(text, 2026) == day
    assert to_date(f"{day.month}月{day.day}日", day.year) == day
