"""Cost of a resident's download click, first and second time (the disk cache keyed by snapshot hash).

Run: .venv/bin/python bench/bench_download_cache.py
Before the cache every click cost what the first click costs here.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.downloads import DOWNLOAD_KINDS, published_file  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import DEMO_VILLAGE, seed_demo  # noqa: E402

END = "2026-10"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SANWU_CACHE_DIR"] = str(Path(tmp) / "cache")
        engine = get_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END, months=3)
            session.commit()
        for kind in DOWNLOAD_KINDS:
            times = []
            for _ in range(3):
                began, cpu = time.perf_counter(), time.process_time()
                size = len(published_file(engine, DEMO_VILLAGE[0], END, 1, kind))
                times.append((time.perf_counter() - began, time.process_time() - cpu))
            (first, first_cpu), rest = times[0], times[1:]
            print(
                f"{kind} ({size / 1024:.0f} KB): first click {first * 1000:.0f} ms wall / {first_cpu * 1000:.0f} ms CPU; "
                f"next clicks {', '.join(f'{w * 1000:.1f} ms wall / {c * 1000:.1f} ms CPU' for w, c in rest)}"
            )


if __name__ == "__main__":
    main()
