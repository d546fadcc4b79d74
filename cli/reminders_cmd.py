"""``python -m board remind``: queue reminders for the village staff groups (``push --due`` sends them)."""

from __future__ import annotations

from datetime import UTC, datetime

from board.errors import BoardError
from board.periods import check_period
from cli.main import open_engine
from cli.request_cmd import today_arg
from exports.wechat.reminders import STAFF_GRID_NAME, queue_catalogue_reminders, queue_request_reminders


def cmd_remind(args) -> int:
    engine = open_engine(args)
    now = datetime.now(UTC)
    if args.what == "requests":
        report = queue_request_reminders(engine, today=today_arg(args), now=now)
        what = "答复期限提醒"
    else:
        if not (args.township and args.period):
            raise BoardError("公开目录提醒需要 --township 和 --period", field="参数")
        check_period(args.period)
        report = queue_catalogue_reminders(
            engine, township_code=args.township, period=args.period, today=today_arg(args), now=now
        )
        what = "公开目录逾期提醒"
    print(f"{what}：今天应提醒 {report.due} 项，新加入发送队列 {report.queued} 条（用 push --due 发送）。")
    if report.no_group:
        print(f"  以下村/社区没有名为“{STAFF_GRID_NAME}”的企业微信群，无法提醒：{'、'.join(report.no_group)}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "remind",
        help="通过企业微信提醒村里的工作人员：申请答复期限、公开目录逾期事项",
        description="requests：答复期限前 3 个工作日和当天各提醒一次；catalogue：按公开目录逾期或未公开的事项。",
    )
    p.add_argument("what", choices=["requests", "catalogue"])
    p.add_argument("--township", help="乡镇/街道代码（catalogue）")
    p.add_argument("--period", help="月份 YYYY-MM（catalogue）")
    p.add_argument("--today", help="按这一天计算 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_remind)
