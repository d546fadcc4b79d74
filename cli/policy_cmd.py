"""``python -m board policy …``: write, check, approve, push and list 政策问答 from the shell."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from board.errors import BoardError
from board.links import policy_url
from board.policy import (
    amend_explainer,
    approve_explainer,
    check_row,
    create_explainer,
    explainer_villages,
    list_explainers,
    load_version,
    published_explainer,
    today_shanghai,
)
from board.policy_check import check_document, check_explainer
from board.policy_extract import draft_from_file
from cli.actor import actor_options, authenticate_actor, require_one
from cli.common import Globals, write_output
from cli.wechat_cmd import EXIT_AMBIGUOUS, EXIT_FAILED, _describe
from cli.zh import ID, argument, command, option, subgroup
from exports.policy_pdf import render_policy_sheet
from exports.wechat.policy_push import push_explainer
from infra.db import unit_of_work
from infra.settings import get_settings
from views.policy_view import issue_label


def _read(path: str) -> tuple[str, bytes]:
    file = Path(path)
    if not file.is_file():
        raise BoardError(f"找不到文件：{path}", field="文件")
    return file.name, file.read_bytes()


def _print_check(result, limit: int | None = None) -> None:
    print(f"大白话检查：{result.summary}")
    findings = result.findings if limit is None else result.findings[:limit]
    for f in findings:
        print(f"  - [{f.kind}] {f.label}：{f.excerpt}  → {f.message}")
    if limit is not None and len(result.findings) > limit:
        print(f"  ……另有 {len(result.findings) - limit} 处，用 policy check 查看全部")


policy_group = subgroup(None, "policy", help="政策简明问答")


@command(policy_group, "add", help="从文件新建政策问答草稿（带六个问题标题的 Markdown，或 Word/PDF/文本原文）")
@option("--from", "source", required=True, metavar="文件", help="文件路径（.md .txt .docx .pdf）")
@option("--township", metavar="代码", help="面向整个乡镇/街道（代码）")
@option("--village", multiple=True, metavar="代码", help="面向这个村/社区（代码，可多次给出）")
@actor_options("编写人用户名")
@option("--title", metavar="标题", help="标题（默认取文件里的标题）")
@click.pass_obj
def cmd_add(
    g: Globals,
    source: str,
    township: str | None,
    village: tuple[str, ...],
    by: str | None,
    as_admin: bool,
    title: str | None,
) -> int:
    ctx = click.get_current_context()
    if township and village:
        raise click.UsageError("--township 和 --village 只能给一种", ctx)
    if not township and not village:
        raise click.UsageError("缺少参数 --township 或 --village", ctx)
    require_one(by, as_admin)
    name, data = _read(source)
    draft = draft_from_file(name, data)
    fields = {
        "title": title or draft.title,
        "issuer": draft.issuer,
        "doc_number": draft.doc_number,
        "issued_on": draft.issued_on,
        "effective_on": draft.effective_on,
        "deadline_on": draft.deadline_on,
        **draft.answers,
    }
    engine = g.engine()
    actor = authenticate_actor(engine, by, as_admin)
    with unit_of_work(engine) as session:
        row = create_explainer(
            session,
            user=actor.user(session),
            fields=fields,
            township_code=township,
            village_codes=village,
            source_name=name,
            source_file=data,
            source_text=draft.source_text,
        )
        session.commit()
        result = check_row(row)
    how = (
        "按 Markdown 的六个问题读入"
        if draft.from_markdown
        else "已从原文摘出含日期、金额、地点、材料的句子预填，请改写"
    )
    print(f"已保存草稿：编号 {row.id}《{row.title}》（{how}）")
    _print_check(result, limit=10)
    return 0


@command(policy_group, "check", help="大白话检查：列出居民会看不懂的地方（不保存）")
@argument("source", metavar="文件", help="政策原文或问答文件（.md .txt .docx .pdf）")
def cmd_check(source: str) -> int:
    name, data = _read(source)
    draft = draft_from_file(name, data)
    if draft.from_markdown:
        result = check_explainer({"title": draft.title, **draft.answers}, deadline_on=draft.deadline_on)
    else:
        result = check_document(draft.source_text)
    _print_check(result)
    return 0


@command(policy_group, "approve", help="审核通过并公开（乡镇工作人员；只发一个村的也可由该村监督委员会）")
@argument("explainer_id", metavar="编号", help="政策问答编号", type=ID)
@actor_options("审核人用户名")
@click.pass_obj
def cmd_approve(g: Globals, explainer_id: int, by: str | None, as_admin: bool) -> int:
    require_one(by, as_admin)
    engine = g.engine()
    actor = authenticate_actor(engine, by, as_admin)
    with unit_of_work(engine) as session:
        version = approve_explainer(session, explainer_id, user=actor.user(session), row_version=None)
        session.commit()
        content = load_version(session, version)
    print(
        f"已审核公开：{issue_label(content)}《{content['title']}》第{version.version}版  核验码 {version.content_hash}"
    )
    return 0


@command(policy_group, "amend", help="更正已公开的政策问答（回到草稿，改好后再审核成新版本）")
@argument("explainer_id", metavar="编号", help="政策问答编号", type=ID)
@actor_options("操作人用户名")
@option("--note", required=True, metavar="说明", help="更正说明（随新版本公开）")
@click.pass_obj
def cmd_amend(g: Globals, explainer_id: int, by: str | None, as_admin: bool, note: str) -> int:
    require_one(by, as_admin)
    engine = g.engine()
    actor = authenticate_actor(engine, by, as_admin)
    with unit_of_work(engine) as session:
        row = amend_explainer(session, explainer_id, user=actor.user(session), note=note)
        session.commit()
    print(f"已开始更正：第 {row.number} 期《{row.title}》回到草稿，改好后再审核")
    return 0


@command(policy_group, "push", help="推送到涉及村/社区的网格群（每个群只发一次）")
@argument("explainer_id", metavar="编号", help="政策问答编号", type=ID)
@option("--grid", metavar="名称", help="只推送这个网格")
@option("--force", is_flag=True, help="已过截止日期也推送")
@click.pass_obj
def cmd_push(g: Globals, explainer_id: int, grid: str | None, force: bool) -> int:
    engine = g.engine()
    report = push_explainer(
        engine, explainer_id, grid_name=grid, now=datetime.now(UTC), settings=get_settings(), force=force
    )
    for row in report.rows:
        line = _describe({**row, "period": "政策问答"})
        print(line, file=sys.stderr if row["status"] in ("failed", "ambiguous") else sys.stdout)
    print(f"共 {len(report.rows)} 条")
    if report.failed:
        print(f"有 {len(report.failed)} 条发送失败，需要人工处理（见上面的原因）。", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_AMBIGUOUS if report.with_status("ambiguous") else 0


@command(policy_group, "sheet", help="生成大字 A4 张贴版 PDF（贴到村公开栏）")
@argument("explainer_id", metavar="编号", help="政策问答编号", type=ID)
@option("-o", "--output", required=True, metavar="文件", help="输出的 PDF 文件")
@click.pass_obj
def cmd_sheet(g: Globals, explainer_id: int, output: str) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        content = published_explainer(session, explainer_id)
        village = explainer_villages(session, explainer_id)[0]
    link = policy_url(get_settings().public_base_url, village.code, explainer_id)
    out = Path(output)
    write_output(out, render_policy_sheet(content, link=link, today=today_shanghai()))
    print(f"已生成大字 A4 张贴版：{out}（{out.stat().st_size // 1024} KB）")
    return 0


@command(policy_group, "list", help="列出政策问答（含草稿）")
@option("--township", metavar="代码", help="只列这个乡镇/街道")
@click.pass_obj
def cmd_list(g: Globals, township: str | None) -> int:
    engine = g.engine()
    with unit_of_work(engine) as session:
        rows = list_explainers(session, township_code=township)
    if not rows:
        print("还没有政策问答。")
    for r in rows:
        number = f"第 {r.number} 期" if r.number else "未编号"
        deadline = f"  截止 {r.deadline_on.isoformat()}" if r.deadline_on else ""
        version = f"  第{r.version}版 {r.short_hash}" if r.version else ""
        print(f"{r.id}  {number}  {r.status}  《{r.title}》  {r.scope}{deadline}{version}")
    return 0
