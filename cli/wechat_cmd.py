"""``python -m board digest | grid add | push``: the digest and its delivery from a batch job.

``push`` exits 0 when every part is sent or scheduled (retry, waiting for an earlier
part, or waiting for a person to forward/confirm), 1 when something failed for good,
4 when a send's outcome is unknown and someone must look in the group.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from board.digest import build_digest
from board.errors import BoardError
from board.periods import check_period
from board.public import published_snapshot
from board.snapshot import SHANGHAI
from board.villages import get_village
from cli.common import Globals
from cli.zh import OneOf, Seconds, command, option, subgroup
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


@command(None, "digest", help="打印某月公开内容的大白话摘要（转发到群里用）")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
@option("--short", is_flag=True, help="只要一条消息长的短版")
@click.pass_obj
def cmd_digest(g: Globals, village: str, period: str, short: bool) -> int:
    engine = g.engine()
    check_period(period)
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, village), period)
    print(build_digest(snapshot, base_url=get_settings().public_base_url, short=short))
    return 0


grid_group = subgroup(None, "grid", help="网格")


@command(grid_group, "add", help="登记网格及其发送方式")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--name", required=True, metavar="名称", help="网格名称")
@option(
    "--channel",
    required=True,
    type=OneOf(CHANNELS),
    metavar="方式",
    help="发送方式：" + "、".join(f"{name}（{label}）" for name, label in CHANNELS.items()),
)
@option("--key-ref", metavar="变量名", help="保存群机器人密钥或应用密钥的环境变量名（不是密钥本身）")
@option("--chat-id", metavar="群聊", help="应用群聊 ID；客户群群发时为客户群 ID（逗号分隔，可省略）")
@option("--sender", metavar="账号", help="客户群群发的发送人（网格员的企业微信账号）")
@option("--worker", metavar="用户名", help="网格员用户名")
@click.pass_obj
def cmd_grid_add(
    g: Globals,
    village: str,
    name: str,
    channel: str,
    key_ref: str | None,
    chat_id: str | None,
    sender: str | None,
    worker: str | None,
) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        row = get_village(session, village)
        grid = add_grid(
            session,
            village=row,
            name=name,
            channel=channel,
            key_ref=key_ref or "",
            chat_id=chat_id or "",
            sender=sender or "",
            worker=worker or "",
        )
        session.commit()
    print(f"已登记网格：{row.name} {grid.name}（{CHANNELS[grid.channel]}）")
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


@command(
    None,
    "push",
    help="把某月摘要（和 PDF）推送到网格群；--due 发送所有到期的推送",
    epilog="退出码：0 全部已发送或已安排重试/等待转发；1 有发送失败需人工处理；"
    "2 参数错误；4 有结果不确定的消息，需要有人到群里查看是否收到。",
)
@option("--village", metavar="代码", help="村/社区代码")
@option("--period", metavar="月份", help="月份 YYYY-MM")
@option("--grid", metavar="名称", help="只推送这个网格")
@option("--due", is_flag=True, help="发送新公开的月份和到时间的重试（供定时任务用）")
@option("--timeout", type=Seconds(600), metavar="秒", help="等待企业微信回复的秒数（默认 15）")
@click.pass_obj
def cmd_push(
    g: Globals, village: str | None, period: str | None, grid: str | None, due: bool, timeout: float | None
) -> int:
    if due and (village or period or grid):
        raise BoardError("--due 发送所有到期的推送，不能再指定村/社区、月份或网格", field="参数")
    if not due and not (village and period):
        raise BoardError("请同时给出 --village 和 --period（或者只给 --due）", field="参数")
    engine = g.engine()
    settings = get_settings()
    timeouts = (DEFAULT_TIMEOUT[0], timeout) if timeout else DEFAULT_TIMEOUT
    now = datetime.now(UTC)
    if due:
        report = push_due(engine, now=now, settings=settings, timeout=timeouts)
    else:
        assert village is not None and period is not None  # required above unless --due
        check_period(period)
        report = push_period(
            engine, village_code=village, period=period, grid_name=grid, now=now, settings=settings, timeout=timeouts
        )
    for row in report.rows:
        print(_describe(row), file=sys.stderr if row["status"] in ("failed", "ambiguous") else sys.stdout)
    counts: dict[str, int] = {}
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
