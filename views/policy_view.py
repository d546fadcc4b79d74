"""What residents see of a 政策问答, as plain data and plain text, from approved versions only.

The board page, the kiosk and the static site render the ``Section``s; the WeCom push, the
copy block, the read-aloud button and the printed sheet use the same wording from here.
Every string may hold user text: renderers escape it.
"""

from __future__ import annotations

from datetime import date

from board.splitting import TEXT_LIMIT_BYTES, split_message
from views.board_view import Section, Table, Text

GROUP = "政策问答"
EXPIRED = "已截止"


def _cn_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def is_expired(content: dict, today: date) -> bool:
    return bool(content.get("deadline_on")) and date.fromisoformat(content["deadline_on"]) < today


def issue_label(content: dict) -> str:
    return f"第 {content['number']} 期"


def deadline_label(content: dict, today: date) -> str:
    if not content.get("deadline_on"):
        return ""
    if is_expired(content, today):
        return f"{EXPIRED}（{_cn_date(content['deadline_on'])}）"
    return f"截止 {_cn_date(content['deadline_on'])}"


def source_line(content: dict) -> str:
    """原文: issuer, document number and dates, as one line."""
    parts = [p for p in (content.get("issuer"), content.get("doc_number")) if p]
    if content.get("issued_on"):
        parts.append(f"{_cn_date(content['issued_on'])}发文")
    if content.get("effective_on"):
        parts.append(f"{_cn_date(content['effective_on'])}起执行")
    return "，".join(parts)


def scope_line(content: dict) -> str:
    names = [v["name"] for v in content.get("villages", [])]
    return "、".join(names) if names else f"{content['township']['name']}全镇"


def heading(content: dict) -> str:
    return f"{issue_label(content)}｜{content['title']}"


def explainer_section(content: dict, today: date) -> Section:
    blocks: list = []
    status = deadline_label(content, today)
    if is_expired(content, today):
        blocks.append(Text(f"{status}：这项政策的办理时间已过，内容留作查阅。", tone="notice"))
    if content.get("correction_note"):
        blocks.append(Text(f"第{content['version']}版（已更正）：{content['correction_note']}", tone="notice"))
    if content.get("one_sentence"):
        blocks.append(Text(f"一句话说清楚：{content['one_sentence']}"))
    rows = [(a["question"], a["answer"] or "（未填写）") for a in content["answers"]]
    if content.get("ask"):
        rows.append(("找谁问", content["ask"]))
    blocks.append(Table(("问题", "回答"), tuple(rows)))
    meta = [issue_label(content), f"适用：{scope_line(content)}"]
    if source_line(content):
        meta.append(f"原文：{source_line(content)}")
    if status and not is_expired(content, today):
        meta.append(status)
    meta.append(f"审核公开 {content['approved_on']} · 核验码 {content['short_hash']}")
    blocks.append(Text(" · ".join(meta), tone="note"))
    return Section(key=f"policy_{content['id']}", group=GROUP, title=heading(content), blocks=tuple(blocks))


def explainer_sections(contents: list[dict], today: date) -> list[Section]:
    """Newest first (the caller's order), each explainer one section."""
    return [explainer_section(c, today) for c in contents]


def kiosk_sections(contents: list[dict], today: date, limit: int = 3) -> list[Section]:
    """The big screen shows the newest explainers still open (expired ones stay on the phone page)."""
    return [explainer_section(c, today) for c in contents if not is_expired(c, today)][:limit]


def explainer_text(content: dict, *, link: str, today: date, speech: bool = False) -> str:
    """The explainer as one plain text: for the group chat, the copy block and reading aloud.

    ``speech`` leaves out the link and the verification code, which nobody wants read out.
    """
    lines = [f"【政策问答 {issue_label(content)}】{content['title']}"]
    status = deadline_label(content, today)
    if status:
        lines.append(status)
    if content.get("correction_note"):
        lines.append(f"更正：{content['correction_note']}")
    if content.get("one_sentence"):
        lines.append(f"一句话说清楚：{content['one_sentence']}")
    lines.append("")
    for answer in content["answers"]:
        if answer["answer"]:
            lines.append(f"{answer['question']}？" if not answer["question"].endswith("）") else answer["question"])
            lines.append(answer["answer"])
            lines.append("")
    if content.get("ask"):
        lines.append(f"找谁问：{content['ask']}")
    if source_line(content):
        lines.append(f"原文：{source_line(content)}")
    if not speech:
        lines.append(f"适用：{scope_line(content)}")
        if link:
            lines.append(f"详情：{link}")
        lines.append(f"核验码：{content['short_hash']}")
    return "\n".join(lines).strip()


def explainer_parts(content: dict, *, link: str, today: date, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Chat-sized parts, split like the monthly digest."""
    return split_message(explainer_text(content, link=link, today=today), limit)


def search_text(content: dict) -> str:
    """Everything a keyword search on the static site looks in."""
    return " ".join(
        [
            content["title"],
            content.get("one_sentence", ""),
            content.get("issuer", ""),
            content.get("doc_number", ""),
            content.get("ask", ""),
            *(a["answer"] for a in content["answers"]),
        ]
    )
