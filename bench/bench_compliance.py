"""Township compliance against the catalogue: 1,000 villages × 5 years on PostgreSQL.

Builds one township with 1,000 villages and 60 published months each (60,000 snapshots)
in a private schema, then times ``catalogue_report`` for one month against a naive full
load (every snapshot of the township read and parsed, then judged in memory).  Snapshot
content is the demo's October without its 24-month history and service windows, ledger
cut to 20 lines (~15 KB; a real one is ~35 KB): smaller content only makes the naive load
cheaper, so the ratio is conservative.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_compliance.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench.timing import timed  # noqa: E402
from board.catalogue import catalogue_items  # noqa: E402
from board.compliance import Publication, catalogue_report, judge_item, snapshot_sources  # noqa: E402
from board.periods import shift_period  # noqa: E402
from board.snapshot import SHANGHAI  # noqa: E402
from board.villages import ensure_township, get_township  # noqa: E402
from board.workdays import load_calendar  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import seed_demo  # noqa: E402
from models import PublishedPeriod, Village  # noqa: E402

VILLAGES = 1_000
MONTHS = 60
END = "2026-10"
PERIOD = "2026-09"
TODAY = date(2026, 11, 25)
REPEAT = 7


def template() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(f"sqlite:///{tmp}/demo.db")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
            row = session.exec(select(PublishedPeriod).where(PublishedPeriod.period == END)).first()
        engine.dispose()
    content = json.loads(row.content_json)
    content.pop("history", None)
    content.pop("previous", None)
    content.pop("services", None)
    content["finance"]["ledger"] = content["finance"]["ledger"][:20]
    return content


def build(url: str, content: dict) -> None:
    engine = get_engine(url)
    migrate(engine)
    with unit_of_work(engine) as session:
        township = ensure_township(session, code="BENCH", name="基准镇")
        session.flush()
        session.execute(
            insert(Village),
            [
                {
                    "code": f"V{i:04d}",
                    "name": f"第{i}村",
                    "township_id": township.id,
                    "hotline": "",
                    "board_address": "",
                    "is_demo": False,
                }
                for i in range(VILLAGES)
            ],
        )
        session.commit()
        ids = list(session.exec(select(Village.id).where(Village.township_id == township.id).order_by(Village.id)))
    periods = [shift_period(END, -i) for i in range(MONTHS)]
    start = time.perf_counter()
    for n, village_id in enumerate(ids):
        rows = []
        for period in periods:
            year, month = map(int, period.split("-"))
            body = json.dumps({**content, "period": period}, ensure_ascii=False)
            # Villages publish between the 3rd and the 14th of the next month: some are late.
            published = datetime(year + month // 12, month % 12 + 1, 3 + (village_id + month) % 12, 2, tzinfo=UTC)
            digest = uuid.uuid4().hex * 2
            rows.append(
                {
                    "village_id": village_id,
                    "period": period,
                    "version": 1,
                    "amendment_reason": "",
                    "content_json": body,
                    "content_hash": digest,
                    "prev_hash": "p" + digest[1:],
                    "published_by": "bench",
                    "published_at": published,
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(PublishedPeriod), rows)
        if n % 200 == 199:
            print(f"  inserted {(n + 1) * MONTHS} snapshots ({time.perf_counter() - start:.0f} s)", flush=True)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def naive(url: str) -> list[dict]:
    """Every snapshot of the township read and parsed, then judged in memory."""
    engine = get_engine(url)
    with unit_of_work(engine) as session:
        township = get_township(session, "BENCH")
        items = catalogue_items(session, township)
        calendar = load_calendar(township.code)
        rows = session.exec(
            select(PublishedPeriod, Village.code, Village.name)
            .join(Village, Village.id == PublishedPeriod.village_id)
            .where(Village.township_id == township.id)
        ).all()
    pubs: dict[tuple[str, str], list[Publication]] = defaultdict(list)
    for row, code, name in rows:
        sources, events = snapshot_sources(json.loads(row.content_json))
        pubs[(code, name)].append(
            Publication(row.period, row.published_at.astimezone(SHANGHAI).date(), frozenset(sources), frozenset(events))
        )
    report = []
    for (code, name), village_pubs in sorted(pubs.items()):
        for item in items:
            report.append(
                {
                    **judge_item(item, village_pubs, period=PERIOD, today=TODAY, calendar=calendar),
                    "village": code,
                    "village_name": name,
                }
            )
    return report


def fast(url: str) -> list[dict]:
    with unit_of_work(get_engine(url)) as session:
        report = catalogue_report(session, township_code="BENCH", period=PERIOD, today=TODAY)
        session.commit()
    return report


def main() -> None:
    base = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        content = template()
        print(f"snapshot content: {len(json.dumps(content, ensure_ascii=False).encode()) / 1024:.1f} KB")
        start = time.perf_counter()
        build(url, content)
        print(f"built {VILLAGES} villages × {MONTHS} months in {time.perf_counter() - start:.0f} s")
        cold = timed(lambda: fast(url), 1)[0]
        warm = timed(lambda: fast(url), REPEAT)
        naive_rows: list[dict] = []
        slow = timed(lambda: naive_rows.__setitem__(slice(None), naive(url)), 2)
        fast_rows = fast(url)
        key = lambda r: (r["village"], r["item"], r["verdict"], r["deadline"], r["published_on"])  # noqa: E731
        assert sorted(map(key, fast_rows)) == sorted(map(key, naive_rows)), "fast and naive disagree"
        print(f"rows judged: {len(fast_rows)} ({VILLAGES} villages × {len(fast_rows) // VILLAGES} items)")
        print(f"first call, indexing the quarter's {VILLAGES * 3} snapshots: {cold * 1000:.0f} ms")
        print(f"catalogue_report, warm (median of {REPEAT}): {statistics.median(warm) * 1000:.1f} ms")
        print(f"naive full load (median of 2): {statistics.median(slow) * 1000:.0f} ms")
        print(f"naive / fast: {statistics.median(slow) / statistics.median(warm):.0f}×")
    finally:
        get_engine(url).dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
