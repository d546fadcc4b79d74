"""Import of 100k ledger rows from .xlsx, against a bare python-calamine read of the same file.

Run: .venv/bin/python bench/bench_import.py [--rows N]
Prints one figure per line; the preview/bare-read ratio is the figure the issue asks for.
The preview runs with the product's own row limit (MAX_ROWS), so the benched path is the one
clerks use.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import python_calamine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from board.auth import add_user, get_user  # noqa: E402
from board.db import get_engine, migrate, unit_of_work  # noqa: E402
from board.importers import MAX_ROWS, commit_import, preview_import  # noqa: E402
from board.villages import add_village, get_village  # noqa: E402
from models import Role  # noqa: E402

PERIOD = "2026-11"


def build_file(rows: int) -> tuple[bytes, int, int]:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("日记账")
    sheet.append(["幸福社区2026年11月银行存款日记账"])
    sheet.append(["日期", "凭证字号", "摘要", "对方科目", "借方金额", "贷方金额", "经手人"])
    start = datetime(2026, 11, 1)
    income = expense = 0
    for i in range(rows):
        fen = 1 + (i * 7919) % 5_000_000
        day = start + timedelta(days=i % 30)
        if i % 3:
            expense += fen
            sheet.append([day, f"记-{i + 1}", f"支付第{i}笔费用", "管理费用", None, fen / 100, "李秀兰"])
        else:
            income += fen
            sheet.append([day, f"记-{i + 1}", f"收到第{i}笔款项", "发包及上交收入", fen / 100, None, ""])
    sheet.append([None, None, "本月合计", None, income / 100, expense / 100, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), income, expense


def best_of(runs: int, fn):
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def bare_read(data: bytes) -> int:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return len(book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.rows > MAX_ROWS:
        parser.error(f"--rows must be at most MAX_ROWS ({MAX_ROWS}), the limit clerks' files have")
    data, income, expense = build_file(args.rows)
    print(f"rows: {args.rows}  xlsx size: {len(data) / 1024 / 1024:.1f} MB")

    bare, count = best_of(args.runs, lambda: bare_read(data))
    preview_time, preview = best_of(
        args.runs,
        lambda: preview_import("ledger", data, "bench.xlsx", period=PERIOD),
    )
    assert preview.ok, preview.problems[:5]
    assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (income, expense)
    assert count >= args.rows
    print(f"bare calamine read (to_python): {bare:.3f} s")
    print(f"preview_import: {preview_time:.3f} s")
    print(f"preview / bare read ratio: {preview_time / bare:.2f}x")

    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            add_village(session, code="B1", name="基准村", township_code="T1")
            add_user(session, username="clerk", password="bench-password", role=Role.clerk, village_codes=("B1",))
            session.commit()
        with unit_of_work(engine) as session:
            began = time.perf_counter()
            commit_import(session, village=get_village(session, "B1"), period=PERIOD,
                          user=get_user(session, "clerk"), preview=preview)
            session.commit()
            commit_time = time.perf_counter() - began
        engine.dispose()
    print(f"commit_import to SQLite file (save_section + commit): {commit_time:.3f} s")
    print(f"preview + commit: {preview_time + commit_time:.3f} s")


if __name__ == "__main__":
    main()
