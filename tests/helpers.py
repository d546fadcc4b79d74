"""Helpers tests import directly (fixtures live in conftest.py)."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

from board.public_record import PublicRecord, parse_snapshot
from cli.actor import PASSWORD_ENV

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
