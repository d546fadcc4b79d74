"""The printable 答复书 of a resident's request (政府信息公开条例 §36 forms).

It goes to the applicant, so it names them; the phone stays masked as everywhere else.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exports.fonts import FontChoice, resolve_font

TITLES = {"依申请公开": "信息公开申请答复书", "村务质询": "村务质询答复书"}


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """User text as plain paragraphs: escaped, one per line, never interpreted as markup."""
    return [Paragraph(escape(line) or "&nbsp;", style) for line in text.splitlines() or [""]]


def render_reply_letter(letter: dict, *, font: FontChoice | None = None) -> bytes:
    font = font or resolve_font()
    title = ParagraphStyle("title", fontName=font.name, fontSize=18, leading=26, alignment=TA_CENTER)
    body = ParagraphStyle("body", fontName=font.name, fontSize=11.5, leading=19)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    story = [
        Paragraph(escape(f"{letter['village_name']}{TITLES.get(letter['kind'], '答复书')}"), title),
        Paragraph(escape(f"查询码：{letter['code']}"), ParagraphStyle("code", parent=body, alignment=TA_CENTER)),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{letter['requester']}："), body),
        Paragraph(
            escape(
                f"本村（社区）于 {letter['received_on']} 收到您提出的{letter['kind']}申请（{letter['subject']}）。"
                f"现答复如下："
            ),
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    grid = Table(
        [
            [Paragraph("答复类型", body), Paragraph(escape(letter["reply_form"]), body)],
            [Paragraph("申请内容", body), _paragraphs(letter["question"], body)],
            [Paragraph("答复内容", body), _paragraphs(letter["reply_text"], body)],
        ],
        colWidths=[28 * mm, 142 * mm],
    )
    grid.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#999999"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [grid, Spacer(1, 6 * mm)]
    story += _paragraphs(
        "如对本答复不服，可以向上一级机关或乡镇人民政府反映，也可依法申请行政复议或者提起行政诉讼。", body
    )
    story += [
        Spacer(1, 12 * mm),
        Paragraph(escape(letter["village_name"]), right),
        Paragraph(escape(letter["replied_on"]), right),
        Spacer(1, 10 * mm),
        Paragraph(escape(f"申请人联系电话：{letter['phone']}　答复期限：{letter['due_on']}"), small),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=TITLES.get(letter["kind"], "答复书"),
    ).build(story)
    return buffer.getvalue()
