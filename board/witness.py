"""Witnesses: a village's chain head written down outside the database, and checked later.

The township keeps a file of JSON lines (one per village and export); a version deleted
after it was written down, or a chain recomputed from some version on, no longer has the
hash the file holds.  Lines name the version, never any content.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from board.commitment import utc_iso
from board.errors import BoardError, Problem
from board.snapshot import latest_chain_head
from models import PublishedPeriod, Village, row_id

FIELDS = ("village", "period", "version", "hash", "published_at", "exported_at")


def witness_line(row: PublishedPeriod, village: Village, exported_at: datetime) -> dict[str, Any]:
    return {
        "village": village.code,
        "period": row.period,
        "version": row.version,
        "hash": row.content_hash,
        "published_at": utc_iso(row.published_at),
        "exported_at": utc_iso(exported_at),
    }


def township_heads(session: Session, township_id: int, exported_at: datetime) -> list[dict[str, Any]]:
    """The chain head of every village of a township that has published."""
    villages = session.exec(select(Village).where(Village.township_id == township_id).order_by(Village.code)).all()
    lines = []
    for village in villages:
        head = latest_chain_head(session, row_id(village))
        if head is not None:
            lines.append(witness_line(head, village, exported_at))
    return lines


def read_witnesses(path: Path) -> list[dict[str, Any]]:
    """Every line of a witness file; a line that is not a witness is refused by number."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BoardError(f"读不了见证文件“{path}”", field="见证文件") from None
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict) or any(not isinstance(entry.get(k), str) for k in ("village", "hash")):
                raise ValueError(line)
        except ValueError:
            problems.append(Problem(number, "见证文件", "不是见证记录（每行应是一个 JSON 对象，含 village 和 hash）"))
            continue
        entries.append(entry)
    if problems:
        raise BoardError(problems)
    return entries


def witness_problems(session: Session, village: Village, entries: list[dict[str, Any]]) -> list[str]:
    """What the chain no longer holds of what the witnesses wrote down for ``village``."""
    mine = [e for e in entries if e["village"] == village.code]
    if not mine:
        return [f"见证文件里没有{village.name}（{village.code}）的记录"]
    rows = {
        r.content_hash: r
        for r in session.exec(select(PublishedPeriod).where(PublishedPeriod.village_id == village.id)).all()
    }
    # A version re-anchored since (board/redaction.py) still answers for the hash it replaced.
    anchored = {r.anchor_hash: r for r in rows.values() if r.anchor_hash}
    problems = []
    for entry in mine:
        label = f"{entry.get('period')} 第{entry.get('version')}版（{entry['hash'][:12]}，{entry.get('exported_at', '')} 记下）"
        row = rows.get(entry["hash"]) or anchored.get(entry["hash"])
        if row is None:
            problems.append(f"见证记录的{label}在数据库里找不到：这一版被删除，或哈希链被重新计算过")
        elif (row.period, row.version, utc_iso(row.published_at)) != (
            entry.get("period"),
            entry.get("version"),
            entry.get("published_at"),
        ):
            problems.append(f"见证记录的{label}与数据库里的月份、版本或公开时间不一致")
    return problems
