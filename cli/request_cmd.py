"""``python -m board request … | catalogue …``: residents' requests and the disclosure catalogue.

Like the other commands, ``list`` and ``show`` run with the operator's authority (all
villages); the steps that change a request name the staff user with ``--by`` and their password
(or ``--as-admin``).

Replies and extensions are dated today (Asia/Shanghai): a statutory step cannot be
back-dated from the command line.  ``list`` and ``show`` accept ``--today`` to see the
clock as of another day.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import click

from board.catalogue import catalogue_rows, read_workbook, replace_catalogue, write_workbook
from board.errors import BoardError
from board.request_clock import MAX_EXTENSION_DAYS
from board.requests import (
    REPLY_FORMS,
    SUPPLEMENT_FORM,
    extend_request,
    inbox,
    publish_answer,
    reply_request,
    request_detail,
    shanghai_today,
)
from board.villages import get_township
from cli.actor import actor_options, authenticate_actor, require_one
from cli.common import Globals, write_output
from cli.zh import Integer, argument, command, option, subgroup
from infra.db import unit_of_work


def today_arg(today: str | None) -> date:
    if today:
        try:
            return date.fromisoformat(today)
        except ValueError:
            raise BoardError(f"日期“{today}”格式不对，应写成 2026-03-19", field="日期") from None
    return shanghai_today(datetime.now(UTC))


def _line(row: dict) -> str:
    mark = "【逾期】" if row["overdue"] else ""
    return (
        f"{mark}{row['code']}  {row['village_name']}  {row['kind']}  {row['subject']}  "
        f"收到 {row['received_on']}  期限 {row['due_on'] or '暂停计时'}  {row['status_label']}  {row['days_left_label']}"
    )


TODAY_HELP = "按这一天计算剩余工作日 YYYY-MM-DD（默认今天）"
request_group = subgroup(None, "request", help="居民依申请公开和村务质询")


@command(request_group, "list", help="列出申请（最紧急的在前）")
@option("--village", metavar="代码", help="村/社区代码（默认：账号能看到的全部）")
@option("--overdue", is_flag=True, help="只列出已逾期未答复的")
@option("--today", metavar="日期", help=TODAY_HELP)
@option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.pass_obj
def cmd_request_list(g: Globals, village: str | None, overdue: bool, today: str | None, as_json: bool) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        rows = inbox(session, user=None, today=today_arg(today), village_code=village, overdue_only=overdue)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("没有逾期的申请。" if overdue else "没有申请。")
    for row in rows:
        print(_line(row))
    return 0


@command(request_group, "show", help="查看一件申请的经过")
@argument("code", metavar="查询码", help="查询码")
@option("--today", metavar="日期", help=TODAY_HELP)
@option("--json", "as_json", is_flag=True, help="输出 JSON")
@click.pass_obj
def cmd_request_show(g: Globals, code: str, today: str | None, as_json: bool) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        detail = request_detail(session, code, user=None, today=today_arg(today))
        session.commit()
    if as_json:
        print(json.dumps(detail, ensure_ascii=False, indent=2))
        return 0
    print(_line(detail))
    print(f"  申请人：{detail['requester']}  电话：{detail['phone']}  获取方式：{detail['answer_form']}")
    print(f"  问题：{detail['question']}")
    for event in detail["events"]:
        extra = f"（{event['days']} 个工作日）" if event["days"] else ""
        note = f"：{event['note']}" if event["note"] else ""
        print(f"  {event['on_day']}  {event['label']}{extra}{note}  {event['by']}")
    if detail["reply_text"]:
        print(f"  答复（{detail['reply_form']}）：{detail['reply_text']}")
    if detail["unknown_years"]:
        years = "、".join(str(y) for y in detail["unknown_years"])
        print(f"  注意：{years} 年的节假日安排尚未录入，期限暂按周一至周五计算（见 workdays/README.md）")
    return 0


@command(request_group, "reply", help="答复申请（条例第三十六条的答复类型）")
@argument("code", metavar="查询码", help="查询码")
@option("--form", required=True, metavar="答复类型", help="、".join(REPLY_FORMS + (SUPPLEMENT_FORM,)))
@option("--text", "text_file", required=True, metavar="文件", help="答复正文所在的文本文件（UTF-8）")
@option("--reason", metavar="理由", help="不予公开、部分公开的理由，或非本机关掌握时的负责机关")
@actor_options("答复人用户名")
@option("--publish", is_flag=True, help="同时在公开栏公开问答（申请人同意或普遍关注时）")
@option("--general-interest", is_flag=True, help="属于群众普遍关注的事项（条例第四十四条）")
@click.pass_obj
def cmd_request_reply(
    g: Globals,
    code: str,
    form: str,
    text_file: str,
    reason: str | None,
    by: str | None,
    as_admin: bool,
    publish: bool,
    general_interest: bool,
) -> int:
    require_one(by, as_admin)
    engine = g.engine()
    try:
        text = Path(text_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BoardError(f"无法读取答复文件 {text_file}：{type(error).__name__}", field="答复内容") from None
    today = today_arg(None)
    actor = authenticate_actor(engine, by, as_admin)
    with unit_of_work(engine) as session:
        user = actor.user(session)
        request = reply_request(session, code, user=user, form=form, text=text, reason=reason or "", today=today)
        if publish:
            publish_answer(session, code, user=user, today=today, general_interest=general_interest)
        session.commit()
    if form == SUPPLEMENT_FORM:
        print(f"{request.code}：已告知补正，补正前暂停计时。")
        return 0
    on_time = request.due_on is not None and today <= request.due_on
    print(f"{request.code}：已答复（{form}），{'在期限内' if on_time else '已超过期限 ' + str(request.due_on)}。")
    if publish:
        print("  问答已在公开栏公开（不含姓名和电话）。")
    return 0


@command(request_group, "extend", help=f"延长答复期限（一次，最多 {MAX_EXTENSION_DAYS} 个工作日）")
@argument("code", metavar="查询码", help="查询码")
@option("--reason", required=True, metavar="理由", help="延期理由")
@option(
    "--days",
    type=Integer(-(2**31), 2**31 - 1),
    default=MAX_EXTENSION_DAYS,
    metavar="天数",
    help=f"延长的工作日数（默认 {MAX_EXTENSION_DAYS}）",
)
@actor_options("操作人用户名")
@click.pass_obj
def cmd_request_extend(g: Globals, code: str, reason: str, days: int, by: str | None, as_admin: bool) -> int:
    require_one(by, as_admin)
    engine = g.engine()
    actor = authenticate_actor(engine, by, as_admin)
    with unit_of_work(engine) as session:
        due = extend_request(session, code, user=actor.user(session), reason=reason, days=days, today=today_arg(None))
        session.commit()
    print(f"{code.upper()}：答复期限已延长至 {due}。")
    return 0


catalogue_group = subgroup(None, "catalogue", help="乡镇公开目录（三项清单）")


@command(catalogue_group, "import", help="从 Excel 导入并替换乡镇的公开目录")
@argument("file", metavar="文件", help=".xlsx 文件（列名同导出的模板）")
@option("--township", required=True, metavar="代码", help="乡镇/街道代码")
@click.pass_obj
def cmd_catalogue_import(g: Globals, file: str, township: str) -> int:
    engine = g.engine()
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise BoardError(f"无法读取文件 {file}：{type(error).__name__}", field="文件") from None
    rows = read_workbook(data)
    with unit_of_work(engine) as session:
        row = get_township(session, township)
        count = replace_catalogue(session, township=row, rows=rows, user=None)
        session.commit()
    print(f"{row.name}：公开目录已更新，共 {count} 项。")
    return 0


@command(catalogue_group, "export", help="把乡镇的公开目录导出为 Excel（没有自定义时导出默认目录）")
@option("--township", required=True, metavar="代码", help="乡镇/街道代码")
@option("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
@click.pass_obj
def cmd_catalogue_export(g: Globals, township: str, output: str) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        rows = catalogue_rows(session, get_township(session, township))
    out = Path(output)
    write_output(out, write_workbook(rows))
    print(f"已导出 {len(rows)} 项到 {out}")
    return 0
