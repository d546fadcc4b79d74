"""The 政策问答 as a large-type A4 sheet for the village noticeboard (nothing under 16 pt).

Drawn from an approved version only, in the embeddable CJK font ``exports.fonts`` picks,
with a QR code to the explainer on the board.  User text is XML-escaped for reportlab's
paragraph markup.
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from exports.fonts import resolve_font
from views.policy_view import deadline_label, heading, scope_line, source_line

MIN_PT = 16  # the smallest type on the sheet: readable on a noticeboard by older residents
QR_MM = 28
RED = colors.HexColor("#b71c1c")
SAND = colors.HexColor("#f4f1ea")


def sheet_file_name(content: dict) -> str:
    return f"政策问答第{content['number']}期_{content['title']}.pdf"[:120].replace("/", "／")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = dict(fontName=font, wordWrap="CJK")
    return {
        "kicker": ParagraphStyle("kicker", fontSize=18, leading=24, textColor=RED, **base),
        "title": ParagraphStyle("title", fontSize=28, leading=36, spaceAfter=6, **base),
        # A paragraph with its own background and border (not a one-cell table) so a long one splits over pages.
        "one": ParagraphStyle(
            "one",
            fontSize=20,
            leading=28,
            backColor=SAND,
            borderColor=RED,
            borderWidth=1.5,
            borderPadding=(8, 10, 10, 10),
            leftIndent=10,
            rightIndent=10,
            **base,
        ),
        "q": ParagraphStyle("q", fontSize=19, leading=25, spaceBefore=5, textColor=RED, **base),
        "a": ParagraphStyle("a", fontSize=17, leading=23, **base),
        "note": ParagraphStyle("note", fontSize=MIN_PT, leading=20, **base),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_policy_sheet(content: dict, *, link: str, today: date) -> bytes:
    """One explainer version as an A4 PDF; it flows onto a second page when the answers are long."""
    font = resolve_font().name
    s = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=heading(content),
        author=content["township"]["name"],
    )
    story: list = [
        _p(f"政策问答　{heading(content).split('｜')[0]}　{scope_line(content)}", s["kicker"]),
        _p(content["title"], s["title"]),
    ]
    status = deadline_label(content, today)
    if status:
        story.append(_p(status, s["q"]))
    if content.get("correction_note"):
        story.append(_p(f"第{content['version']}版（已更正）：{content['correction_note']}", s["note"]))
    if content.get("one_sentence"):
        story += [Spacer(1, 5 * mm), _p(f"一句话说清楚：{content['one_sentence']}", s["one"]), Spacer(1, 3 * mm)]
    for answer in content["answers"]:
        story.append(KeepTogether([_p(answer["question"], s["q"]), _p(answer["answer"] or "（未填写）", s["a"])]))
    if content.get("ask"):
        story.append(KeepTogether([_p("找谁问", s["q"]), _p(content["ask"], s["a"])]))
    qr = Drawing(QR_MM * mm, QR_MM * mm)
    qr.add(QrCodeWidget(link, barWidth=QR_MM * mm, barHeight=QR_MM * mm, barBorder=2))
    facts = [f"原文：{source_line(content)}"] if source_line(content) else []
    facts += [f"审核公开 {content['approved_on']} · 核验码 {content['short_hash']}", "扫码在手机上看，还能点“朗读”听"]
    foot = Table(
        [[[_p(f, s["note"]) for f in facts], qr]], colWidths=[doc.width - QR_MM * mm - 4 * mm, QR_MM * mm + 4 * mm]
    )
    foot.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, 0), 1, colors.black)]))
    story += [Spacer(1, 2 * mm), KeepTogether([foot])]
    doc.build(story)
    return buffer.getvalue()
