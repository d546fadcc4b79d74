"""``python -m board export html``: the static board of a village, ready for any web server."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import Globals
from cli.zh import command, option
from exports.html import export_html
from infra.settings import get_settings


@command(None, "html", help="导出静态网页公开栏（离线可看，可放到任何网站）")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", metavar="月份", help="只导出这个月份 YYYY-MM（默认导出全部已公开月份）")
@option("-o", "--out", required=True, metavar="目录", help="输出目录")
@click.pass_obj
def cmd_export_html(g: Globals, village: str, period: str | None, out: str) -> int:
    engine = g.engine()
    result = export_html(engine, village, Path(out), period=period, base_url=get_settings().public_base_url)
    largest = max(page.stat().st_size for page in result.pages)
    print(f"已导出 {len(result.pages)} 个月份的公开栏到 {result.out_dir}（最大的一页 {largest / 1024:.0f} KB）")
    print(f"  月份目录：{result.index}")
    if result.policy:
        print(f"  政策问答：{result.policy}")
    return 0
