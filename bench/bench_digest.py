"""Digest and push benchmark: digests for 1,000 village-months; pushes through the fake WeCom server.

Run: .venv/bin/python bench/bench_digest.py
Baselines measured in the same run: parsing the snapshot JSON (digests) and bare
``requests.post`` calls to the same fake server (pushes).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from board.digest import build_digest, digest_parts  # noqa: E402
from board.public_record import PublicRecord, parse_snapshot  # noqa: E402
from board.snapshot import canonical_json  # noqa: E402
from board.villages import add_village  # noqa: E402
from exports.wechat.grids import add_grid  # noqa: E402
from exports.wechat.outbox import enqueue, message_rows, plan_messages, send_due  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import seed_demo  # noqa: E402
from infra.settings import get_settings  # noqa: E402
from models import PublishedPeriod  # noqa: E402
from tests.wechat.fake_wecom import FakeWeCom  # noqa: E402

MONTHS = 1000
GRIDS = 100
BASE = "https://sanwu.example.cn"


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench_digest_"))
    engine = get_engine(f"sqlite:///{workdir / 'bench.db'}")
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10")
        session.commit()
        stored = [r.content_json for r in session.exec(select(PublishedPeriod).order_by(PublishedPeriod.id))]
    # 1,000 village-months: the demo's 24 months under 42 village codes.
    documents = []
    for i in range(MONTHS):
        snapshot = json.loads(stored[i % len(stored)])
        snapshot["village"] = {**snapshot["village"], "code": f"V{i // len(stored):03d}"}
        documents.append(canonical_json(snapshot))

    started = time.perf_counter()
    snapshots = [parse_snapshot(json.loads(doc)) for doc in documents]
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    total_parts = 0
    for snapshot in snapshots:
        build_digest(snapshot, base_url=BASE, short=True)
        total_parts += len(digest_parts(snapshot, base_url=BASE))
    digest_s = time.perf_counter() - started
    print(f"digest: {MONTHS} village-months (full + short + split) in {digest_s:.3f} s")
    print(f"digest: {digest_s / MONTHS * 1000:.3f} ms per village-month, {total_parts / MONTHS:.2f} parts on average")
    print(f"digest baseline: parsing the {MONTHS} snapshot documents into typed records took {load_s:.3f} s")
    print(f"digest ratio: digest / record parse = {digest_s / load_s:.1f}x")

    keys = tuple(f"bench-robot-key-{i:03d}" for i in range(GRIDS))
    fake = FakeWeCom(robot_keys=keys)
    os.environ["WECOM_API_BASE"] = fake.url
    for i, key in enumerate(keys):
        os.environ[f"BENCH_ROBOT_{i:03d}"] = key
    settings = get_settings()
    with unit_of_work(engine) as session:
        village = add_village(session, code="BENCH", name="压测村")
        grids = [
            add_grid(session, village=village, name=f"网格{i:03d}", channel="robot", key_ref=f"BENCH_ROBOT_{i:03d}")
            for i in range(GRIDS)
        ]
        session.commit()
    now = datetime.now(UTC)
    snapshot = snapshots[-1]

    def push(snap: PublicRecord, pdf: bytes | None) -> tuple[list[dict], list[int], float, float]:
        planned = [
            row for g in grids for row in plan_messages(g, snap, village_id=village.id, base_url=BASE, pdf=pdf, now=now)
        ]
        started = time.perf_counter()
        ids = enqueue(engine, planned)
        enqueued = time.perf_counter() - started
        send_due(engine, now=now, settings=settings, only_ids=ids)
        return planned, ids, enqueued, time.perf_counter() - started - enqueued

    planned, ids, enqueue_s, push_s = push(snapshot, None)
    sent = sum(r["status"] == "sent" for r in message_rows(engine, ids=ids))
    print(f"push: enqueue {len(ids)} text rows for {GRIDS} grids in {enqueue_s:.3f} s")
    print(
        f"push: {sent}/{len(ids)} texts sent through the outbox in {push_s:.2f} s, {push_s / len(ids) * 1000:.1f} ms each"
    )

    fake.reset()
    http = requests.Session()
    body = json.dumps(
        {"msgtype": "text", "text": {"content": build_digest(snapshot, base_url=BASE)}}, ensure_ascii=False
    ).encode()
    started = time.perf_counter()
    for i in range(len(ids)):
        http.post(
            f"{fake.url}/cgi-bin/webhook/send", params={"key": keys[i % GRIDS]}, data=body, timeout=(5, 15)
        ).json()
    bare_s = time.perf_counter() - started
    print(
        f"push baseline: {len(ids)} bare requests.post text sends in {bare_s:.2f} s, {bare_s / len(ids) * 1000:.1f} ms each"
    )
    print(f"push ratio: outbox / bare = {push_s / bare_s:.1f}x")

    fake.reset()
    started = time.perf_counter()
    again = enqueue(engine, planned)
    send_due(engine, now=now, settings=settings, only_ids=again)
    print(
        f"push: repeating the same push took {time.perf_counter() - started:.3f} s;"
        f" {len(fake.log())} requests reached the server"
    )

    pdf = b"%PDF-1.4 " + os.urandom(120_000)
    _, ids, _, push_s = push(snapshots[-2], pdf)
    sent = sum(r["status"] == "sent" for r in message_rows(engine, ids=ids))
    print(
        f"push: {sent}/{len(ids)} rows with a 120 KB PDF each ({GRIDS} texts + {GRIDS} upload+send) in {push_s:.2f} s"
    )
    fake.close()


if __name__ == "__main__":
    main()
