"""Read-time verification figures: what checking a stored version costs, first time and cached.

Run: .venv/bin/python bench/bench_verify.py
Prints one line per figure (median of several runs, milliseconds).  "load" is parsing the stored
document into the typed record; "verify, first" recomputes the Merkle tree (schema 3); "read,
uncached" is a first public read (row, check, parse, link and head queries); "read, cached" is what
every later read of the same version pays (the row, one SHA-256 of its stored text, the link and
head queries: the check and the parse are cached).  The 4,000-line month is the demo's last month
with its ledger repeated, sealed as publishing seals it.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import timed  # noqa: E402
from board import public  # noqa: E402
from board.commitment import document_root  # noqa: E402
from board.public import published_snapshot  # noqa: E402
from board.snapshot import latest_snapshot, load_snapshot, row_problems, seal_snapshot  # noqa: E402
from board.villages import get_village  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import DEMO_VILLAGE, seed_demo  # noqa: E402

END = "2026-10"
REPEAT = 7


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
        with unit_of_work(engine) as session:
            village = get_village(session, DEMO_VILLAGE[0])
            row = latest_snapshot(session, village.id, END)
            lines = len(json.loads(row.content_json)["finance"]["ledger"])
            print(f"demo month ({lines} ledger lines, {len(row.content_json) // 1024} KB stored)")
            print(f"  load:            {ms(timed(lambda: load_snapshot(row), REPEAT))}")
            print(f"  verify, first:   {ms(timed(lambda: row_problems(row, village.code), REPEAT))}")

            def cached():
                published_snapshot(session, village, END)

            cached()
            print(f"  read, cached:    {ms(timed(cached, REPEAT))} (row, SHA-256 of the text, link and head queries)")

            def uncached():
                public._verified.clear()
                published_snapshot(session, village, END)

            print(f"  read, uncached:  {ms(timed(uncached, REPEAT))}")

            record = load_snapshot(row).model_dump(mode="json", by_alias=True, exclude={"hash"})
            ledger = record["finance"]["ledger"]
            record["finance"]["ledger"] = [{**ledger[i % len(ledger)], "line": i + 1} for i in range(4000)]
            stored, _ = seal_snapshot(
                record, village_code=village.code, period=END, version=9, published_at=row.published_at, prev_hash=""
            )
            doc = json.loads(stored)
            print(f"4,000-line month ({len(stored) // 1024} KB stored)")
            print(
                f"  seal + hash:     {ms(timed(lambda: seal_snapshot(record, village_code=village.code, period=END, version=9, published_at=row.published_at, prev_hash=''), 3))}"
            )
            print(f"  verify, first:   {ms(timed(lambda: document_root(doc), 3))}")
        engine.dispose()


if __name__ == "__main__":
    main()
