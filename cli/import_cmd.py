"""``python -m board import KIND FILE``: preview a clerk's spreadsheet and save it all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from board.errors import BoardError
from board.importers import (
    KIND_LABELS,
    KINDS,
    ImportPreview,
    earlier_months,
    import_file,
    known_categories,
    preview_import,
    remembered_mapping,
    totals_text,
)
from board.importers.columns import field_of
from board.periods import check_period
from board.villages import get_village
from cli.actor import actor_options, authenticate_actor, refuse_both
from cli.common import Globals
from cli.zh import ID, OneOf, argument, command, option
from infra.db import unit_of_work


def _parse_map(kind: str, pairs: tuple[str, ...]) -> dict[str, str]:
    """``--map 字段=列名`` where 字段 is a field name or its Chinese label."""
    labels = {f.label: f.name for f in KINDS[kind]} | {f.name: f.name for f in KINDS[kind]}
    mapping = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or name.strip() not in labels:
            choices = "、".join(f.label for f in KINDS[kind])
            raise BoardError(f"“{pair}”应写成 字段=列名，字段可选：{choices}", field="--map")
        mapping[labels[name.strip()]] = header.strip()
    return mapping


def _print_preview(preview: ImportPreview) -> None:
    rows = (
        f"第{preview.header_first}–{preview.header_row}行"
        if preview.header_first < preview.header_row
        else f"第{preview.header_row}行"
    )
    print(f"文件：{preview.filename}  工作表：{preview.sheet_name}  表头在{rows}")
    if preview.layout:
        print(f"识别为：{preview.layout}")
    for name, header in preview.mapping.items():
        print(f"  {field_of(preview.kind, name).label} ← “{header}”")
    for check in preview.checks:
        print(f"  · {check}")


def _totals_line(totals: dict) -> str:
    return "  ".join(f"{label} {value}" for label, value in totals_text(totals))


def _refuse(preview: ImportPreview) -> int:
    print("导入未完成，发现以下问题（什么也没有保存）：", file=sys.stderr)
    if preview.missing_fields:
        print(
            f"  找不到这些列：{'、'.join(preview.missing_labels())}。表头是：{'、'.join(preview.headers)}",
            file=sys.stderr,
        )
        print("  请用 --map 字段=列名 指定，例如 --map 日期=记账日期", file=sys.stderr)
    if preview.problems:
        print(f"  {'行':>6}  {'列':<12}  问题", file=sys.stderr)
        for p in preview.problems:
            print(f"  {p.row or '':>6}  {p.field:<12}  {p.message}", file=sys.stderr)
    return 2


@command(None, "import", help="从 Excel/CSV 导入收支明细、资产、债权债务、名单等")
@argument(
    "kind",
    metavar="类别",
    help="导入类别：" + "、".join(f"{k}（{v}）" for k, v in KIND_LABELS.items()),
    type=OneOf(KINDS),
)
@argument("file", metavar="文件", help=".xlsx、.xls 或 .csv 文件")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
@actor_options("操作人用户名（保存时必填）")
@option("--affair", metavar="标题", help="补贴名单所属的本月村务事项标题（没有则新建）；不给时用名单的标题行")
@option("--affair-id", type=ID, metavar="编号", help="补贴名单所属的村务事项编号")
@option("--map", "pairs", multiple=True, metavar="字段=列名", help="指定列，可多次给出；会记住供下月使用")
@option("--check", is_flag=True, help="只检查并显示合计，不保存")
@click.pass_obj
def cmd_import(
    g: Globals,
    kind: str,
    file: str,
    village: str,
    period: str,
    by: str | None,
    as_admin: bool,
    affair: str | None,
    affair_id: int | None,
    pairs: tuple[str, ...],
    check: bool,
) -> int:
    check_period(period)
    refuse_both(by, as_admin)
    path = Path(file)
    if not path.is_file():
        raise BoardError(f"找不到文件“{file}”", field="文件")
    data = path.read_bytes()
    engine = g.engine()
    # Only saving acts as someone; a check reads the file and the village's categories.
    actor = authenticate_actor(engine, by, as_admin) if not check and (by or as_admin) else None
    with unit_of_work(engine) as session:
        row = get_village(session, village)
        given = _parse_map(kind, pairs)
        mapping = {**(remembered_mapping(session, village=row, kind=kind) or {}), **given}
        preview = preview_import(
            kind,
            data,
            path.name,
            period=period,
            mapping=mapping,
            known_categories=known_categories(session, row) if kind == "ledger" else None,
            earlier=earlier_months(session, village=row, period=period) if kind == "ledger" else None,
        )
        _print_preview(preview)
        if not preview.ok:
            return _refuse(preview)
        if check:
            print(f"检查通过（未保存）：{KIND_LABELS[kind]} {_totals_line(preview.totals)}")
            return 0
        if actor is None:
            raise BoardError("保存需要用 --by 指定操作人用户名；只想检查文件请加 --check", field="--by")
        summary = import_file(
            session,
            village=row,
            period=period,
            user=actor.user(session),
            preview=preview,
            mapping=mapping if given else None,
            affair_id=affair_id,
            affair_title=affair,
        )
        session.commit()
    print(f"已导入 {row.name} {period} {KIND_LABELS[kind]}：{_totals_line(preview.totals)}")
    if summary.get("kept_other_account_rows"):
        print(f"  另一账户原有的 {summary['kept_other_account_rows']} 行收支明细保持不变")
    if summary.get("balance_updated"):
        print("  已按文件更新账户的月初、月末余额")
    if "affair" in summary:
        done = "新建了村务事项" if summary["affair_created"] else "名单已放入村务事项"
        print(f"  {done}“{summary['affair']}”")
    return 0
