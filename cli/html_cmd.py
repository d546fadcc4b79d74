"""``python -m board export html``: the static public site, ready for `board serve` or any web server."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.common import export_subparsers
from cli.main import open_engine
from exports.site import export_site
from infra.settings import get_settings, local_link_warning


def cmd_export_html(args) -> int:
    engine = open_engine(args)
    settings = get_settings()
    result = export_site(
        engine,
        Path(args.out),
        village_codes=[args.village] if args.village else None,
        period=args.period,
        base_url=settings.public_base_url,
    )
    warning = local_link_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    largest = max(page.stat().st_size for page in result.pages)
    for village in result.villages:
        months = len({p.parent.name for p in village.pages if p.parent.parent == village.dir})
        print(f"已导出 {village.name} {months} 个月份的公开栏到 {village.dir}")
        if village.policy:
            print(f"  政策问答：{village.policy}")
    print(f"村（社区）目录：{result.index}（最大的一页 {largest / 1024:.0f} KB）")
    return 0


def register(sub) -> None:
    p = export_subparsers(sub).add_parser(
        "html", help="导出静态网页公开栏：每个村一个目录，另有村（社区）目录（可用 board serve 或任何网站提供）"
    )
    p.add_argument("--village", help="只导出这个村/社区代码（默认导出全部已公开的村/社区）")
    p.add_argument("--period", help="只导出这个月份 YYYY-MM（默认导出全部已公开月份）")
    p.add_argument("-o", "--out", required=True, help="输出目录")
    p.set_defaults(func=cmd_export_html)
