"""``python -m board digest | grid add | push``: the digest and its delivery from a batch job.

``push`` exits 0 when every part is sent or scheduled (retry, waiting for an earlier
part, or waiting for a person to forward/confirm), 1 when something failed for good,
4 when a send's outcome is unknown and someone must look in the group.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from board.digest import build_digest
from board.errors import BoardError
from board.periods import check_period
from board.public import published_snapshot
from board.snapshot import SHANGHAI
from board.villages import get_village
from cli.main import open_engine
from exports.wechat.channels import DEFAULT_TIMEOUT
from exports.wechat.grids import CHANNELS, add_grid
from exports.wechat.push import push_due, push_period
from infra.db import unit_of_work
from infra.settings import get_settings

EXIT_FAILED = 1
EXIT_AMBIGUOUS = 4
_WAITING = {
    "pending": "等待前一段发出后再发",
    "manual_pending": "等待网格员转发或在企业微信里确认",
}


def cmd_digest(args) -> int:
    engine = open_engine(args)
    check_period(args.period)
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, args.village), args.period)
    print(build_digest(snapshot, base_url=get_settings().public_base_url, short=args.short))
    return 0


def cmd_grid_add(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        village = get_village(session, args.village)
        grid = add_grid(
            session,
            village=village,
            name=args.name,
            channel=args.channel,
            key_ref=args.key_ref or "",
            chat_id=args.chat_id or "",
            sender=args.sender or "",
            worker=args.worker or "",
        )
        session.commit()
    print(f"已登记网格：{village.name} {grid.name}（{CHANNELS[grid.channel]}）")
    return 0


def _describe(row: dict) -> str:
    head = (
        f"{row['grid']}（{row['channel_label']}）{row['period']} 第{row['version']}版 "
        f"{row['kind_label']} 第{row['part_no']}/{row['part_total']}段：{row['status_label']}"
    )
    if row["status"] == "retry" and row["next_attempt_at"]:
        when = row["next_attempt_at"].astimezone(SHANGHAI).strftime("%m-%d %H:%M:%S")
        return f"{head}，{when} 自动重试（{row['error']}）"
    if row["status"] in ("failed", "ambiguous"):
        return f"{head}：{row['error']}"
    if row["status"] in _WAITING:
        return f"{head}（{row['error'] or _WAITING[row['status']]}）"
    return head


def cmd_push(args) -> int:
    if args.due and (args.village or args.period or args.grid):
        raise BoardError("--due 发送所有到期的推送，不能再指定村/社区、月份或网格", field="参数")
    if not args.due and not (args.village and args.period):
        raise BoardError("请同时给出 --village 和 --period（或者只给 --due）", field="参数")
    engine = open_engine(args)
    settings = get_settings()
    timeout = (DEFAULT_TIMEOUT[0], args.timeout) if args.timeout else DEFAULT_TIMEOUT
    now = datetime.now(UTC)
    if args.due:
        report = push_due(engine, now=now, settings=settings, timeout=timeout)
    else:
        check_period(args.period)
        report = push_period(
            engine,
            village_code=args.village,
            period=args.period,
            grid_name=args.grid,
            now=now,
            settings=settings,
            timeout=timeout,
        )
    for row in report.rows:
        print(_describe(row), file=sys.stderr if row["status"] in ("failed", "ambiguous") else sys.stdout)
    counts = {}
    for row in report.rows:
        counts[row["status_label"]] = counts.get(row["status_label"], 0) + 1
    summary = "，".join(f"{label} {n}" for label, n in counts.items()) or "没有需要发送的内容"
    print(f"共 {len(report.rows)} 条：{summary}")
    ambiguous = report.with_status("ambiguous")
    if ambiguous:
        print(
            f"有 {len(ambiguous)} 条结果不确定：消息可能已经发出，请到群里查看，"
            "收到了就在“网格转发”页点“群里已收到”，没收到就点“重新发送”。",
            file=sys.stderr,
        )
    if report.failed:
        print(f"有 {len(report.failed)} 条发送失败，需要人工处理（见上面的原因）。", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_AMBIGUOUS if ambiguous else 0


def register(sub) -> None:
    p = sub.add_parser("digest", help="打印某月公开内容的大白话摘要（转发到群里用）")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--short", action="store_true", help="只要一条消息长的短版")
    p.set_defaults(func=cmd_digest)

    grid = sub.add_parser("grid", help="网格").add_subparsers(dest="action", required=True)
    p = grid.add_parser("add", help="登记网格及其发送方式")
    p.add_argument("--village", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--channel", required=True, choices=list(CHANNELS))
    p.add_argument("--key-ref", help="保存群机器人 key 或应用密钥的环境变量名（不是密钥本身）")
    p.add_argument("--chat-id", help="应用群聊 ID；客户群群发时为客户群 ID（逗号分隔，可省略）")
    p.add_argument("--sender", help="客户群群发的发送人（网格员的企业微信账号）")
    p.add_argument("--worker", help="网格员用户名")
    p.set_defaults(func=cmd_grid_add)

    p = sub.add_parser(
        "push",
        help="把某月摘要（和 PDF）推送到网格群；--due 发送所有到期的推送",
        description="退出码：0 全部已发送或已安排重试/等待转发；1 有发送失败需人工处理；"
        "2 参数错误；4 有结果不确定的消息，需要有人到群里查看是否收到。",
    )
    p.add_argument("--village")
    p.add_argument("--period")
    p.add_argument("--grid", help="只推送这个网格")
    p.add_argument("--due", action="store_true", help="发送新公开的月份和到时间的重试（供定时任务用）")
    p.add_argument("--timeout", type=float, help="等待企业微信回复的秒数（默认 15）")
    p.set_defaults(func=cmd_push)
