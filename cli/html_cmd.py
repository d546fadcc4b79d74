"""``python -m board export html``: the static public site, ready for `board serve` or any web server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.common import Globals
from cli.zh import command, option
from exports.site import export_site
from infra.settings import get_settings, local_link_warning


@command(None, "html", help="导出静态网页公开栏：每个村一个目录，另有村（社区）目录（可用 board serve 或任何网站提供）")
@option("--village", metavar="代码", help="只导出这个村/社区代码（默认导出全部已公开的村/社区）")
@option("--period", metavar="月份", help="只导出这个月份 YYYY-MM（默认导出全部已公开月份）")
@option("-o", "--out", required=True, metavar="目录", help="输出目录")
@click.pass_obj
def cmd_export_html(g: Globals, village: str | None, period: str | None, out: str) -> int:
    engine = g.engine()
    settings = get_settings()
    result = export_site(
        engine,
        Path(out),
        village_codes=[village] if village else None,
        period=period,
        base_url=settings.public_base_url,
    )
    warning = local_link_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    largest = max(page.stat().st_size for page in result.pages)
    for exported in result.villages:
        months = len({p.parent.name for p in exported.pages if p.parent.parent == exported.dir})
        print(f"已导出 {exported.name} {months} 个月份的公开栏到 {exported.dir}")
        if exported.policy:
            print(f"  政策问答：{exported.policy}")
    print(f"村（社区）目录：{result.index}（最大的一页 {largest / 1024:.0f} KB）")
    return 0
