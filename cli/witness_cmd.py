"""``witness export`` and ``verify --witness``: plain functions, registered by cli/main.py."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from services.witness import export_witnesses, verify_village


def witness_export(engine: Engine, township: str, output: str | Path) -> int:
    lines = export_witnesses(engine, township_code=township, path=Path(output))
    print(f"已记下 {len(lines)} 个村/社区的最新公开版本到 {output}：")
    for line in lines:
        print(f"  {line['village']} {line['period']} 第{line['version']}版  {line['hash']}")
    return 0


def verify_with_witness(engine: Engine, village: str, witness: str | Path | None = None) -> int:
    """Exit 0 when the chain (and the witness file, if given) holds; 1 with the problems otherwise."""
    name, report = verify_village(engine, village_code=village, witness=Path(witness) if witness else None)
    for note in report.notes:
        print(f"  说明：{note}")
    if report.ok:
        against = "，与见证文件一致" if witness else ""
        print(f"{name}：{report.checked} 个公开版本全部核验通过{against}。")
        return 0
    print(f"{name}：核验发现 {len(report.problems)} 个问题：", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1
