"""Witness actions: write each village's chain head down outside the database, check a village against it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from board.errors import BoardError
from board.snapshot import ChainReport, verify_chain
from board.villages import get_township, get_village
from board.witness import read_witnesses, township_heads, witness_problems
from infra.db import unit_of_work
from models import row_id, utcnow


def export_witnesses(engine: Engine, *, township_code: str, path: Path, now: datetime | None = None) -> list[dict]:
    """Append the chain head of every village of the township to ``path`` (JSON lines); the lines written."""
    with unit_of_work(engine) as session:
        township = get_township(session, township_code)
        lines = township_heads(session, row_id(township), now or utcnow())
    if not lines:
        raise BoardError(f"{township.name}还没有村/社区公开过，没有可记下的版本", field="乡镇/街道代码")
    try:
        with path.open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
    except OSError:
        raise BoardError(f"写不了见证文件“{path}”：请检查目录是否存在、是否有写权限", field="输出文件") from None
    return lines


def verify_village(engine: Engine, *, village_code: str, witness: Path | None = None) -> tuple[str, ChainReport]:
    """(village name, report): the hash chain recomputed, and checked against a witness file if given."""
    entries = read_witnesses(witness) if witness is not None else None
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        report = verify_chain(session, row_id(village))
        if entries is not None:
            extra = witness_problems(session, village, entries)
            report = ChainReport(
                ok=report.ok and not extra,
                checked=report.checked,
                problems=report.problems + extra,
                notes=report.notes,
            )
    return village.name, report
