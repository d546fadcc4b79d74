"""``python -m board``: everything a batch job needs, with Chinese help, errors and exit codes.

Exit 0 on success; 2 with a Chinese message on stderr for bad arguments, bad input or a
refused action; 3 when the database cannot be reached or refuses a statement; never a
traceback for something the user can fix. Feature commands live in their own modules and
are added to the root group here.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import select

from board.auth import add_user, parse_role
from board.compliance import VERDICT_LABELS, catalogue_report, compliance_report, report_csv, report_xlsx, summarise
from board.errors import BoardError
from board.money import format_yuan
from board.overview import period_overview
from board.periods import check_period
from board.villages import add_category, add_village, get_village, remove_category, township_categories
from board.workflow import STEPS, committee_only
from cli import (
    html_cmd,
    import_cmd,
    pdf_cmd,
    policy_cmd,
    redact_cmd,
    reminders_cmd,
    request_cmd,
    serve_cmd,
    wechat_cmd,
    witness_cmd,
)
from cli.actor import actor_options, authenticate_actor, require_one
from cli.common import Globals, os_error_text, print_problems, read_secret, write_output
from cli.witness_cmd import verify_with_witness
from cli.zh import CONTEXT_SETTINGS, PROG, ZhGroup, command, option, show_usage_error, subgroup
from infra.backup import backup_url, restore_database
from infra.db import unit_of_work
from infra.demo import DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGE, seed_demo
from infra.logging import configure_logging
from infra.settings import get_settings
from models import Village
from services.workflow import take_step


class RootGroup(ZhGroup):
    """The root group turns every error a user can cause into a Chinese message and an exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name or PROG, complete_var, standalone_mode=False, **extra) or 0
        except click.UsageError as error:
            show_usage_error(error)
            code = 2
        except click.ClickException as error:
            print(error.format_message(), file=sys.stderr)
            code = error.exit_code
        except click.Abort:
            print("已取消。", file=sys.stderr)
            code = 1
        except BoardError as error:
            print_problems(error)
            code = 2
        except OperationalError as error:
            print(f"无法连接或使用数据库：{type(error.orig).__name__}。请检查 --db 或 DATABASE_URL。", file=sys.stderr)
            code = 3
        except SQLAlchemyError as error:
            # Never echo the statement: its parameters may hold a password hash or personal data.
            cause = type(getattr(error, "orig", None) or error).__name__
            print(f"数据库拒绝了这次操作（{cause}），没有保存任何内容。", file=sys.stderr)
            code = 3
        except OSError as error:
            print(os_error_text(error), file=sys.stderr)
            code = 2
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(PROG, cls=RootGroup, help="三务公开栏 命令行工具", context_settings=CONTEXT_SETTINGS)
@option("--db", metavar="数据库地址", help="数据库地址（默认读取 DATABASE_URL 或 data/sanwu.db）")
@click.pass_context
def root(ctx: click.Context, db: str | None) -> None:
    ctx.obj = Globals(db)


@command(root, "init-db", help="创建或升级数据库")
@click.pass_obj
def cmd_init_db(g: Globals) -> int:
    g.engine(create=True)
    print("数据库已就绪。")
    return 0


@command(root, "seed-demo", help="生成演示乡镇和社区（24 个月已公开数据）")
@option("--end", metavar="月份", help="最后一个演示月份 YYYY-MM（默认上个月）")
@option("--if-empty", is_flag=True, help="只在数据库里还没有任何村/社区时生成")
@click.pass_obj
def cmd_seed_demo(g: Globals, end: str | None, if_empty: bool) -> int:
    engine = g.engine(create=True)
    with unit_of_work(engine) as session:
        if if_empty and session.exec(select(Village.id)).first() is not None:
            print("数据库里已有村/社区，不再生成演示数据。")
            return 0
        village = seed_demo(session, end_period=end)
        session.commit()
    print(f"已创建演示社区“{village.name}”（代码 {DEMO_VILLAGE[0]}），含 24 个月已公开数据。")
    print("演示账号（密码均为 " + DEMO_PASSWORD + "）：" + "、".join(u for u, _, _ in DEMO_USERS))
    return 0


village_group = subgroup(root, "village", help="村/社区")


@command(village_group, "add", help="添加村/社区")
@option("--code", required=True, metavar="代码", help="村/社区代码")
@option("--name", required=True, metavar="名称", help="村/社区名称")
@option("--township", metavar="代码", help="乡镇/街道代码（不存在时创建）")
@option("--hotline", metavar="电话", help="监督电话")
@option("--address", metavar="地址", help="公开栏地址")
@click.pass_obj
def cmd_village_add(
    g: Globals, code: str, name: str, township: str | None, hotline: str | None, address: str | None
) -> int:
    engine = g.engine(create=True)
    with unit_of_work(engine) as session:
        village = add_village(
            session, code=code, name=name, township_code=township, hotline=hotline or "", board_address=address or ""
        )
        session.commit()
    print(f"已添加村/社区：{village.name}（{village.code}）")
    return 0


category_group = subgroup(root, "category", help="乡镇的收支类别（科目）")


def _category(g: Globals, action: str, township: str, direction: str | None = None, name: str | None = None) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        if action in ("add", "remove"):
            assert direction is not None and name is not None  # both commands require them
            change = add_category if action == "add" else remove_category
            change(session, township_code=township, direction=direction, name=name)
        session.commit()
        chart = township_categories(session, township)
    for label, names in chart.items():
        print(f"{label}：{'、'.join(names) or '（无）'}")
    return 0


@command(category_group, "list", help="列出收支类别")
@option("--township", required=True, metavar="代码", help="乡镇/街道代码")
@click.pass_obj
def cmd_category_list(g: Globals, township: str) -> int:
    return _category(g, "list", township)


def _category_change(action: str, text: str) -> None:
    @command(category_group, action, help=text)
    @option("--township", required=True, metavar="代码", help="乡镇/街道代码")
    @option("--direction", required=True, metavar="方向", help="收入 或 支出")
    @option("--name", required=True, metavar="名称", help="类别名称")
    @click.pass_obj
    def change(g: Globals, township: str, direction: str, name: str) -> int:
        return _category(g, action, township, direction, name)


_category_change("add", "添加收支类别")
_category_change("remove", "删除收支类别")

user_group = subgroup(root, "user", help="用户")


@command(user_group, "add", help="添加用户（密码从标准输入读取）")
@option("--username", required=True, metavar="用户名", help="登录用的用户名")
@option("--role", required=True, metavar="角色", help="admin / township / clerk / supervisor / grid")
@option("--village", multiple=True, metavar="代码", help="绑定的村/社区代码，可多次给出")
@option("--township", metavar="代码", help="乡镇/街道代码（乡镇工作人员）")
@option("--name", metavar="名称", help="显示名称")
@click.pass_obj
def cmd_user_add(
    g: Globals, username: str, role: str, village: tuple[str, ...], township: str | None, name: str | None
) -> int:
    engine = g.engine(create=True)
    parsed = parse_role(role)
    password = read_secret()
    with unit_of_work(engine) as session:
        user = add_user(
            session,
            username=username,
            password=password,
            role=parsed,
            display_name=name or "",
            village_codes=village,
            township_code=township,
        )
        session.commit()
    print(f"已添加用户：{user.username}（{parsed.value}）")
    return 0


period_group = subgroup(root, "period", help="月份")


@command(period_group, "show", help="查看月份状态和收支合计")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
@option("--json", "as_json", is_flag=True, help="只输出 JSON")
@click.pass_obj
def cmd_period_show(g: Globals, village: str, period: str, as_json: bool) -> int:
    engine = g.engine()
    check_period(period)
    with unit_of_work(engine) as session:
        overview = period_overview(session, get_village(session, village), period)
    if as_json:
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
        print(f"  公开版本：第{overview['snapshot_version']}版  核验码 {overview['snapshot_hash']}")
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


def _period_step(step: str, label: str) -> None:
    @command(period_group, step, help=label)
    @option("--village", required=True, metavar="代码", help="村/社区代码")
    @option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
    @actor_options("操作人用户名", committee=committee_only(step))
    @option("--comment", metavar="说明", help="退回意见或更正说明")
    @click.pass_obj
    def run(g: Globals, village: str, period: str, by: str | None, as_admin: bool, comment: str | None) -> int:
        require_one(by, as_admin)
        engine = g.engine()
        check_period(period)
        committee_step = STEPS[step].label if committee_only(step) else ""
        actor = authenticate_actor(engine, by, as_admin, committee_step=committee_step)
        done = take_step(engine, village, period, actor.username, step, comment or "", as_operator=actor.as_admin)
        print(f"{done.village_name} {period}：{_DONE[step]}")
        if done.version is not None:
            print(f"  第{done.version}版  核验码 {done.content_hash}")
        return 0


for _step, _rule in STEPS.items():
    _period_step(_step, _rule.label)


@command(root, "compliance", help="乡镇各村某月是否按时公开")
@option("--township", required=True, metavar="代码", help="乡镇/街道代码")
@option("--period", required=True, metavar="月份", help="月份 YYYY-MM")
@option("--json", "as_json", is_flag=True, help="输出 JSON")
@option("--by-item", is_flag=True, help="按乡镇公开目录逐项核对（工作日历）")
@option("-o", "--output", metavar="文件", help="把逐项核对结果导出为 .csv 或 .xlsx")
@click.pass_obj
def cmd_compliance(g: Globals, township: str, period: str, as_json: bool, by_item: bool, output: str | None) -> int:
    engine = g.engine()
    check_period(period)
    if output and Path(output).suffix.lower() not in (".csv", ".xlsx"):
        raise BoardError("导出文件应以 .csv 或 .xlsx 结尾", field="输出文件")
    with unit_of_work(engine) as session:
        rows = compliance_report(
            session, township_code=township, period=period, today=date.today(), deadline_day=get_settings().deadline_day
        )
        items = None
        if by_item or output:
            items = catalogue_report(session, township_code=township, period=period, today=date.today())
            session.commit()  # keeps the coverage index it built
    if output and items is not None:
        out = Path(output)
        write_output(out, report_csv(items) if out.suffix.lower() == ".csv" else report_xlsx(items))
        print(f"已导出按清单核对结果 {len(items)} 行到 {out}")
    if as_json:
        print(
            json.dumps({"villages": rows, "items": items} if items is not None else rows, ensure_ascii=False, indent=2)
        )
        return 0
    for row in rows:
        print(f"{row['village_name']}（{row['village']}）：{row['status']}，{row['verdict']}")
    if by_item and items is not None:
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


@command(root, "backup", help="备份整个数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）")
@option("-o", "--output", required=True, metavar="文件", help="备份文件路径（不能已存在）")
@click.pass_obj
def cmd_backup(g: Globals, output: str) -> int:
    # No migrate first: a mistyped path must be refused, not created as a new empty database.
    path = backup_url(g.db or get_settings().database_url, Path(output))
    print(f"已备份到 {path}（{path.stat().st_size // 1024} KB）")
    return 0


@command(root, "restore", help="把备份恢复到一个空数据库，核验每个村/社区的哈希链；核验不通过则不恢复")
@option("-i", "--input", "input_path", required=True, metavar="文件", help="备份文件（SQLite 文件或 pg_dump 存档）")
@click.pass_obj
def cmd_restore(g: Globals, input_path: str) -> int:
    report = restore_database(g.db or get_settings().database_url, Path(input_path))
    if not report.restored:
        print(
            "核验没有通过，备份没有恢复：目标数据库仍是空的（原来没有的 SQLite 文件也不会创建）。请换一份备份，或交镇经管站核查。",
            file=sys.stderr,
        )
    else:
        print(f"已恢复：{report.villages} 个村/社区，{report.snapshots} 个公开版本。")
    for problem in report.problems:
        print(f"  核验问题：{problem}", file=sys.stderr)
    return 1 if report.problems else 0


@command(root, "verify", help="核验公开版本的哈希链（可对照乡镇保存的见证文件）")
@option("--village", required=True, metavar="代码", help="村/社区代码")
@option("--witness", metavar="文件", help="乡镇保存的见证文件（witness export 写出），核对最新版本是否还在")
@click.pass_obj
def cmd_verify(g: Globals, village: str, witness: str | None) -> int:
    return verify_with_witness(g.engine(), village, witness)


export_group = subgroup(root, "export", help="导出公开栏（静态网页、PDF 等）")
export_group.add_command(pdf_cmd.cmd_export_pdf)
export_group.add_command(html_cmd.cmd_export_html)
for _command in (
    import_cmd.cmd_import,
    wechat_cmd.cmd_digest,
    wechat_cmd.grid_group,
    wechat_cmd.cmd_push,
    policy_cmd.policy_group,
    request_cmd.request_group,
    request_cmd.catalogue_group,
    reminders_cmd.cmd_remind,
    witness_cmd.witness_group,
    redact_cmd.cmd_parts,
    redact_cmd.cmd_redact,
    serve_cmd.cmd_serve,
):
    root.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    return root.main(argv, standalone_mode=False)
