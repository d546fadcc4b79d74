"""``parts`` and ``redact``: find where a leak sits in published versions, and withdraw it (依法隐去).

``redact`` needs two people: the admin (``--by`` with the password from SANWU_PASSWORD or the first
line of standard input, or ``--as-admin`` on the server) and a member of the village's supervision
committee (``--supervisor`` with the password from SANWU_SUPERVISOR_PASSWORD or the next line of
standard input). ``--as-admin`` never stands in for the supervisor.
"""

from __future__ import annotations

import os
import sys

import click
from sqlalchemy.engine import Engine

from cli.actor import OPERATOR, PASSWORD_ENV, actor_options, authenticate_actor, require_one
from cli.common import Globals, read_secret
from cli.zh import ID, command, option
from services.redaction import PartRow, Signers, list_parts, redact_part, redact_text

SUPERVISOR_PASSWORD_ENV = "SANWU_SUPERVISOR_PASSWORD"


@command(None, "parts", help="列出已公开版本里可依法隐去的部分（部分编号和文字），可按文字查找")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", metavar="月份", help="只看这个月份 YYYY-MM（默认全部已公开月份）")
@option("--version", type=ID, metavar="版本号", help="只看这一版（默认每一版）")
@option("--find", metavar="文字", help="只列出含有这段文字的部分（号码的空格、横线不计），查泄露的号码在哪几版")
@click.pass_obj
def cmd_parts(g: Globals, village: str, period: str | None, version: int | None, find: str | None) -> int:
    rows = list_parts(g.engine(), village_code=village, period=period, version=version, find=find or "")
    if not rows:
        print("没有找到符合条件的内容。")
        return 0
    _print_rows(rows)
    return 0


def _print_rows(rows: list[PartRow]) -> None:
    for row in rows:
        fixed = f"  （不能单独隐去：{row['fixed']}）" if row["fixed"] else ""
        print(f"{row['period']} 第{row['version']}版  {row['part']}  {row['text']}{fixed}")
    fixed_count = sum(1 for row in rows if row["fixed"])
    print(f"共 {len(rows)} 处" + (f"，其中 {fixed_count} 处不能单独隐去。" if fixed_count else "。"))


@command(
    None,
    "redact",
    help="依法隐去已公开版本中的一部分（管理员和村务监督委员会成员共同确认）",
    epilog=(
        f"密码：管理员（--by）的密码从环境变量 {PASSWORD_ENV} 或标准输入第一行读取；监督委员会成员（--supervisor）"
        f"的密码从环境变量 {SUPERVISOR_PASSWORD_ENV} 或标准输入的下一行读取（终端上会分别提示输入，不回显）。"
        "--as-admin 只能代替管理员，监督委员会成员必须本人输入密码。"
        "用 --part 隐去某月某版的一个部分（编号用 parts 命令查看）；用 --text 隐去含有这段文字的部分（可用 --period、--version 缩小范围），先不加 --yes 看清要隐去哪些，再加 --yes 执行。"
        "本机有这个村的公开网页时会自动重新生成，否则会提示导出命令；请重新推送摘要。"
    ),
)
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", metavar="月份", help="月份 YYYY-MM（--part 必须给；与 --text 一起用时只在这个月份里找）")
@option("--version", type=ID, metavar="版本号", help="第几版（--part 必须给；与 --text 一起用时只在这一版里找）")
@option("--part", metavar="部分编号", help="要隐去的部分编号（用 parts 命令查看）")
@option("--text", metavar="文字", help="隐去含有这段文字的部分（默认每个月份、每一版；每处分别记入操作日志）")
@option("--yes", is_flag=True, help="确认执行 --text：不加时只列出会隐去的部分，不作改动")
@option("--reason", required=True, metavar="理由", help="依法隐去的理由，如：泄露个人信息、本人申请删除")
@actor_options("发起的管理员用户名")
@option(
    "--supervisor",
    required=True,
    metavar="用户名",
    help=f"共同确认的村务监督委员会成员；需要其本人密码（环境变量 {SUPERVISOR_PASSWORD_ENV}，或标准输入的下一行）",
)
@click.pass_obj
def cmd_redact(
    g: Globals,
    village: str,
    period: str | None,
    version: int | None,
    part: str | None,
    text: str | None,
    yes: bool,
    reason: str,
    by: str | None,
    as_admin: bool,
    supervisor: str,
) -> int:
    require_one(by, as_admin)
    if bool(part) == bool(text):
        raise click.UsageError("--part 和 --text 要给一个，且只能给一个", click.get_current_context())
    if part and (period is None or version is None):
        raise click.UsageError("用 --part 时还要给 --period 和 --version", click.get_current_context())
    engine = g.engine()
    if text and not yes:
        return _preview(engine, village, text, period, version)
    actor = authenticate_actor(engine, by, as_admin)
    password = os.environ.get(SUPERVISOR_PASSWORD_ENV) or read_secret(f"{supervisor} 的密码（监督委员会成员）：")
    signers = Signers(
        admin=OPERATOR if actor.as_admin else actor.username,
        supervisor=supervisor.strip(),
        supervisor_password=password,
        operator=actor.as_admin,
    )
    if part:
        assert period is not None and version is not None  # checked above
        outcome = redact_part(
            engine,
            village_code=village,
            period=period,
            version=version,
            part_id=part,
            reason=reason,
            signers=signers,
        )
    else:
        outcome = redact_text(
            engine,
            village_code=village,
            text=text or "",
            reason=reason,
            signers=signers,
            period=period,
            version=version,
        )
    for done in outcome.withdrawn:
        print(f"已依法隐去：{done.period} 第{done.version}版 {done.part}  核验码 {done.hash}")
    print(outcome.site)
    print("请重新推送摘要。")
    for skipped in outcome.skipped:
        print(f"跳过：{skipped}", file=sys.stderr)
    return 1 if outcome.skipped else 0


def _preview(engine: Engine, village: str, text: str, period: str | None, version: int | None) -> int:
    """What ``--text`` would withdraw, and nothing done: withdrawing is final, so it is confirmed with --yes."""
    rows = list_parts(engine, village_code=village, period=period, version=version, find=text)
    _print_rows(rows)
    count = sum(1 for row in rows if not row["fixed"])
    print(f"共 {count} 处可以隐去，尚未隐去。确认无误后加上 --yes 再运行一次。", file=sys.stderr)
    return 2
