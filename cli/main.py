"""``python -m board``: everything a batch job needs, with Chinese errors and exit codes.

Exit 0 on success; 2 with the Chinese problem list on stderr for bad input or a refused
action; never a traceback for something the user can fix.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import select

from board.auth import add_user, get_user, parse_role
from board.compliance import VERDICT_LABELS, catalogue_report, compliance_report, report_csv, report_xlsx, summarise
from board.errors import BoardError
from board.money import format_yuan
from board.overview import period_overview
from board.periods import check_period
from board.snapshot import verify_chain
from board.villages import add_category, add_village, get_village, remove_category, township_categories
from board.workflow import STEPS, run_step
from infra.backup import backup_database
from infra.db import get_engine, migrate, unit_of_work
from infra.demo import DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGE, seed_demo
from infra.settings import get_settings
from models import Village

# Feature modules that add their own sub-commands: each has ``register(subparsers)``.
COMMAND_MODULES: tuple[str, ...] = (
    "cli.pdf_cmd",
    "cli.import_cmd",
    "cli.wechat_cmd",
    "cli.html_cmd",
    "cli.serve_cmd",
    "cli.policy_cmd",
    "cli.request_cmd",
    "cli.reminders_cmd",
)


def open_engine(args) -> Engine:
    """The engine for ``--db`` (or the settings), migrated to the newest schema."""
    engine = get_engine(args.db)
    migrate(engine)
    return engine


def print_problems(error: BoardError) -> None:
    print("操作未完成，发现以下问题：", file=sys.stderr)
    for problem in error.problems:
        print(f"  - {problem}", file=sys.stderr)


def cmd_init_db(args) -> int:
    open_engine(args)
    print("数据库已就绪。")
    return 0


def cmd_seed_demo(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        if args.if_empty and session.exec(select(Village.id)).first() is not None:
            print("数据库里已有村/社区，不再生成演示数据。")
            return 0
        village = seed_demo(session, end_period=args.end)
        session.commit()
    print(f"已创建演示社区“{village.name}”（代码 {DEMO_VILLAGE[0]}），含 24 个月已公开数据。")
    print("演示账号（密码均为 " + DEMO_PASSWORD + "）：" + "、".join(u for u, _, _ in DEMO_USERS))
    return 0


def cmd_village_add(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        village = add_village(
            session,
            code=args.code,
            name=args.name,
            township_code=args.township,
            hotline=args.hotline or "",
            board_address=args.address or "",
        )
        session.commit()
    print(f"已添加村/社区：{village.name}（{village.code}）")
    return 0


def cmd_category(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        if args.action == "add":
            add_category(session, township_code=args.township, direction=args.direction, name=args.name)
        elif args.action == "remove":
            remove_category(session, township_code=args.township, direction=args.direction, name=args.name)
        session.commit()
        chart = township_categories(session, args.township)
    for direction, names in chart.items():
        print(f"{direction}：{'、'.join(names) or '（无）'}")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("密码：")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_user_add(args) -> int:
    engine = open_engine(args)
    role = parse_role(args.role)
    password = _read_password()
    with unit_of_work(engine) as session:
        user = add_user(
            session,
            username=args.username,
            password=password,
            role=role,
            display_name=args.name or "",
            village_codes=tuple(args.village or ()),
            township_code=args.township,
        )
        session.commit()
    print(f"已添加用户：{user.username}（{role.value}）")
    return 0


def _village(session, code: str) -> Village:
    return get_village(session, code)


def cmd_period_show(args) -> int:
    engine = open_engine(args)
    check_period(args.period)
    with unit_of_work(engine) as session:
        overview = period_overview(session, _village(session, args.village), args.period)
    if args.json:
        print(json.dumps(overview, ensure_ascii=False, indent=2))
        return 0
    print(f"{overview['village_name']} {overview['period']}：{overview['status_label']}")
    for acc in overview["accounts"]:
        print(
            f"  {acc['label']}：月初 {format_yuan(acc['opening_fen'])}  收入 {format_yuan(acc['income_fen'])}"
            f"  支出 {format_yuan(acc['expense_fen'])}  月末 {format_yuan(acc['closing_fen'])}"
        )
    print(
        f"  合计：月初 {format_yuan(overview['opening_fen'])}  收入 {format_yuan(overview['income_fen'])}"
        f"  支出 {format_yuan(overview['expense_fen'])}  月末 {format_yuan(overview['closing_fen'])}"
    )
    if overview["snapshot_hash"]:
        print(f"  公开版本：第{overview['snapshot_version']}版  哈希 {overview['snapshot_hash']}")
    if overview["rejection_comment"]:
        print(f"  退回意见：{overview['rejection_comment']}")
    return 0


_DONE = {
    "submit": "已提交审核",
    "approve": "已审核通过",
    "reject": "已退回修改",
    "publish": "已公开",
    "amend": "已开始更正，月份回到草稿状态",
}


def cmd_period_step(args) -> int:
    engine = open_engine(args)
    check_period(args.period)
    with unit_of_work(engine) as session:
        user = get_user(session, args.by)
        village = _village(session, args.village)
        result = run_step(
            session, village=village, period=args.period, user=user, step=args.step, comment=args.comment or ""
        )
        session.commit()
    print(f"{village.name} {args.period}：{_DONE[args.step]}")
    if args.step == "publish":
        print(f"  第{result.version}版  哈希 {result.content_hash}")
    return 0


def cmd_compliance(args) -> int:
    engine = open_engine(args)
    check_period(args.period)
    if args.output and Path(args.output).suffix.lower() not in (".csv", ".xlsx"):
        raise BoardError("导出文件应以 .csv 或 .xlsx 结尾", field="输出文件")
    with unit_of_work(engine) as session:
        rows = compliance_report(
            session,
            township_code=args.township,
            period=args.period,
            today=date.today(),
            deadline_day=get_settings().deadline_day,
        )
        items = None
        if args.by_item or args.output:
            items = catalogue_report(session, township_code=args.township, period=args.period, today=date.today())
            session.commit()  # keeps the coverage index it built
    if args.output:
        out = Path(args.output)
        out.write_bytes(report_csv(items) if out.suffix.lower() == ".csv" else report_xlsx(items))
        print(f"已导出按清单核对结果 {len(items)} 行到 {out}")
    if args.json:
        print(
            json.dumps({"villages": rows, "items": items} if items is not None else rows, ensure_ascii=False, indent=2)
        )
        return 0
    for row in rows:
        print(f"{row['village_name']}（{row['village']}）：{row['status']}，{row['verdict']}")
    if args.by_item:
        print("按公开目录逐项核对：")
        for village in summarise(items):
            counts = "，".join(f"{VERDICT_LABELS[k]} {village[k]}" for k in ("on_time", "late", "missing", "pending"))
            print(f"  {village['village_name']}（{village['village']}）：{counts}")
        for item in items:
            if item["verdict"] in ("late", "missing"):
                print(
                    f"    {item['village_name']} {item['item']}：{VERDICT_LABELS[item['verdict']]}，"
                    f"期限 {item['deadline']}，{item['detail']}"
                )
    return 0


def cmd_backup(args) -> int:
    engine = open_engine(args)
    path = backup_database(engine, Path(args.output))
    print(f"已备份到 {path}（{path.stat().st_size // 1024} KB）")
    return 0


def cmd_verify(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        village = _village(session, args.village)
        report = verify_chain(session, village.id)
    if report.ok:
        print(f"{village.name}：{report.checked} 个公开版本全部核验通过。")
        return 0
    print(f"{village.name}：核验发现 {len(report.problems)} 个问题：", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese usage errors and exit code 2."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"参数有误：{message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m board", description="三务公开栏 命令行工具")
    parser.add_argument("--db", help="数据库地址（默认读取 DATABASE_URL 或 data/sanwu.db）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("init-db", help="创建或升级数据库").set_defaults(func=cmd_init_db)
    p = sub.add_parser("seed-demo", help="生成演示乡镇和社区（24 个月已公开数据）")
    p.add_argument("--end", help="最后一个演示月份 YYYY-MM（默认上个月）")
    p.add_argument("--if-empty", action="store_true", help="只在数据库里还没有任何村/社区时生成")
    p.set_defaults(func=cmd_seed_demo)

    village = sub.add_parser("village", help="村/社区").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = village.add_parser("add", help="添加村/社区")
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--township", help="乡镇/街道代码（不存在时创建）")
    p.add_argument("--hotline", help="监督电话")
    p.add_argument("--address", help="公开栏地址")
    p.set_defaults(func=cmd_village_add)

    category = sub.add_parser("category", help="乡镇的收支类别（科目）").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = category.add_parser("list", help="列出收支类别")
    p.add_argument("--township", required=True)
    p.set_defaults(func=cmd_category)
    for action, text in (("add", "添加收支类别"), ("remove", "删除收支类别")):
        p = category.add_parser(action, help=text)
        p.add_argument("--township", required=True)
        p.add_argument("--direction", required=True, help="收入 或 支出")
        p.add_argument("--name", required=True)
        p.set_defaults(func=cmd_category)

    user = sub.add_parser("user", help="用户").add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = user.add_parser("add", help="添加用户（密码从标准输入读取）")
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, help="admin / township / clerk / supervisor / grid")
    p.add_argument("--village", action="append", help="绑定的村/社区代码，可多次给出")
    p.add_argument("--township", help="乡镇/街道代码（乡镇工作人员）")
    p.add_argument("--name", help="显示名称")
    p.set_defaults(func=cmd_user_add)

    period = sub.add_parser("period", help="月份").add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = period.add_parser("show", help="查看月份状态和收支合计")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--json", action="store_true", help="只输出 JSON")
    p.set_defaults(func=cmd_period_show)
    for step, rule in STEPS.items():
        p = period.add_parser(step, help=rule.label)
        p.add_argument("--village", required=True)
        p.add_argument("--period", required=True)
        p.add_argument("--by", required=True, help="操作人用户名")
        p.add_argument("--comment", help="退回意见或更正说明")
        p.set_defaults(func=cmd_period_step, step=step)

    p = sub.add_parser("compliance", help="乡镇各村某月是否按时公开")
    p.add_argument("--township", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--json", action="store_true")
    p.add_argument("--by-item", action="store_true", help="按乡镇公开目录逐项核对（工作日历）")
    p.add_argument("-o", "--output", help="把逐项核对结果导出为 .csv 或 .xlsx")
    p.set_defaults(func=cmd_compliance)

    p = sub.add_parser("backup", help="备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）")
    p.add_argument("-o", "--output", required=True, help="备份文件路径（不能已存在）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("verify", help="核验公开版本的哈希链")
    p.add_argument("--village", required=True)
    p.set_defaults(func=cmd_verify)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BoardError as error:
        print_problems(error)
        return 2
    except OperationalError as error:
        print(f"无法连接或使用数据库：{type(error.orig).__name__}。请检查 --db 或 DATABASE_URL。", file=sys.stderr)
        return 3
    except SQLAlchemyError as error:
        # Never echo the statement: its parameters may hold a password hash or personal data.
        cause = type(getattr(error, "orig", None) or error).__name__
        print(f"数据库拒绝了这次操作（{cause}），没有保存任何内容。", file=sys.stderr)
        return 3
