"""Excel, CSV and JSON downloads: same numbers as the snapshot, formulas neutralised."""

from __future__ import annotations

import copy
import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from exports.downloads import (
    MONEY_FORMAT,
    ledger_csv,
    neutralise,
    published_downloads,
    snapshot_downloads,
    snapshot_json,
    snapshot_xlsx,
)
from infra.db import get_engine, unit_of_work
from tests.exports.conftest import read_snapshot
from tests.helpers import DEMO_END, as_record

HOSTILE = {"summary": '=HYPERLINK("http://x","点我")', "counterparty": "+8613800000000", "handler": "@SUM(A1)"}


@pytest.fixture(scope="module")
def snapshot(board_db) -> dict:
    return read_snapshot(board_db, "DEMO", DEMO_END)


@pytest.fixture(scope="module")
def hostile(snapshot) -> dict:
    """The snapshot with formula-like text in the first ledger line (as a clerk might type it)."""
    changed = copy.deepcopy(snapshot)
    changed["finance"]["ledger"][0].update(HOSTILE)
    changed["finance"]["ledger"][0]["category"] = "-1+1"
    return changed


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("正常文字", "正常文字"),
        ("1-2", "1-2"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_xlsx_money_columns_are_numbers_in_yuan(snapshot):
    book = load_workbook(io.BytesIO(snapshot_xlsx(as_record(snapshot))))
    assert book.sheetnames[:3] == ["公开信息", "收支总表", "收支明细"]
    ledger = book["收支明细"]
    header = [c.value for c in ledger[1]]
    amount_col = header.index("金额（元）") + 1
    rows = list(ledger.iter_rows(min_row=2))
    assert len(rows) == len(snapshot["finance"]["ledger"])
    for row, entry in zip(rows, snapshot["finance"]["ledger"]):
        cell = row[amount_col - 1]
        assert Decimal(str(cell.value)) * 100 == entry["amount_fen"]
        assert cell.number_format == MONEY_FORMAT
        assert row[2].value == entry["voucher_no"]
    totals = book["收支总表"]
    last = [c.value for c in list(totals.iter_rows())[-1]]
    t = snapshot["finance"]["totals"]
    assert last[0] == "合计"
    assert [round(Decimal(str(v)) * 100) for v in last[1:]] == [
        t[k] for k in ("opening_fen", "income_fen", "expense_fen", "closing_fen")
    ]
    info = {r[0].value: r[1].value for r in book["公开信息"].iter_rows(min_row=2)}
    assert info["核验码"] == snapshot["hash"]
    people = book["受益名单"]
    ids = [r[3].value for r in people.iter_rows(min_row=2)]
    assert ids and all("*" in i for i in ids)


def test_xlsx_neutralises_formulas(hostile):
    book = load_workbook(io.BytesIO(snapshot_xlsx(as_record(hostile))))
    first = [c for c in list(book["收支明细"].iter_rows(min_row=2))[0]]
    values = {c.value for c in first}
    assert "'" + HOSTILE["summary"] in values and "'+8613800000000" in values and "'@SUM(A1)" in values
    assert "'-1+1" in values
    assert all(c.data_type != "f" for row in book["收支明细"].iter_rows() for c in row)


def test_csv_has_bom_and_neutralised_cells(hostile):
    data = ledger_csv(as_record(hostile))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "序号" and len(rows) == len(hostile["finance"]["ledger"]) + 1
    assert rows[1][3] == "'" + HOSTILE["summary"] and rows[1][7] == "'+8613800000000" and rows[1][8] == "'@SUM(A1)"
    for row, entry in zip(rows[1:], hostile["finance"]["ledger"]):
        assert Decimal(row[6]) * 100 == entry["amount_fen"]


def test_json_is_the_snapshot(snapshot):
    assert json.loads(snapshot_json(as_record(snapshot))) == snapshot


def test_downloads_are_ready_for_buttons(board_db):
    with unit_of_work(get_engine(board_db)) as session:
        items = published_downloads(session, "DEMO", DEMO_END, size="A3")
    assert [d.mime for d in items] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
        "application/json",
    ]
    assert items[0].data.startswith(b"%PDF") and items[0].warning is None and "A3" in items[0].filename
    assert items[1].data.startswith(b"PK")
    assert all(d.filename.startswith(f"DEMO_{DEMO_END}_v1") for d in items)
    assert len({d.filename for d in snapshot_downloads(as_record(read_snapshot(board_db, "DEMO", DEMO_END)))}) == 4
