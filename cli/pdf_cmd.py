"""``python -m board export pdf``: one village-month, or every village of a township as a ZIP."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import click
from sqlmodel import select

from board.errors import BoardError
from board.periods import check_period
from board.public import published_snapshot
from board.public_record import PublicRecord
from board.villages import get_township, get_village
from cli.common import Globals, write_output
from cli.zh import OneOf, command, option
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


@command(None, "pdf", help="导出可打印的公开栏 PDF")
@option("--village", metavar="代码", help="村/社区代码：导出一个 PDF")
@option("--township", metavar="代码", help="乡镇/街道代码：每个村/社区一个 PDF，打包为 ZIP")
@option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
@option("--size", default="A4", type=OneOf(PAGE_SIZES), metavar="纸张", help="纸张：A4（默认）、A3、A2 海报")
@option("--base-url", metavar="网址", help="二维码指向的网上公开栏地址（默认读取 PUBLIC_BASE_URL）")
@option("-o", "--output", required=True, metavar="文件", help="输出文件（PDF，或乡镇批量时的 ZIP）")
@click.pass_obj
def cmd_export_pdf(
    g: Globals, village: str | None, township: str | None, period: str, size: str, base_url: str | None, output: str
) -> int:
    ctx = click.get_current_context()
    if village and township:
        raise click.UsageError("--village 和 --township 只能给一个", ctx)
    if not village and not township:
        raise click.UsageError("缺少参数 --village 或 --township", ctx)
    check_period(period)
    engine = g.engine()
    _warn_font()
    out = Path(output)
    if village:
        with unit_of_work(engine) as session:
            snapshot = published_snapshot(session, get_village(session, village), period)
        pdf = render_pdf_document(snapshot, size=size, base_url=base_url)
        write_output(out, pdf.data)
        print(f"已生成 {snapshot.village.name} {period} 公开栏 PDF（{size}，{pdf.pages} 页）：{out}")
        return 0
    assert township is not None  # one of the two was required above
    with unit_of_work(engine) as session:
        snapshots, missing = township_snapshots(session, township, period)
    if not snapshots:
        raise BoardError(f"该乡镇/街道没有任何村/社区公开了 {period}", field="月份")
    pages = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for snapshot, pdf in render_many(snapshots, size=size, base_url=base_url, progress=progress_bar):
            archive.writestr(f"{snapshot.village.code}_{period}_{size}.pdf", pdf.data)
            pages += pdf.pages
    print(f"已生成 {len(snapshots)} 个村/社区的 PDF（共 {pages} 页）：{out}")
    if missing:
        print(f"以下 {len(missing)} 个村/社区还没有公开 {period}，未包含在内：")
        for name in missing:
            print(f"  - {name}")
    return 0
