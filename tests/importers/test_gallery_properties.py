"""Property tests over journal layouts: any header synonyms in any column order, page carries and
blank rows anywhere, a month split over several sheets — the import comes back to the same fen."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.importers import preview_import
from board.importers.columns import KINDS, normalise_header, synonym_table
from board.money import format_yuan
from tests.importers.gallery import PERIOD, Sheet, build

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = ["entry_date", "voucher_no", "summary", "category", "income_fen", "expense_fen", "balance_fen"]
_TABLE = synonym_table("ledger")
# Every header word that reads as the field (some words are claimed by an earlier field).
SYNONYMS = {
    name: sorted(
        {s for f in KINDS["ledger"] if f.name == name for s in f.synonyms if _TABLE[normalise_header(s)] == name}
    )
    for name in FIELDS
}

lines = st.lists(
    st.tuples(st.integers(min_value=1, max_value=30), st.booleans(), st.integers(min_value=1, max_value=10**9)),
    min_size=1,
    max_size=12,
).map(lambda items: sorted(items, key=lambda x: x[0]))


@st.composite
def journals(draw):
    items = draw(lines)
    headers = {name: draw(st.sampled_from(SYNONYMS[name])) for name in FIELDS}
    order = draw(st.permutations(FIELDS))
    fmt = draw(st.sampled_from(["xlsx", "xls", "csv-utf8", "csv-gbk"]))
    sheets = draw(st.integers(min_value=1, max_value=3)) if fmt in ("xlsx", "xls") else 1
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(min_value=1, max_value=len(items) - 1),
                    unique=True,
                    max_size=min(sheets - 1, len(items) - 1),
                )
            )
        )
        if len(items) > 1
        else []
    )
    carries = draw(st.sets(st.integers(min_value=0, max_value=len(items) - 1), max_size=3))
    blanks = draw(st.sets(st.integers(min_value=0, max_value=len(items) - 1), max_size=3))
    opening = draw(st.integers(min_value=0, max_value=10**9))
    return items, headers, list(order), fmt, cuts, carries, blanks, opening


def _money(fen: int, fmt: str):
    return fen / 100 if fmt in ("xlsx", "xls") else format_yuan(fen, unit=False)


def _grid(rows: list[dict], order: list[str], headers: dict, title: str) -> list[list]:
    return [[title], [headers[name] for name in order], *[[row.get(name) for name in order] for row in rows]]


@SETTINGS
@given(journal=journals())
def test_synonyms_carries_blanks_and_sheets_import_to_the_same_fen(journal):
    items, headers, order, fmt, cuts, carries, blanks, opening = journal
    pages: list[list[dict]] = [[{"summary": "上月结转", "balance_fen": _money(opening, fmt)}]]
    balance, income, expense = opening, 0, 0
    for i, (day, is_income, fen) in enumerate(items):
        if i in cuts:
            pages.append(
                [
                    {
                        "summary": "承前页",
                        "income_fen": _money(income, fmt),
                        "expense_fen": _money(expense, fmt),
                        "balance_fen": _money(balance, fmt),
                    }
                ]
            )
        balance += fen if is_income else -fen
        income += fen if is_income else 0
        expense += 0 if is_income else fen
        when = date(2026, 11, day)
        pages[-1].append(
            {
                "entry_date": when if fmt in ("xlsx", "xls") else f"2026/11/{day}",
                "voucher_no": f"现-{i + 1}",
                "summary": f"第{i + 1}笔",
                "category": "其他收入" if is_income else "管理费用",
                "income_fen": _money(fen, fmt) if is_income else None,
                "expense_fen": None if is_income else _money(fen, fmt),
                "balance_fen": _money(balance, fmt),
            }
        )
        if i in carries:
            pages[-1].append(
                {
                    "summary": "过次页",
                    "income_fen": _money(income, fmt),
                    "expense_fen": _money(expense, fmt),
                    "balance_fen": _money(balance, fmt),
                }
            )
        if i in blanks:
            pages[-1].append({})
    sheets = [
        Sheet(f"现金日记账{n + 1}", _grid(page, order, headers, "幸福村2026年11月现金日记账"))
        for n, page in enumerate(pages)
    ]

    preview = preview_import(
        "ledger", build(fmt, sheets), f"j.{'csv' if fmt.startswith('csv') else fmt}", period=PERIOD
    )

    assert preview.ok, (preview.mapping, preview.problems)
    assert preview.account == "cash"
    assert [(r["direction"].value, r["amount_fen"]) for r in preview.rows] == [
        ("in" if is_income else "out", fen) for _, is_income, fen in items
    ]
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (income, expense)
    assert (preview.totals["opening_fen"], preview.totals["closing_fen"]) == (opening, balance)
    assert preview.balances == {"cash": {"opening_fen": opening, "closing_fen": balance}}
