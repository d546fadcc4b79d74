"""``python -m board remind``: queue reminders for the village staff groups (``push --due`` sends them)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from board.errors import BoardError
from board.periods import check_period
from cli.common import Globals
from cli.request_cmd import today_arg
from cli.zh import OneOf, argument, command, option
from exports.wechat.reminders import STAFF_GRID_NAME, queue_catalogue_reminders, queue_request_reminders


@command(
    None,
    "remind",
    help="通过企业微信提醒村里的工作人员：申请答复期限、公开目录逾期事项",
    epilog="requests：答复期限前 3 个工作日和当天各提醒一次；catalogue：按公开目录逾期或未公开的事项。",
)
@argument(
    "what", metavar="提醒", help="requests（答复期限）或 catalogue（公开目录）", type=OneOf(["requests", "catalogue"])
)
@option("--township", metavar="代码", help="乡镇/街道代码（catalogue）")
@option("--period", metavar="月份", help="月份 YYYY-MM（catalogue）")
@option("--today", metavar="日期", help="按这一天计算 YYYY-MM-DD（默认今天）")
@click.pass_obj
def cmd_remind(g: Globals, what: str, township: str | None, period: str | None, today: str | None) -> int:
    engine = g.engine()
    now = datetime.now(UTC)
    if what == "requests":
        report = queue_request_reminders(engine, today=today_arg(today), now=now)
        label = "答复期限提醒"
    else:
        if not (township and period):
            raise BoardError("公开目录提醒需要 --township 和 --period", field="参数")
        check_period(period)
        report = queue_catalogue_reminders(
            engine, township_code=township, period=period, today=today_arg(today), now=now
        )
        label = "公开目录逾期提醒"
    print(f"{label}：今天应提醒 {report.due} 项，新加入发送队列 {report.queued} 条（用 push --due 发送）。")
    if report.no_group:
        print(f"  以下村/社区没有名为“{STAFF_GRID_NAME}”的企业微信群，无法提醒：{'、'.join(report.no_group)}")
    return 0
