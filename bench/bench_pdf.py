"""PDF figures: one village-month (with charts) and a 100-village township batch.

Run: .venv/bin/python bench/bench_pdf.py
Prints one line per figure.  The baseline is a minimal one-page reportlab document in the
same CJK font, made in the same run, so ratios hold on a busy machine.  The batch renders
100 published snapshots (the demo's last month under 100 village codes) through
exports.pdf.render_many, the same two-process pool the `export pdf --township` command uses;
the database read is left out (it is one row per village).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from bench.timing import timed  # noqa: E402
from board.public import published_snapshot  # noqa: E402
from board.villages import get_village  # noqa: E402
from exports.fonts import resolve_font  # noqa: E402
from exports.pdf import render_many, render_pdf_document  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import DEMO_VILLAGE, seed_demo  # noqa: E402

END = "2026-10"
VILLAGES = 100


def minimal_pdf(font: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=font)
    canvas.setFont(font, 12)
    canvas.drawString(72, 760, "三务公开栏 基准页")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
        with unit_of_work(engine) as session:
            snapshot = published_snapshot(session, get_village(session, DEMO_VILLAGE[0]), END)
        engine.dispose()

    font = resolve_font()
    print(f"font: {font.path or font.name} (embedded={font.embedded})")
    render_pdf_document(snapshot)  # warm-up: font parsing happens once per process

    base = statistics.median(timed(lambda: minimal_pdf(font.name), 20))
    print(f"baseline minimal 1-page reportlab PDF: {base * 1000:.1f} ms")

    lines = len(snapshot.finance.ledger)
    for size in ("A4", "A3"):
        pdf = render_pdf_document(snapshot, size=size)
        one = statistics.median(timed(lambda size=size: render_pdf_document(snapshot, size=size), 10))
        print(
            f"one village-month {size} ({lines} ledger lines, 3 charts, {pdf.pages} pages): {one:.3f} s, "
            f"{pdf.pages / one:.1f} pages/s, {one / base:.0f}x baseline"
        )

    snapshots = []
    for i in range(VILLAGES):
        village = snapshot.village.model_copy(update={"code": f"V{i:03d}"})
        snapshots.append(snapshot.model_copy(update={"village": village}))
    start = time.perf_counter()
    pages = sum(pdf.pages for _, pdf in render_many(snapshots, processes=2))
    batch = time.perf_counter() - start
    print(
        f"township batch {VILLAGES} villages, pool of 2 (incl. worker start): {batch:.2f} s, "
        f"{pages} pages, {pages / batch:.1f} pages/s, {batch / VILLAGES:.3f} s per village"
    )


if __name__ == "__main__":
    main()
