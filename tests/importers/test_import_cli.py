"""``python -m board import`` as a batch job runs it."""

from __future__ import annotations

from board.entry import section_rows
from board.records import find_period
from board.villages import get_village
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from tests.helpers import run_cli
from tests.importers.files import PERIOD, csv_bytes, journal_grid, xlsx


def test_import_bank_journal_prints_totals_and_saves(demo_url, tmp_path):
    path = tmp_path / "银行日记账.xlsx"
    path.write_bytes(xlsx(journal_grid()))

    result = run_cli(
        "import",
        "ledger",
        str(path),
        "--village",
        "DEMO",
        "--period",
        PERIOD,
        "--by",
        "wenshu",
        db=demo_url,
        password=DEMO_PASSWORD,
    )

    assert result.returncode == 0, result.stderr
    assert "已导入" in result.stdout
    assert (
        "行数 4" in result.stdout and "收入合计 42,345.68元" in result.stdout and "支出合计 9,234.50元" in result.stdout
    )
    assert "月初余额 50,000.00元" in result.stdout and "月末余额 83,111.18元" in result.stdout
    with unit_of_work(get_engine(demo_url)) as session:
        row = find_period(session, get_village(session, "DEMO"), PERIOD)
        assert len(section_rows(session, period_row=row, section="ledger")) == 4


def test_import_refused_prints_the_problem_table_and_saves_nothing(demo_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(journal_grid(total_income="1.00"), "gbk"))

    result = run_cli(
        "import",
        "ledger",
        str(path),
        "--village",
        "DEMO",
        "--period",
        PERIOD,
        "--by",
        "wenshu",
        db=demo_url,
        password=DEMO_PASSWORD,
    )

    assert result.returncode == 2
    assert "什么也没有保存" in result.stderr and "合计行写的是 1.00元" in result.stderr
    assert "10" in result.stderr.split("合计行写的是")[0].splitlines()[-1]  # the row number leads the line
    with unit_of_work(get_engine(demo_url)) as session:
        assert find_period(session, get_village(session, "DEMO"), PERIOD) is None


def test_mapping_from_the_command_line_is_remembered(demo_url, tmp_path):
    path = tmp_path / "own.csv"
    path.write_bytes(csv_bytes([["时间点", "干了啥", "进账"], ["2026-11-02", "卖树苗", "50"]]))
    args = ("import", "ledger", str(path), "--village", "DEMO", "--period", PERIOD)

    first = run_cli(*args, "--check", db=demo_url)
    assert first.returncode == 2 and "找不到这些列" in first.stderr and "时间点" in first.stderr

    mapped = run_cli(
        *args,
        "--by",
        "wenshu",
        "--map",
        "日期=时间点",
        "--map",
        "摘要=干了啥",
        "--map",
        "收入=进账",
        db=demo_url,
        password=DEMO_PASSWORD,
    )
    assert mapped.returncode == 0, mapped.stderr
    again = run_cli(*args, "--check", db=demo_url)
    assert again.returncode == 0 and "检查通过（未保存）" in again.stdout and "收入合计 50.00元" in again.stdout


def test_not_a_spreadsheet_and_missing_user(demo_url, tmp_path):
    pdf = tmp_path / "账.xlsx"
    pdf.write_bytes(b"%PDF-1.4 not a sheet")
    result = run_cli(
        "import",
        "assets",
        str(pdf),
        "--village",
        "DEMO",
        "--period",
        PERIOD,
        "--by",
        "wenshu",
        db=demo_url,
        password=DEMO_PASSWORD,
    )
    assert result.returncode == 2 and "PDF" in result.stderr

    ok = tmp_path / "a.csv"
    ok.write_bytes(csv_bytes([["名称", "原值"], ["水泵", "800"]]))
    result = run_cli("import", "assets", str(ok), "--village", "DEMO", "--period", PERIOD, db=demo_url)
    assert result.returncode == 2 and "--by" in result.stderr
