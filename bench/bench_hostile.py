"""Hostile uploads against the reader: time to refuse and peak memory of this process and of the children.

Run: .venv/bin/python bench/bench_hostile.py
Each file is read in this process as the server would; the figures show that the server stays
small (peak RSS of this process) while the limited child takes the blow (peak RSS of children).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from board.errors import BoardError  # noqa: E402
from board.importers.reading import read_tables  # noqa: E402
from tests.importers import hostile  # noqa: E402

FILES = {
    "cell at XFD200000": hostile.far_cell_xlsx,
    "cell at ZZ190000 (past the checks)": lambda: hostile.far_cell_xlsx("ZZ190000"),
    "dimension A1:XFD1048576": hostile.huge_dimension_xlsx,
    "5000 zip entries": hostile.many_entries_xlsx,
    "deflate bomb 2 MB -> 2 GB": hostile.deflate_bomb_xlsx,
    "deflate bomb, sizes lying": lambda: hostile.deflate_bomb_xlsx(honest=False),
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


if __name__ == "__main__":
    main()
