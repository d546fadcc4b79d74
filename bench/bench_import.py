"""Import of 100k ledger rows from .xlsx, against a bare python-calamine read of the same file.

Run: .venv/bin/python bench/bench_import.py [--rows N] [--layout NAME]
Prints one figure per line; the preview/bare-read ratio is the figure the issues ask for, for
each gallery layout: the bookkeeping-software journal, a 三栏式 journal (two-row header, 月/日
columns, a 过次页/承前页 pair every 40 lines, running 余额 checked on every line), a bank
download (account rows on top, 20261103 dates, signed 交易金额, 账户余额) and a 序时账 (two
lines per voucher, 101/102 lines kept).  The preview runs with the product's own row limit
(MAX_ROWS), so the benched path is the one clerks use.
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
from board.importers import MAX_ROWS, commit_import, preview_import  # noqa: E402
from board.importers.reading import read_tables  # noqa: E402
from board.villages import add_village, get_village  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from models import Role  # noqa: E402

PERIOD = "2026-11"


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _amount(i: int) -> int:
    return 1 + (i * 7919) % 5_000_000


def build_file(rows: int) -> tuple[bytes, int, int]:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("日记账")
    sheet.append(["幸福社区2026年11月银行存款日记账"])
    sheet.append(["日期", "凭证字号", "摘要", "对方科目", "借方金额", "贷方金额", "经手人"])
    start = datetime(2026, 11, 1)
    income = expense = 0
    for i in range(rows):
        fen = _amount(i)
        day = start + timedelta(days=i % 30)
        if i % 3:
            expense += fen
            sheet.append([day, f"记-{i + 1}", f"支付第{i}笔费用", "管理费用", None, fen / 100, "李秀兰"])
        else:
            income += fen
            sheet.append([day, f"记-{i + 1}", f"收到第{i}笔款项", "发包及上交收入", fen / 100, None, ""])
    sheet.append([None, None, "本月合计", None, income / 100, expense / 100, None])
    return _save(book), income, expense


def build_three_column(rows: int) -> tuple[bytes, int, int]:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("现金日记账")
    sheet.append(["幸福村现金日记账"])
    sheet.append(["2026年", None, "凭证", "摘要", "对方科目", "借方", "贷方", "余额"])
    sheet.append(["月", "日", "号数", None, None, None, None, None])
    balance = 10**9
    sheet.append([11, 1, None, "上月结转", None, None, None, balance / 100])
    income = expense = 0
    for i in range(rows):
        fen = _amount(i)
        if i % 3:
            expense += fen
            balance -= fen
            sheet.append(
                [11, 1 + (i * 30) // rows, f"现-{i + 1}", f"支付第{i}笔", "管理费用", None, fen / 100, balance / 100]
            )
        else:
            income += fen
            balance += fen
            sheet.append(
                [11, 1 + (i * 30) // rows, f"现-{i + 1}", f"收到第{i}笔", "其他收入", fen / 100, None, balance / 100]
            )
        if i % 40 == 39:
            for text in ("过次页", "承前页"):
                sheet.append([None, None, None, text, None, income / 100, expense / 100, balance / 100])
    sheet.append([None, None, None, "本月合计", None, income / 100, expense / 100, balance / 100])
    return _save(book), income, expense


def build_bank(rows: int) -> tuple[bytes, int, int]:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("交易明细")
    sheet.append(["中国农业银行账户交易明细"])
    sheet.append(["账号：", "6228480000000000017"])
    sheet.append(["户名：", "幸福村股份经济合作社"])
    sheet.append(["交易日期", "交易时间", "交易金额", "账户余额", "对方户名", "摘要", "交易渠道"])
    balance = 10**9
    income = expense = 0
    for i in range(rows):
        fen = _amount(i)
        signed = -fen if i % 3 else fen
        balance += signed
        if signed > 0:
            income += fen
        else:
            expense += fen
        sheet.append(
            [
                f"202611{1 + (i * 30) // rows:02d}",
                "10:21:05",
                signed / 100,
                balance / 100,
                f"往来单位{i % 97}",
                "转账",
                "网银",
            ]
        )
    return _save(book), income, expense


def build_voucher(rows: int) -> tuple[bytes, int, int]:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("序时账")
    sheet.append(["序时账"])
    sheet.append(["日期", "凭证号", "摘要", "科目编码", "科目名称", "借方", "贷方"])
    income = expense = 0
    for v in range(rows // 2):
        fen = _amount(v)
        day = datetime(2026, 11, 1 + (v * 30) // (rows // 2))
        if v % 3:
            expense += fen
            sheet.append([day, f"记-{v + 1}", "支付费用", "541", "管理费用", fen / 100, None])
            sheet.append([day, f"记-{v + 1}", "支付费用", "10201", "银行存款—农业银行", None, fen / 100])
        else:
            income += fen
            sheet.append([day, f"记-{v + 1}", "收到发包款", "10201", "银行存款—农业银行", fen / 100, None])
            sheet.append([day, f"记-{v + 1}", "收到发包款", "402", "发包及上交收入", None, fen / 100])
    return _save(book), income, expense


LAYOUTS = {"journal": build_file, "three_column": build_three_column, "bank": build_bank, "voucher": build_voucher}


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
    parser.add_argument("--layout", choices=list(LAYOUTS), action="append", help="default: every layout")
    args = parser.parse_args()
    if args.rows > MAX_ROWS:
        parser.error(f"--rows must be at most MAX_ROWS ({MAX_ROWS}), the limit clerks' files have")
    preview = None
    for name in args.layout or list(LAYOUTS):
        data, income, expense = LAYOUTS[name](args.rows)
        bare, count = best_of(args.runs, lambda data=data: bare_read(data))
        read_time, _ = best_of(args.runs, lambda data=data, name=name: read_tables(data, f"{name}.xlsx"))
        preview_time, preview = best_of(
            args.runs,
            lambda data=data, name=name: preview_import("ledger", data, f"{name}.xlsx", period=PERIOD),
        )
        assert preview.ok, preview.problems[:5]
        assert (preview.totals["income_fen"], preview.totals["expense_fen"]) == (income, expense)
        assert count >= args.rows
        print(f"[{name}] rows: {args.rows}  xlsx size: {len(data) / 1024 / 1024:.1f} MB")
        print(f"[{name}] bare calamine read (to_python): {bare:.3f} s")
        print(f"[{name}] read_tables (checks and parse in the limited child, rows sent back): {read_time:.3f} s")
        print(f"[{name}] preview_import: {preview_time:.3f} s")
        print(f"[{name}] preview / bare read ratio: {preview_time / bare:.2f}x")

    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            add_village(session, code="B1", name="基准村", township_code="T1")
            add_user(session, username="clerk", password="bench-password", role=Role.clerk, village_codes=("B1",))
            session.commit()
        with unit_of_work(engine) as session:
            began = time.perf_counter()
            commit_import(
                session,
                village=get_village(session, "B1"),
                period=PERIOD,
                user=get_user(session, "clerk"),
                preview=preview,
            )
            session.commit()
            commit_time = time.perf_counter() - began
        engine.dispose()
    print(f"commit_import of the last layout to SQLite file (save_section + commit): {commit_time:.3f} s")


if __name__ == "__main__":
    main()
