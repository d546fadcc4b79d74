"""``python -m board export html``: the static board of a village, ready for any web server."""

from __future__ import annotations

from pathlib import Path

from cli.common import export_subparsers
from cli.main import open_engine
from exports.html import export_html
from infra.settings import get_settings


def cmd_export_html(args) -> int:
    engine = open_engine(args)
    result = export_html(
        engine,
        args.village,
        Path(args.out),
        period=args.period,
        base_url=get_settings().public_base_url,
    )
    largest = max(page.stat().st_size for page in result.pages)
    print(f"已导出 {len(result.pages)} 个月份的公开栏到 {result.out_dir}（最大的一页 {largest / 1024:.0f} KB）")
    print(f"  月份目录：{result.index}")
    if result.policy:
        print(f"  政策问答：{result.policy}")
    return 0


def register(sub) -> None:
    p = export_subparsers(sub).add_parser("html", help="导出静态网页公开栏（离线可看，可放到任何网站）")
    p.add_argument("--village", required=True, help="村/社区代码")
    p.add_argument("--period", help="只导出这个月份 YYYY-MM（默认导出全部已公开月份）")
    p.add_argument("-o", "--out", required=True, help="输出目录")
    p.set_defaults(func=cmd_export_html)
