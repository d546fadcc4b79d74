"""Files made to bring the server down: each ends in a Chinese refusal, and this process lives on."""

from __future__ import annotations

import os
import resource
import time

import pytest

from board.errors import BoardError
from board.importers import preview_import
from board.importers.reading import read_tables
from board.untrusted import check_zip, run_limited
from tests.importers.files import PERIOD, journal_grid, xlsx
from tests.importers.hostile import (
    allocate,
    backtracking_xlsx,
    deflate_bomb_xlsx,
    far_cell_xlsx,
    huge_dimension_xlsx,
    long_text_xlsx,
    many_entries_xlsx,
    many_sparse_sheets_xlsx,
    shared_string_xlsx,
    slow_xlsx,
)


def _refusal(data: bytes, **limits) -> str:
    with pytest.raises(BoardError) as caught:
        read_tables(data, "x.xlsx", **limits)
    [problem] = caught.value.problems
    assert problem.field == "文件"
    return problem.message


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (far_cell_xlsx, "第 16384 列，超过 702 列的上限"),
        (lambda: far_cell_xlsx("B900000"), "第 900000 行"),
        (huge_dimension_xlsx, "表格声明的范围过大"),
        (many_entries_xlsx, "5005 个部件"),
        (deflate_bomb_xlsx, "疑似“压缩炸弹”"),
        (lambda: deflate_bomb_xlsx(honest=False), "已损坏"),
        (long_text_xlsx, "超过 32767 个字的文字"),
        (many_sparse_sheets_xlsx, "各工作表合计达 103998960 个单元格"),
    ],
    ids=["cell-at-XFD200000", "row-900000", "dimension", "entries", "bomb", "bomb-lying-sizes", "long-text", "sheets"],
)
def test_hostile_files_are_refused_and_this_process_lives(build, expected):
    pid, before = os.getpid(), _rss_mb()
    data = build()
    assert len(data) < 20 * 1024 * 1024
    assert expected in _refusal(data)
    assert os.getpid() == pid
    assert _rss_mb() - before < 100  # the parent never unpacked the file
    # The same process still imports a normal file.
    assert preview_import("ledger", xlsx(journal_grid()), "ok.xlsx", period=PERIOD).ok


def test_the_far_cell_file_is_tiny():
    assert len(far_cell_xlsx()) < 2048


def test_a_wide_and_deep_area_is_refused_before_any_parser_lays_it_out():
    # 702 columns × 190,000 rows: each limit alone holds, the area (about 4 GB laid out) does not.
    assert "400 万个单元格的上限" in _refusal(far_cell_xlsx("ZZ190000"))


def test_whatever_asks_for_too_much_memory_kills_only_the_child():
    with pytest.raises(BoardError, match="内存超过上限"):
        run_limited(allocate, 4096, what="文件", field="文件", memory=256 * 1024 * 1024)
    assert run_limited(allocate, 16, what="文件", field="文件") == 16 * 1024 * 1024


def test_a_slow_file_is_stopped_at_the_time_limit():
    began = time.monotonic()
    with pytest.raises(BoardError, match="超过 0.3 秒仍未完成"):
        run_limited(time.sleep, 30, what="文件", field="文件", seconds=0.3)
    assert time.monotonic() - began < 10
    slow_csv = "日期,摘要,收入\n".encode() + "2026-11-02,收款,1\n".encode() * 300_000
    assert "秒仍未完成" in _refusal(slow_csv, seconds=0.05)
    assert len(read_tables(slow_xlsx(), "slow.xlsx")[0].rows) == 60_001


def test_zip_checks_name_the_document():
    with pytest.raises(BoardError, match="政策文件包含 5005 个部件"):
        check_zip(many_entries_xlsx(), what="政策文件", field="原文")


def test_the_catalogue_upload_is_guarded_too():
    from board.catalogue import read_workbook

    with pytest.raises(BoardError, match="远离数据区域"):
        read_workbook(far_cell_xlsx())
    with pytest.raises(BoardError, match="压缩炸弹"):
        read_workbook(deflate_bomb_xlsx())


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("AB900000", "第 900000 行"), ("ZZ5", None), ("AP99999", "400 万个单元格")],
    ids=["wide-and-deep", "one-stray-wide-cell", "wide-at-five-digit-row"],
)
def test_the_area_counts_the_deepest_and_widest_cells(ref, expected):
    data = far_cell_xlsx(ref)
    if expected is None:
        assert len(read_tables(data, "x.xlsx")[0].rows) == 5
    else:
        assert expected in _refusal(data)


def test_a_sheet_crafted_against_the_formula_scan_reads_as_fast_as_a_plain_one():
    crafted, plain = backtracking_xlsx(), backtracking_xlsx(repeats=0)
    assert len(crafted) < 2048
    timings = []
    for data in (plain, crafted):
        began = time.monotonic()
        [table] = read_tables(data, "x.xlsx")
        timings.append(time.monotonic() - began)
        assert table.uncached_formula(2, 2)  # the scan ran over the sheet and found the formula
    plain_time, crafted_time = timings
    # The regex it replaced took 21 s on this file; a linear scan costs what a plain file costs.
    assert crafted_time < 10 * plain_time + 1.0


def test_a_text_longer_than_an_excel_cell_is_refused_naming_the_cell():
    # 40,000 ASCII characters fit the raw byte check (it allows 4 bytes a character); the child counts characters.
    with pytest.raises(BoardError) as caught:
        read_tables(shared_string_xlsx(40_000, 1, columns=1), "x.xlsx")
    [problem] = caught.value.problems
    assert problem.row == 2 and problem.field == "工作表“Sheet1”"
    assert "单元格 A2 的文字有 40000 个字，超过 Excel 单元格 32767 个字的上限" in problem.message


def test_a_small_file_that_expands_to_much_text_is_refused_in_the_child():
    pid, before = os.getpid(), _rss_mb()
    data = shared_string_xlsx(30_000, 2_600)  # 78 MB of text from a few KB
    assert len(data) < 20_000
    assert "超过 64 MB 的上限" in _refusal(data)
    assert os.getpid() == pid and _rss_mb() - before < 100  # nothing of it reached this process
    assert preview_import("ledger", xlsx(journal_grid()), "ok.xlsx", period=PERIOD).ok
