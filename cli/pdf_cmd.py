"""``python -m board export pdf``: one village-month, or every village of a township as a ZIP."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from sqlmodel import select

from board.errors import BoardError
from board.periods import check_period
from board.public import published_snapshot
from board.public_record import PublicRecord
from board.villages import get_township, get_village
from cli.common import export_subparsers
from cli.main import open_engine
from exports.fonts import resolve_font
from exports.pdf import PAGE_SIZES, render_many, render_pdf_document
from infra.db import unit_of_work
from models import Village

BAR_WIDTH = 30


def progress_bar(done: int, total: int) -> None:
    filled = BAR_WIDTH * done // total
    end = "\n" if done == total else ""
    print(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def _warn_font() -> None:
    warning = resolve_font().warning
    if warning:
        print(f"警告：{warning}", file=sys.stderr)


def township_snapshots(session, township_code: str, period: str) -> tuple[list[PublicRecord], list[str]]:
    """Latest published snapshot of ``period`` per village, and the villages without one."""
    township = get_township(session, township_code)
    villages = session.exec(select(Village).where(Village.township_id == township.id).order_by(Village.code)).all()
    if not villages:
        raise BoardError(f"乡镇/街道“{township.name}”下还没有村/社区", field="乡镇/街道代码")
    snapshots, missing = [], []
    for village in villages:
        try:
            snapshots.append(published_snapshot(session, village, period))
        except BoardError:
            missing.append(f"{village.name}（{village.code}）")
    return snapshots, missing


def cmd_export_pdf(args) -> int:
    check_period(args.period)
    engine = open_engine(args)
    _warn_font()
    output = Path(args.output)
    if args.village:
        with unit_of_work(engine) as session:
            snapshot = published_snapshot(session, get_village(session, args.village), args.period)
        pdf = render_pdf_document(snapshot, size=args.size, base_url=args.base_url)
        output.write_bytes(pdf.data)
        print(f"已生成 {snapshot.village.name} {args.period} 公开栏 PDF（{args.size}，{pdf.pages} 页）：{output}")
        return 0
    with unit_of_work(engine) as session:
        snapshots, missing = township_snapshots(session, args.township, args.period)
    if not snapshots:
        raise BoardError(f"该乡镇/街道没有任何村/社区公开了 {args.period}", field="月份")
    pages = 0
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for snapshot, pdf in render_many(snapshots, size=args.size, base_url=args.base_url, progress=progress_bar):
            archive.writestr(f"{snapshot.village.code}_{args.period}_{args.size}.pdf", pdf.data)
            pages += pdf.pages
    print(f"已生成 {len(snapshots)} 个村/社区的 PDF（共 {pages} 页）：{output}")
    if missing:
        print(f"以下 {len(missing)} 个村/社区还没有公开 {args.period}，未包含在内：")
        for name in missing:
            print(f"  - {name}")
    return 0


def register(sub) -> None:
    p = export_subparsers(sub).add_parser("pdf", help="导出可打印的公开栏 PDF")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--village", help="村/社区代码：导出一个 PDF")
    target.add_argument("--township", help="乡镇/街道代码：每个村/社区一个 PDF，打包为 ZIP")
    p.add_argument("--period", required=True, help="月份 YYYY-MM")
    p.add_argument("--size", default="A4", choices=list(PAGE_SIZES), help="纸张：A4（默认）、A3、A2 海报")
    p.add_argument("--base-url", help="二维码指向的网上公开栏地址（默认读取 PUBLIC_BASE_URL）")
    p.add_argument("-o", "--output", required=True, help="输出文件（PDF，或乡镇批量时的 ZIP）")
    p.set_defaults(func=cmd_export_pdf)
