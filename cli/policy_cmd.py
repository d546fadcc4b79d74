"""``python -m board policy …``: write, check, approve, push and list 政策问答 from the shell."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from board.auth import get_user
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
from cli.main import open_engine
from cli.wechat_cmd import EXIT_AMBIGUOUS, EXIT_FAILED, _describe
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


def cmd_add(args) -> int:
    name, data = _read(args.source)
    draft = draft_from_file(name, data)
    fields = {
        "title": args.title or draft.title,
        "issuer": draft.issuer,
        "doc_number": draft.doc_number,
        "issued_on": draft.issued_on,
        "effective_on": draft.effective_on,
        "deadline_on": draft.deadline_on,
        **draft.answers,
    }
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        row = create_explainer(
            session,
            user=get_user(session, args.by),
            fields=fields,
            township_code=args.township,
            village_codes=tuple(args.village or ()),
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


def cmd_check(args) -> int:
    name, data = _read(args.source)
    draft = draft_from_file(name, data)
    if draft.from_markdown:
        result = check_explainer({"title": draft.title, **draft.answers}, deadline_on=draft.deadline_on)
    else:
        result = check_document(draft.source_text)
    _print_check(result)
    return 0


def cmd_approve(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        version = approve_explainer(session, args.id, user=get_user(session, args.by), row_version=None)
        session.commit()
        content = load_version(session, version)
    print(f"已审核公开：{issue_label(content)}《{content['title']}》第{version.version}版  哈希 {version.content_hash}")
    return 0


def cmd_amend(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        row = amend_explainer(session, args.id, user=get_user(session, args.by), note=args.note)
        session.commit()
    print(f"已开始更正：第 {row.number} 期《{row.title}》回到草稿，改好后再审核")
    return 0


def cmd_push(args) -> int:
    engine = open_engine(args)
    report = push_explainer(
        engine, args.id, grid_name=args.grid, now=datetime.now(UTC), settings=get_settings(), force=args.force
    )
    for row in report.rows:
        line = _describe({**row, "period": "政策问答"})
        print(line, file=sys.stderr if row["status"] in ("failed", "ambiguous") else sys.stdout)
    print(f"共 {len(report.rows)} 条")
    if report.failed:
        print(f"有 {len(report.failed)} 条发送失败，需要人工处理（见上面的原因）。", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_AMBIGUOUS if report.with_status("ambiguous") else 0


def cmd_sheet(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        content = published_explainer(session, args.id)
        village = explainer_villages(session, args.id)[0]
    link = policy_url(get_settings().public_base_url, village.code, args.id)
    out = Path(args.output)
    data = render_policy_sheet(content, link=link, today=today_shanghai())
    try:
        out.write_bytes(data)
    except OSError as error:
        raise BoardError(
            f"无法写入 {out}：{error.strerror or type(error).__name__}（请检查目录是否存在、能否写入）",
            field="输出文件",
        ) from None
    print(f"已生成大字 A4 张贴版：{out}（{out.stat().st_size // 1024} KB）")
    return 0


def cmd_list(args) -> int:
    engine = open_engine(args)
    with unit_of_work(engine) as session:
        rows = list_explainers(session, township_code=args.township)
    if not rows:
        print("还没有政策问答。")
    for r in rows:
        number = f"第 {r.number} 期" if r.number else "未编号"
        deadline = f"  截止 {r.deadline_on.isoformat()}" if r.deadline_on else ""
        version = f"  第{r.version}版 {r.short_hash}" if r.version else ""
        print(f"{r.id}  {number}  {r.status}  《{r.title}》  {r.scope}{deadline}{version}")
    return 0


def register(sub) -> None:
    group = sub.add_parser("policy", help="政策简明问答").add_subparsers(dest="action", required=True)
    p = group.add_parser("add", help="从文件新建政策问答草稿（带六个问题标题的 Markdown，或 Word/PDF/文本原文）")
    p.add_argument("--from", dest="source", required=True, help="文件路径（.md .txt .docx .pdf）")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--township", help="面向整个乡镇/街道（代码）")
    scope.add_argument("--village", action="append", help="面向这个村/社区（代码，可多次给出）")
    p.add_argument("--by", required=True, help="编写人用户名")
    p.add_argument("--title", help="标题（默认取文件里的标题）")
    p.set_defaults(func=cmd_add)

    p = group.add_parser("check", help="大白话检查：列出居民会看不懂的地方（不保存）")
    p.add_argument("source", metavar="FILE")
    p.set_defaults(func=cmd_check)

    p = group.add_parser("approve", help="审核通过并公开（乡镇工作人员；只发一个村的也可由该村监督委员会）")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True, help="审核人用户名")
    p.set_defaults(func=cmd_approve)

    p = group.add_parser("amend", help="更正已公开的政策问答（回到草稿，改好后再审核成新版本）")
    p.add_argument("id", type=int)
    p.add_argument("--by", required=True)
    p.add_argument("--note", required=True, help="更正说明（随新版本公开）")
    p.set_defaults(func=cmd_amend)

    p = group.add_parser("push", help="推送到涉及村/社区的网格群（每个群只发一次）")
    p.add_argument("id", type=int)
    p.add_argument("--grid", help="只推送这个网格")
    p.add_argument("--force", action="store_true", help="已过截止日期也推送")
    p.set_defaults(func=cmd_push)

    p = group.add_parser("sheet", help="生成大字 A4 张贴版 PDF（贴到村公开栏）")
    p.add_argument("id", type=int)
    p.add_argument("-o", "--output", required=True, help="输出的 PDF 文件")
    p.set_defaults(func=cmd_sheet)

    p = group.add_parser("list", help="列出政策问答（含草稿）")
    p.add_argument("--township", help="只列这个乡镇/街道")
    p.set_defaults(func=cmd_list)
