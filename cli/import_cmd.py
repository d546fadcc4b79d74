"""``python -m board import KIND FILE``: preview a clerk's spreadsheet and save it all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from board.auth import get_user
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
from cli.main import open_engine
from infra.db import unit_of_work


def _parse_map(kind: str, pairs: list[str]) -> dict[str, str]:
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


def cmd_import(args) -> int:
    check_period(args.period)
    path = Path(args.file)
    if not path.is_file():
        raise BoardError(f"找不到文件“{args.file}”", field="文件")
    data = path.read_bytes()
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        village = get_village(session, args.village)
        given = _parse_map(args.kind, args.map or [])
        mapping = {**(remembered_mapping(session, village=village, kind=args.kind) or {}), **given}
        preview = preview_import(
            args.kind,
            data,
            path.name,
            period=args.period,
            mapping=mapping,
            known_categories=known_categories(session, village) if args.kind == "ledger" else None,
            earlier=earlier_months(session, village=village, period=args.period) if args.kind == "ledger" else None,
        )
        _print_preview(preview)
        if not preview.ok:
            return _refuse(preview)
        if args.check:
            print(f"检查通过（未保存）：{KIND_LABELS[args.kind]} {_totals_line(preview.totals)}")
            return 0
        if not args.by:
            raise BoardError("保存需要用 --by 指定操作人用户名；只想检查文件请加 --check", field="--by")
        summary = import_file(
            session,
            village=village,
            period=args.period,
            user=get_user(session, args.by),
            preview=preview,
            mapping=mapping if given else None,
            affair_id=args.affair_id,
            affair_title=args.affair,
        )
        session.commit()
    print(f"已导入 {village.name} {args.period} {KIND_LABELS[args.kind]}：{_totals_line(preview.totals)}")
    if summary.get("kept_other_account_rows"):
        print(f"  另一账户原有的 {summary['kept_other_account_rows']} 行收支明细保持不变")
    if summary.get("balance_updated"):
        print("  已按文件更新账户的月初、月末余额")
    if "affair" in summary:
        done = "新建了村务事项" if summary["affair_created"] else "名单已放入村务事项"
        print(f"  {done}“{summary['affair']}”")
    return 0


def register(sub) -> None:
    p = sub.add_parser("import", help="从 Excel/CSV 导入收支明细、资产、债权债务、名单等")
    p.add_argument("kind", choices=list(KINDS), help="导入类别")
    p.add_argument("file", help=".xlsx、.xls 或 .csv 文件")
    p.add_argument("--village", required=True, help="村/社区代码")
    p.add_argument("--period", required=True, help="月份 YYYY-MM")
    p.add_argument("--by", help="操作人用户名（保存时必填）")
    p.add_argument(
        "--affair", metavar="标题", help="补贴名单所属的本月村务事项标题（没有则新建）；不给时用名单的标题行"
    )
    p.add_argument("--affair-id", type=int, help="补贴名单所属的村务事项编号")
    p.add_argument("--map", action="append", metavar="字段=列名", help="指定列，可多次给出；会记住供下月使用")
    p.add_argument("--check", action="store_true", help="只检查并显示合计，不保存")
    p.set_defaults(func=cmd_import)
