"""Helpers tests import directly (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from board.commitment import PART_SCHEMA, canonical_json, chained_hash, document_root, header, utc_iso
from board.public_record import PublicRecord, parse_snapshot
from cli.actor import PASSWORD_ENV
from models import PublishedPeriod, Village

ROOT = Path(__file__).resolve().parent.parent
DEMO_END = "2026-10"  # the demo database in tests always ends here


def run_cli(
    *args: str, db: str, stdin: str | None = None, env: dict | None = None, password: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m board --db DB ARGS`` as a user would.

    ``password`` is the ``--by`` user's, given as ``SANWU_PASSWORD``; standard input is empty
    unless ``stdin`` is given, so a command waiting for a password never hangs a test.
    """
    extra = {**(env or {}), **({PASSWORD_ENV: password} if password is not None else {})}
    return subprocess.run(
        [sys.executable, "-m", "board", "--db", db, *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != PASSWORD_ENV}, **extra},
        timeout=300,
    )


def as_raw(record: PublicRecord) -> dict:
    """A mutable deep copy of a published record, as the JSON document it parses from."""
    return {**record.model_dump(mode="json", by_alias=True), "short_hash": record.short_hash}


def as_record(raw: dict) -> PublicRecord:
    """The typed record of a (doctored) document, for renderers."""
    return parse_snapshot(copy.deepcopy(raw))


def rehash_chain(session: Session, change=None) -> None:
    """Recompute every village's chain after ``change(row, doc)`` (tests that set publication
    times; or what an insider with database access could do, which only witnesses catch)."""
    rows = session.exec(select(PublishedPeriod).order_by(PublishedPeriod.village_id, PublishedPeriod.id)).all()
    prev: dict[int, str] = {}
    for row in rows:
        doc = json.loads(row.content_json)
        assert doc["schema"] >= PART_SCHEMA
        if change:
            change(row, doc)
        row.prev_hash = doc["prev_hash"] = prev.get(row.village_id, "")
        doc["published_at"] = utc_iso(row.published_at)
        row.content_json = canonical_json(doc)
        code = session.get(Village, row.village_id).code
        head = header(
            village_code=code,
            period=row.period,
            version=row.version,
            published_at=row.published_at,
            prev_hash=row.prev_hash,
        )
        row.content_hash = chained_hash(head, document_root(doc))
        session.add(row)
        session.flush()
        prev[row.village_id] = row.content_hash


def published_hashes(session: Session) -> set[str]:
    """Every hash of the database's published versions (content and anchor): public on purpose."""
    rows = session.exec(select(PublishedPeriod.content_hash, PublishedPeriod.anchor_hash)).all()
    return {h for row in rows for h in row if h}


def without_hashes(text: str, hashes: set[str]) -> str:
    """``text`` with each known hash and its 12-character 核验码 blanked. A hash is random hex: about
    one in forty holds eleven digits that read as a mobile, so scans of public text leave them out,
    as the digest's own masking does (``board.digest``)."""
    for full in sorted(hashes):
        text = text.replace(full, " ").replace(full[:12], " ")
    return text
