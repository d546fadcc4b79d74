"""Server-side run time of the public board page: 1 vs 60 months of history, against a bare page.

Measured with Streamlit's AppTest (one full script run of app.py with ``?village=DEMO``,
which is what the server does per page view), interleaved in rounds so the shared CPU
affects every target alike.  Also times ``load_board`` alone (read + build, no Streamlit).
Each figure is given as wall time and as this process's CPU time: on a machine shared with
other work the CPU time is what compares between runs.

    .venv/bin/python bench/bench_board.py [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from board.public import published_periods, published_snapshot  # noqa: E402
from board.villages import get_village  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import seed_demo  # noqa: E402
from views.board_view import build_board, load_board  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 15
END = "2026-10"
BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["收入", "支出"], y=[7.56, 7.52])), theme=None)
"""


def seeded(path: Path, months: int) -> str:
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period=END, months=months)
        session.commit()
    return url


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clock()
    return wall - start[0], cpu - start[1]


def app_run(script: Path, url: str | None, query: dict) -> tuple[float, float]:
    if url:
        os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    at = AppTest.from_file(str(script), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()  # first run: engine, imports
    assert not at.exception, at.exception
    start = clock()
    at.run()
    return since(start)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        urls = {months: seeded(tmp / f"m{months}.db", months) for months in (1, 60)}
        bare = tmp / "bare.py"
        bare.write_text(BARE_PAGE, encoding="utf-8")
        app = ROOT / "app.py"
        targets = {
            "bare page, one plotly chart": (bare, None, {}),
            "board phone view, 1 month of history": (app, urls[1], {"village": "DEMO"}),
            "board phone view, 60 months of history": (app, urls[60], {"village": "DEMO"}),
            "board kiosk slide, 1 month of history": (app, urls[1], {"village": "DEMO", "kiosk": "1", "slide": "2"}),
            "board kiosk slide, 60 months of history": (app, urls[60], {"village": "DEMO", "kiosk": "1", "slide": "2"}),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
        for _ in range(ROUNDS):
            for name, (script, url, query) in targets.items():
                times[name].append(app_run(script, url, query))
        loads: dict[int, list[tuple[float, float]]] = {1: [], 60: []}
        builds: dict[int, list[tuple[float, float]]] = {1: [], 60: []}
        engines = {m: get_engine(u) for m, u in urls.items()}
        for _ in range(ROUNDS):
            for months, engine in engines.items():
                start = clock()
                load_board(engine, "DEMO")
                loads[months].append(since(start))
                with unit_of_work(engine) as session:
                    village = get_village(session, "DEMO")
                    snapshot, periods = published_snapshot(session, village), published_periods(session, village)
                start = clock()
                build_board(snapshot, periods)
                builds[months].append(since(start))

    def median(values: list[tuple[float, float]], which: int) -> float:
        return statistics.median(v[which] for v in values)

    def both(values: list[tuple[float, float]]) -> str:
        return f"{median(values, 0) * 1000:.1f} ms wall, {median(values, 1) * 1000:.1f} ms CPU"

    base = median(times["bare page, one plotly chart"], 1)
    print(f"method: AppTest script run (2nd run of a fresh AppTest), median of {ROUNDS} interleaved rounds")
    for name, values in times.items():
        print(f"{name}: {both(values)} median ({median(values, 1) / base:.1f}x bare page, CPU)")
    for months in (1, 60):
        print(f"load_board (read + cached view), {months} month(s) of history: {both(loads[months])} median")
        print(
            f"build_board (first view of a snapshot, 5 figures), {months} month(s) of history: "
            f"{both(builds[months])} median"
        )
    ratio = median(times["board phone view, 60 months of history"], 1) / median(
        times["board phone view, 1 month of history"], 1
    )
    print(f"phone view 60 months / 1 month: {ratio:.2f}x (CPU)")


if __name__ == "__main__":
    main()
