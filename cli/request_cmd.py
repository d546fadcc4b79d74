"""``python -m board request … | catalogue …``: residents' requests and the disclosure catalogue.

Like the other commands, ``list`` and ``show`` run with the operator's authority (all
villages); the steps that change a request name the staff user with ``--by``.

Replies and extensions are dated today (Asia/Shanghai): a statutory step cannot be
back-dated from the command line.  ``list`` and ``show`` accept ``--today`` to see the
clock as of another day.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from board.auth import get_user
from board.catalogue import catalogue_rows, read_workbook, replace_catalogue, write_workbook
from board.errors import BoardError
from board.requests import (
    MAX_EXTENSION_DAYS,
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
from cli.main import _Parser, open_engine
from infra.db import unit_of_work


def today_arg(args) -> date:
    if getattr(args, "today", None):
        try:
            return date.fromisoformat(args.today)
        except ValueError:
            raise BoardError(f"日期“{args.today}”格式不对，应写成 2026-03-19", field="日期") from None
    return shanghai_today(datetime.now(UTC))


def _line(row: dict) -> str:
    mark = "【逾期】" if row["overdue"] else ""
    return (
        f"{mark}{row['code']}  {row['village_name']}  {row['kind']}  {row['subject']}  "
        f"收到 {row['received_on']}  期限 {row['due_on'] or '暂停计时'}  {row['status_label']}  {row['days_left_label']}"
    )


def cmd_request_list(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        rows = inbox(session, user=None, today=today_arg(args), village_code=args.village, overdue_only=args.overdue)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("没有逾期的申请。" if args.overdue else "没有申请。")
    for row in rows:
        print(_line(row))
    return 0


def cmd_request_show(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        detail = request_detail(session, args.code, user=None, today=today_arg(args))
        session.commit()
    if args.json:
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


def cmd_request_reply(args) -> int:
    engine = open_engine(args)
    try:
        text = Path(args.text).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BoardError(f"无法读取答复文件 {args.text}：{type(error).__name__}", field="答复内容") from None
    today = today_arg(None)
    with unit_of_work(engine) as session:
        user = get_user(session, args.by)
        request = reply_request(
            session, args.code, user=user, form=args.form, text=text, reason=args.reason or "", today=today
        )
        if args.publish:
            publish_answer(session, args.code, user=user, today=today, general_interest=args.general_interest)
        session.commit()
    if args.form == SUPPLEMENT_FORM:
        print(f"{request.code}：已告知补正，补正前暂停计时。")
        return 0
    on_time = request.due_on is not None and today <= request.due_on
    print(f"{request.code}：已答复（{args.form}），{'在期限内' if on_time else '已超过期限 ' + str(request.due_on)}。")
    if args.publish:
        print("  问答已在公开栏公开（不含姓名和电话）。")
    return 0


def cmd_request_extend(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        due = extend_request(
            session,
            args.code,
            user=get_user(session, args.by),
            reason=args.reason,
            days=args.days,
            today=today_arg(None),
        )
        session.commit()
    print(f"{args.code.upper()}：答复期限已延长至 {due}。")
    return 0


def cmd_catalogue_import(args) -> int:
    engine = open_engine(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise BoardError(f"无法读取文件 {args.file}：{type(error).__name__}", field="文件") from None
    rows = read_workbook(data)
    with unit_of_work(engine) as session:
        township = get_township(session, args.township)
        count = replace_catalogue(session, township=township, rows=rows, user=None)
        session.commit()
    print(f"{township.name}：公开目录已更新，共 {count} 项。")
    return 0


def cmd_catalogue_export(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        rows = catalogue_rows(session, get_township(session, args.township))
    out = Path(args.output)
    try:
        out.write_bytes(write_workbook(rows))
    except OSError as error:
        raise BoardError(f"无法写入 {out}：{type(error).__name__}", field="输出文件") from None
    print(f"已导出 {len(rows)} 项到 {out}")
    return 0


def register(sub) -> None:
    request = sub.add_parser("request", help="居民依申请公开和村务质询").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = request.add_parser("list", help="列出申请（最紧急的在前）")
    p.add_argument("--village", help="村/社区代码（默认：账号能看到的全部）")
    p.add_argument("--overdue", action="store_true", help="只列出已逾期未答复的")
    p.add_argument("--today", help="按这一天计算剩余工作日 YYYY-MM-DD（默认今天）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_request_list)

    p = request.add_parser("show", help="查看一件申请的经过")
    p.add_argument("code", help="查询码")
    p.add_argument("--today", help="按这一天计算剩余工作日 YYYY-MM-DD（默认今天）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_request_show)

    p = request.add_parser("reply", help="答复申请（条例第三十六条的答复类型）")
    p.add_argument("code", help="查询码")
    p.add_argument("--form", required=True, help="、".join(REPLY_FORMS + (SUPPLEMENT_FORM,)))
    p.add_argument("--text", required=True, help="答复正文所在的文本文件（UTF-8）")
    p.add_argument("--reason", help="不予公开、部分公开的理由，或非本机关掌握时的负责机关")
    p.add_argument("--by", required=True, help="答复人用户名")
    p.add_argument("--publish", action="store_true", help="同时在公开栏公开问答（申请人同意或普遍关注时）")
    p.add_argument("--general-interest", action="store_true", help="属于群众普遍关注的事项（条例第四十四条）")
    p.set_defaults(func=cmd_request_reply)

    p = request.add_parser("extend", help=f"延长答复期限（一次，最多 {MAX_EXTENSION_DAYS} 个工作日）")
    p.add_argument("code", help="查询码")
    p.add_argument("--reason", required=True, help="延期理由")
    p.add_argument("--days", type=int, default=MAX_EXTENSION_DAYS, help="延长的工作日数（默认 20）")
    p.add_argument("--by", required=True, help="操作人用户名")
    p.set_defaults(func=cmd_request_extend)

    catalogue = sub.add_parser("catalogue", help="乡镇公开目录（三项清单）").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = catalogue.add_parser("import", help="从 Excel 导入并替换乡镇的公开目录")
    p.add_argument("file", help=".xlsx 文件（列名同导出的模板）")
    p.add_argument("--township", required=True, help="乡镇/街道代码")
    p.set_defaults(func=cmd_catalogue_import)
    p = catalogue.add_parser("export", help="把乡镇的公开目录导出为 Excel（没有自定义时导出默认目录）")
    p.add_argument("--township", required=True, help="乡镇/街道代码")
    p.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    p.set_defaults(func=cmd_catalogue_export)
