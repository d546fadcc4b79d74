"""``witness export`` and ``verify --witness``: chain heads kept outside the database."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.engine import Engine

from cli.common import Globals
from cli.zh import command, option, subgroup
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


witness_group = subgroup(None, "witness", help="见证：把各村最新公开版本记到数据库之外")


@command(witness_group, "export", help="把乡镇各村的最新公开版本追加到见证文件")
@option("--township", required=True, metavar="代码", help="乡镇/街道代码")
@option("-o", "--output", required=True, metavar="文件", help="见证文件（JSON 行，追加写入）")
@click.pass_obj
def cmd_witness_export(g: Globals, township: str, output: str) -> int:
    return witness_export(g.engine(), township, output)
