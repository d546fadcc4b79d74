"""Helpers tests import directly (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_END = "2026-10"  # the demo database in tests always ends here


def run_cli(*args: str, db: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m board --db DB ARGS`` as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "board", "--db", db, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
