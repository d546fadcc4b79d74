"""Foundation figures: build the demo, `period show`, and publishing one month.

Run: .venv/bin/python bench/bench_foundation.py [--pg URL]
Prints one line per figure.  Publishing is timed on the demo's last month by amending it
and publishing again (a ~60-line month with 23 months of history in its trend).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.timing import timed  # noqa: E402
from board.auth import get_user  # noqa: E402
from board.overview import period_overview  # noqa: E402
from board.villages import get_village  # noqa: E402
from board.workflow import amend_period, approve_period, publish_period, submit_period  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import seed_demo  # noqa: E402

END = "2026-10"


def run(label: str, url: str) -> None:
    engine = get_engine(url)
    start = time.perf_counter()
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period=END)
        session.commit()
    print(f"{label} seed-demo (24 months, published through the workflow): {time.perf_counter() - start:.2f} s")

    def show():
        with unit_of_work(engine) as session:
            period_overview(session, get_village(session, "DEMO"), END)

    times = timed(show, 50)
    print(f"{label} period show (in-process, median of 50): {statistics.median(times) * 1000:.1f} ms")

    cli = timed(
        lambda: subprocess.run(
            [
                sys.executable,
                "-m",
                "board",
                "--db",
                url,
                "period",
                "show",
                "--village",
                "DEMO",
                "--period",
                END,
                "--json",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ),
        5,
    )
    print(f"{label} period show --json (CLI process incl. Python start, median of 5): {statistics.median(cli):.2f} s")

    publish_times = []
    for i in range(10):
        with unit_of_work(engine) as session:
            village = get_village(session, "DEMO")
            clerk, supervisor = get_user(session, "wenshu"), get_user(session, "jiandu")
            amend_period(session, village=village, period=END, user=clerk, reason=f"基准测试第{i + 1}次更正")
            submit_period(session, village=village, period=END, user=clerk)
            approve_period(session, village=village, period=END, user=supervisor)
            start = time.perf_counter()
            publish_period(session, village=village, period=END, user=supervisor)
            session.commit()
            publish_times.append(time.perf_counter() - start)
    print(
        f"{label} publish one month (validate + snapshot + hash + commit, median of 10): "
        f"{statistics.median(publish_times) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: SQLite figures still stand
        print(f"postgresql skipped: {type(exc).__name__}")
        return
    try:
        run("postgresql", f"{args.pg}?options=-csearch_path%3D{schema}")
    finally:
        get_engine(f"{args.pg}?options=-csearch_path%3D{schema}").dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
