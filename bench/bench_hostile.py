"""Hostile uploads against the reader: time to refuse and peak memory of this process and of the children.

Run: .venv/bin/python bench/bench_hostile.py
Each file is read in this process as the server would; the figures show that the server stays
small (peak RSS of this process) while the limited child takes the blow (peak RSS of children).
Last, what the guard adds to a normal 100,000-row import: preview_import with the guard, and the
guard alone (fork, inflate, scan), best of three, interleaved so a busy machine hits both alike.
"""

from __future__ import annotations

import resource
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_import import build_file  # noqa: E402
from board.errors import BoardError  # noqa: E402
from board.importers import MAX_ROWS, preview_import  # noqa: E402
from board.importers.reading import read_tables  # noqa: E402
from board.untrusted import check_sheet_area, run_limited  # noqa: E402
from tests.importers import hostile  # noqa: E402

FILES = {
    "cell at XFD200000": hostile.far_cell_xlsx,
    "cell at ZZ190000 (past the checks)": lambda: hostile.far_cell_xlsx("ZZ190000"),
    "dimension A1:XFD1048576": hostile.huge_dimension_xlsx,
    "5000 zip entries": hostile.many_entries_xlsx,
    "deflate bomb 2 MB -> 2 GB": hostile.deflate_bomb_xlsx,
    "deflate bomb, sizes lying": lambda: hostile.deflate_bomb_xlsx(honest=False),
    "formula-scan backtracking (1.6 KB)": hostile.backtracking_xlsx,
    "60k plain rows (normal)": hostile.slow_xlsx,
}


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    print(f"start: this process peak RSS {_peak_mb(resource.RUSAGE_SELF):.0f} MB")
    for name, build in FILES.items():
        data = build()
        began = time.perf_counter()
        try:
            outcome = f"read {len(read_tables(data, 'x.xlsx')[0].rows)} rows"
        except BoardError as error:
            outcome = "refused: " + error.problems[0].message[:40]
        print(
            f"{name}: {len(data) / 1024:.1f} KB, {time.perf_counter() - began:.2f} s, {outcome}; "
            f"peak RSS this process {_peak_mb(resource.RUSAGE_SELF):.0f} MB, "
            f"children {_peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
        )


def guard_overhead(rows: int = 100_000) -> None:
    data = build_file(rows)[0]
    previews, guards = [], []
    for _ in range(3):
        began = time.perf_counter()
        preview_import("ledger", data, "journal.xlsx", period="2026-11", max_rows=MAX_ROWS)
        previews.append(time.perf_counter() - began)
        began = time.perf_counter()
        run_limited(partial(check_sheet_area, data, max_rows=MAX_ROWS, field="文件"), what="文件", field="文件")
        guards.append(time.perf_counter() - began)
    preview, guard = min(previews), min(guards)
    print(
        f"normal import, {rows} rows: preview_import {preview:.2f} s with the guard, guard alone {guard:.2f} s, "
        f"ratio with/without {preview / (preview - guard):.2f}x"
    )


if __name__ == "__main__":
    main()
    guard_overhead()
