"""The printable 三务公开栏: one village-month as a PDF, drawn from the published snapshot only.

A4 portrait for sending to groups; A3 and A2 are the same board scaled up for the
physical 公开栏, so it reads from a step away.  Personal data is already masked in the
snapshot and is printed as is.
"""

from __future__ import annotations

import io
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A2, A3, A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    LayoutError,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from board.errors import BoardError
from board.links import board_url, qr_link
from board.money import format_wan, format_yuan
from board.periods import format_partial_date, period_label
from board.public_record import PublicRecord
from board.snapshot import SHANGHAI
from exports.fonts import FontChoice, resolve_font
from exports.pdf_charts import TREND_MONTHS, balance_trend_chart, expense_category_chart, income_expense_chart
from infra.settings import get_settings
from models import Direction
from views.board_view import transfer_note
from views.charts import balance_trend_caption, expense_category_caption, income_expense_caption
from views.public_tables import MAJOR_MARK, TRANSFER_MARK

PAGE_SIZES = {"A4": A4, "A3": A3, "A2": A2}
# Poster sizes keep the A4 layout and scale type and spacing with the paper.
SCALES = {"A4": 1.0, "A3": 2**0.5, "A2": 2.0}
POSTING_DAYS = 15

HEAD_BG = colors.HexColor("#b71c1c")
STRIPE_BG = colors.HexColor("#f7f1ea")
TOTAL_BG = colors.HexColor("#fde9d9")
RULE = colors.HexColor("#999999")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    font: FontChoice


def _day(iso: str | None) -> str:
    """A UTC timestamp as its date in Asia/Shanghai (how people on the board count days)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).date().isoformat()


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def posting_period(snapshot: PublicRecord) -> tuple[str, str]:
    """公示期: from 公开日期 for at least 15 days."""
    start = snapshot.published_on
    return start.isoformat(), (start + timedelta(days=POSTING_DAYS)).isoformat()


def _page_canvas(footer: str, font: str, scale: float) -> type[Canvas]:
    """A canvas that writes "第 X 页 / 共 Y 页" once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # Otherwise every page starts in Helvetica, listed in the PDF as a non-embedded font.
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(font, 7.5 * scale)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(12 * mm * scale, 8 * mm * scale, footer)
                self.drawRightString(
                    width - 12 * mm * scale, 8 * mm * scale, f"第 {self._pageNumber} 页 / 共 {total} 页"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


class _Board:
    """Builds the story (list of flowables) for one snapshot."""

    def __init__(self, snapshot: PublicRecord, size: str, base_url: str, font: str):
        self.s = snapshot
        self.size = size
        self.k = SCALES[size]
        self.font = font
        self.base_url = base_url
        page_w, _ = PAGE_SIZES[size]
        self.margin = 12 * mm * self.k
        self.width = page_w - 2 * self.margin
        k = self.k
        self.body = ParagraphStyle("body", fontName=font, fontSize=8 * k, leading=10.5 * k, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7.5 * k, leading=9.5 * k)
        self.centred = ParagraphStyle("centred", parent=self.cell, alignment=TA_CENTER)
        # Paragraph cells ignore the table's TEXTCOLOR, so highlighted rows need red styles.
        self.cell_red = ParagraphStyle("cell_red", parent=self.cell, textColor=HEAD_BG)
        self.centred_red = ParagraphStyle("centred_red", parent=self.centred, textColor=HEAD_BG)
        self.head = ParagraphStyle("head", parent=self.centred, textColor=colors.white)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=20 * k, leading=25 * k, textColor=HEAD_BG)
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontSize=12 * k,
            leading=16 * k,
            textColor=colors.white,
            backColor=HEAD_BG,
            borderPadding=(2 * k, 4 * k, 2 * k, 4 * k),
            spaceBefore=8 * k,
            spaceAfter=5 * k,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontSize=9.5 * k,
            leading=13 * k,
            textColor=HEAD_BG,
            spaceBefore=5 * k,
            spaceAfter=2 * k,
        )
        self.note = ParagraphStyle(
            "note", parent=self.body, fontSize=7 * k, leading=9 * k, textColor=colors.HexColor("#555555")
        )
        self.pad = 2.5 * k

    # ----- building blocks -------------------------------------------------------------

    def p(self, text, style=None) -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")), style or self.cell)

    def _text_width(self, text: str, size: float) -> float:
        return stringWidth(text, self.font, size) + 2 * self.pad + 1

    def table(
        self,
        header: list[str],
        rows: list[list],
        *,
        kinds: str,
        weights: dict[int, float] | None = None,
        totals: list[list] | None = None,
        highlight: Iterable[int] = (),
        notes: Iterable[str] = (),
    ) -> Table:
        """A table that wraps text columns and sizes number columns to their widest value.

        ``kinds`` has one letter per column: "t" wrapped text, "n" a number or date
        (never wrapped, right-aligned, as wide as its widest cell), "c" short centred text
        (wrapped only past a fifth of the page width).  Non-text columns are never narrower
        than their header, so "到期日" or "金额（元）" stay on one line.  ``highlight`` rows
        are printed in red; ``notes`` are full-width lines under the totals.
        """
        size = self.cell.fontSize
        totals = totals or []
        notes = list(notes)
        widths: list[float | None] = []
        for i, kind in enumerate(kinds):
            if kind == "t":
                widths.append(None)
                continue
            texts = [str(r[i]) for r in rows + totals if not isinstance(r[i], Paragraph)]
            widest = max(self._text_width(t, size) for t in [*texts, header[i]])
            # Short labels stay on one line unless a user typed something long; numbers never wrap.
            head = self._text_width(header[i], size)
            widths.append(max(min(widest, self.width * 0.2), head) if kind == "c" else widest)
        fixed = sum(w for w in widths if w is not None)
        free = self.width - fixed
        if free <= 0:
            raise BoardError("表格数字列过宽，无法排入页面", field="PDF")
        weights = weights or {}
        text_cols = [i for i, kind in enumerate(kinds) if kind == "t"]
        weight_sum = sum(weights.get(i, 1) for i in text_cols) or 1
        for i in text_cols:
            widths[i] = free * weights.get(i, 1) / weight_sum
        if not text_cols:
            widths = [w + free / len(widths) for w in widths]

        red = set(highlight)

        def cell(value, i, r=None):
            if isinstance(value, Paragraph) or kinds[i] == "n":
                return value
            if r in red:
                return self.p(value, self.centred_red if kinds[i] == "c" else self.cell_red)
            return self.p(value, self.centred if kinds[i] == "c" else self.cell)

        data = [[Paragraph(escape(h), self.head) for h in header]]
        data += [[cell(v, i, r) for i, v in enumerate(row)] for r, row in enumerate(rows)]
        data += [[cell(v, i) for i, v in enumerate(row)] for row in totals]
        data += [[self.p(note)] + [""] * (len(header) - 1) for note in notes]
        # splitInRow: one cell taller than a page (a 5,000-character description) is split
        # across pages instead of failing the whole layout.  Cells sit at the top: reportlab
        # splits vertically centred rows into many short pieces, each with its own header.
        table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
        style = [
            ("FONT", (0, 0), (-1, -1), self.font, size),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
            ("GRID", (0, 0), (-1, -1), 0.4 * self.k, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.pad),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5 * self.k),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * self.k),
        ]
        for i, kind in enumerate(kinds):
            align = {"n": "RIGHT", "c": "CENTER"}.get(kind)
            if align:
                style.append(("ALIGN", (i, 1), (i, -1), align))
        for r in range(1, len(rows) + 1, 2):
            style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), STRIPE_BG))
        for r in red:
            style.append(("TEXTCOLOR", (0, r + 1), (-1, r + 1), HEAD_BG))
        if totals or notes:
            style.append(("BACKGROUND", (0, len(rows) + 1), (-1, -1), TOTAL_BG))
        for r in range(len(data) - len(notes), len(data)):
            style.append(("SPAN", (0, r), (-1, r)))
        table.setStyle(TableStyle(style))
        return table

    def layout_style(self, commands: list) -> TableStyle:
        """A layout table's style; the FONT entry keeps its default Helvetica out of the PDF."""
        return TableStyle([("FONT", (0, 0), (-1, -1), self.font, self.body.fontSize), *commands])

    def section(self, text: str) -> list:
        return [CondPageBreak(60 * mm * self.k), Paragraph(escape(text), self.h1)]

    def subsection(self, text: str) -> list:
        return [CondPageBreak(30 * mm * self.k), Paragraph(escape(text), self.h2)]

    # ----- the board -------------------------------------------------------------------

    def header(self) -> list:
        s, k = self.s, self.k
        village = s.village
        start, end = posting_period(s)
        url = board_url(self.base_url, village.code, s.period, version=s.version)
        qr_size = 30 * mm * k
        qr = Drawing(qr_size, qr_size, initialFontName=self.font)
        # The fragment never reaches the server: the scanned code itself carries the village's chain
        # head on the day of printing, a witness the township can compare with its witness file.
        widget = QrCodeWidget(qr_link(url, s.chain_head), barWidth=qr_size, barHeight=qr_size, barBorder=2)
        qr.add(widget)
        left = [
            Paragraph(escape(f"{village.name} 三务公开栏"), self.title),
            Paragraph(
                escape(
                    f"{period_label(s.period)} 财务·村务·党务公开"
                    + (f"（更正版 第{s.version}版）" if s.version > 1 else "")
                ),
                self.h2,
            ),
            self.p(f"{village.township}　公开栏地址：{village.board_address or '—'}", self.body),
            self.p(f"公开日期：{s.published_on}　公示期：{start} 至 {end}（不少于{POSTING_DAYS}天）", self.body),
            self.p(f"监督电话：{village.hotline or '—'}　意见箱设在公开栏旁，欢迎监督", self.body),
            self.p(f"网上公开栏：{url}", self.note),
        ]
        if village.demo:
            left.append(self.p("本公开栏为演示数据，非真实村务。", self.note))
        right = [
            qr,
            Paragraph(escape("扫码查看网上公开栏"), ParagraphStyle("qr", parent=self.note, alignment=TA_CENTER)),
            Paragraph(escape(f"核验码 {s.short_hash}"), ParagraphStyle("qrh", parent=self.note, alignment=TA_CENTER)),
        ]
        table = Table([[left, right]], colWidths=[self.width - qr_size - 6 * k, qr_size + 6 * k])
        table.setStyle(
            self.layout_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 2 * k, HEAD_BG),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story: list = [table, Spacer(0, 3 * k)]
        if s.amendment_reason:
            box = Table(
                [[self.p(f"更正说明（第{s.version}版）：{s.amendment_reason}", self.body)]], colWidths=[self.width]
            )
            box.setStyle(
                self.layout_style(
                    [
                        ("BOX", (0, 0), (-1, -1), 1 * k, HEAD_BG),
                        ("BACKGROUND", (0, 0), (-1, -1), TOTAL_BG),
                    ]
                )
            )
            story += [box, Spacer(0, 3 * k)]
        if s.redaction_notice:
            story += [self.p(s.redaction_notice, self.body), Spacer(0, 3 * k)]
        return story

    def key_figures(self) -> list:
        totals, k = self.s.finance.totals, self.k
        big = ParagraphStyle("big", parent=self.body, fontSize=15 * k, leading=19 * k, alignment=TA_CENTER)
        small = ParagraphStyle("small", parent=self.body, alignment=TA_CENTER)
        cells = [
            [Paragraph(escape(label), small), Paragraph(escape(format_wan(getattr(totals, key))), big)]
            for label, key in (("月末账上余额", "closing_fen"), ("本月收入", "income_fen"), ("本月支出", "expense_fen"))
        ]
        table = Table([cells], colWidths=[self.width / 3] * 3)
        table.setStyle(
            self.layout_style(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6 * k, RULE),
                    ("INNERGRID", (0, 0), (-1, -1), 0.6 * k, RULE),
                    ("BACKGROUND", (0, 0), (-1, -1), STRIPE_BG),
                ]
            )
        )
        return [table, Spacer(0, 3 * k)]

    def accounts(self) -> list:
        f = self.s.finance
        y = lambda fen: format_yuan(fen, unit=False)  # noqa: E731
        rows = [[a.label, y(a.opening_fen), y(a.income_fen), y(a.expense_fen), y(a.closing_fen)] for a in f.accounts]
        t = f.totals
        total = [["合计", y(t.opening_fen), y(t.income_fen), y(t.expense_fen), y(t.closing_fen)]]
        transfers = f.transfers
        # An account's figures include money moved to the other account; the village total does not.
        notes = (
            [
                f"各账户的收入、支出含现金与银行存款之间的内部转账 {format_yuan(transfers.amount_fen)}，"
                "合计不计内部转账。"
            ]
            if transfers.count
            else []
        )
        return self.subsection("（一）收支总表（单位：元）") + [
            self.table(
                ["账户", "月初余额", "本月收入", "本月支出", "月末余额"], rows, kinds="cnnnn", totals=total, notes=notes
            )
        ]

    def charts(self) -> list:
        f, k = self.s.finance, self.k
        w, h = self.width / 3, 46 * mm * k
        history = self.s.history[-TREND_MONTHS:]
        drawings = [
            income_expense_chart(history, font=self.font, width=w, height=h, scale=k),
            expense_category_chart(f.expense_by_category, font=self.font, width=w, height=h, scale=k),
            balance_trend_chart(history, font=self.font, width=w, height=h, scale=k),
        ]
        # The same one-sentence captions as the online board (views.charts owns the wording).
        caption = ParagraphStyle("caption", parent=self.note, alignment=TA_CENTER)
        captions = [
            Paragraph(escape(text), caption)
            for text in (
                income_expense_caption(self.s),
                expense_category_caption(self.s),
                balance_trend_caption(history),
            )
        ]
        table = Table([drawings, captions], colWidths=[w] * 3)
        table.setStyle(
            self.layout_style(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * k),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * k),
                    ("LEFTPADDING", (0, 0), (-1, 0), 0),
                    ("RIGHTPADDING", (0, 0), (-1, 0), 0),
                    ("VALIGN", (0, 1), (-1, 1), "TOP"),
                ]
            )
        )
        return [Spacer(0, 2 * k), table]

    def ledger(self) -> list:
        f = self.s.finance
        y = lambda fen: format_yuan(fen, unit=False)  # noqa: E731
        rows, marked = [], []
        for i, x in enumerate(f.ledger):
            summary = x.summary
            if x.transfer:
                summary += TRANSFER_MARK
            if x.major:
                summary = f"{MAJOR_MARK}{summary}"
                marked.append(i)
            income = y(x.amount_fen) if x.direction == Direction.income else ""
            expense = y(x.amount_fen) if x.direction == Direction.expense else ""
            account = next((a.label for a in f.accounts if a.account == x.account), x.account)
            rows.append(
                [
                    str(x.line),
                    x.date.isoformat(),
                    x.voucher_no,
                    summary,
                    x.category,
                    x.counterparty,
                    income,
                    expense,
                    account,
                    x.handler,
                ]
            )
        t = f.totals
        total = [["", "", "", self.p("本月合计"), "", "", y(t.income_fen), y(t.expense_fen), "", ""]]
        header = ["序号", "日期", "凭证号", "摘要", "类别", "对方单位", "收入", "支出", "账户", "经手人"]
        story = self.subsection(f"（二）收支明细表（共 {len(rows)} 笔，单位：元）")
        if not rows:
            return story + [self.p("本月没有收支。", self.body)]
        note = transfer_note(f)
        story.append(
            self.table(
                header,
                rows,
                kinds="nnntttnnct",
                weights={3: 2.6, 4: 1.2, 5: 1.6, 9: 0.9},
                totals=total,
                highlight=marked,
                notes=[note] if note else [],
            )
        )
        if marked:
            story.append(self.p(f"{MAJOR_MARK} 单笔 5 万元以上支出，已按“四议两公开”程序决策并专项公开。", self.note))
        return story

    def assets(self) -> list:
        a = self.s.finance.assets
        y = lambda fen: format_yuan(fen, unit=False)  # noqa: E731
        rows = [
            [
                x.name,
                x.category,
                format_partial_date(x.acquired_on),
                str(x.quantity),
                y(x.original_value_fen),
                x.location,
                x.status,
            ]
            for x in a.items
        ]
        if not rows:
            return self.subsection("（三）固定资产") + [self.p("暂无固定资产登记。", self.body)]
        total = [[self.p("合计"), "", "", "", y(a.total_fen), "", ""]]
        return self.subsection(f"（三）固定资产（共 {len(rows)} 项，单位：元）") + [
            self.table(
                ["名称", "类别", "购置日期", "数量", "原值", "存放地点", "状态"],
                rows,
                kinds="ttnnntc",
                weights={0: 2.2, 1: 1.2, 5: 1.4},
                totals=total,
            )
        ]

    def debts(self) -> list:
        d = self.s.finance.debts
        y = lambda fen: format_yuan(fen, unit=False)  # noqa: E731
        rows = [
            [label, x.counterparty, y(x.amount_fen), _iso(x.due_on), x.note]
            for items, label in ((d.receivable, "应收（债权）"), (d.payable, "应付（债务）"))
            for x in items
        ]
        if not rows:
            return self.subsection("（四）债权债务") + [self.p("本月没有债权债务。", self.body)]
        totals = [
            [self.p("应收合计"), "", y(d.receivable_total_fen), "", ""],
            [self.p("应付合计"), "", y(d.payable_total_fen), "", ""],
        ]
        return self.subsection("（四）债权债务（单位：元）") + [
            self.table(
                ["类型", "对方", "金额", "到期日", "说明"], rows, kinds="ctnnt", weights={1: 1.5, 4: 2.5}, totals=totals
            )
        ]

    def resources(self) -> list:
        res = self.s.finance.resources
        y = lambda fen: format_yuan(fen, unit=False) if fen is not None else ""  # noqa: E731
        rows, soon = [], []
        for i, r in enumerate(res):
            term = f"{_iso(r.contract_start)} 至 {_iso(r.contract_end)}"
            name = r.name + ("（合同即将到期）" if r.expiring_soon else "")
            if r.expiring_soon:
                soon.append(i)
            rows.append([r.kind, name, r.area, r.holder, term, y(r.annual_fee_fen)])
        if not rows:
            return self.subsection("（五）资源发包与合同") + [self.p("暂无资源发包合同。", self.body)]
        return self.subsection("（五）资源发包与合同（单位：元）") + [
            self.table(
                ["类型", "名称", "面积", "承包/租用方", "合同期限", "年承包费"],
                rows,
                kinds="cttttn",
                weights={1: 1.8, 3: 1.6, 4: 1.8},
                highlight=soon,
            )
        ]

    def affairs(self) -> list:
        story = self.section("二、村务公开")
        items = self.s.affairs
        if not items:
            return story + [self.p("本月没有村务公开事项。", self.body)]
        y = lambda fen: format_yuan(fen, unit=False) if fen is not None else ""  # noqa: E731
        rows = [[x.date.isoformat(), x.category, x.title, x.description, y(x.amount_fen)] for x in items]
        story.append(
            self.table(
                ["日期", "类别", "事项", "内容", "金额（元）"], rows, kinds="ntttn", weights={1: 1.2, 2: 1.6, 3: 3.4}
            )
        )
        for x in items:
            people = x.beneficiaries
            if not people:
                continue
            prow = [[p.name, p.group, p.id_number, p.phone, y(p.amount_fen), p.note] for p in people]
            total = [[self.p("合计"), self.p(f"{x.beneficiary_count} 人"), "", "", y(x.beneficiary_total_fen), ""]]
            story += self.subsection(f"{x.title}名单（身份证号、电话已隐去中间位）") + [
                self.table(
                    ["姓名", "组别", "身份证号", "联系电话", "金额（元）", "备注"], prow, kinds="ccnnnt", totals=total
                )
            ]
        return story

    def party(self) -> list:
        story = self.section("三、党务公开")
        items = self.s.party
        if not items:
            return story + [self.p("本月没有党务公开事项。", self.body)]
        y = lambda fen: format_yuan(fen, unit=False) if fen is not None else ""  # noqa: E731
        rows = [
            [
                x.date.isoformat(),
                x.category,
                x.title,
                x.description,
                str(x.participants) if x.participants is not None else "",
                y(x.amount_fen),
            ]
            for x in items
        ]
        return story + [
            self.table(
                ["日期", "类别", "事项", "内容", "参加人数", "金额（元）"],
                rows,
                kinds="ntttnn",
                weights={1: 1.1, 2: 1.8, 3: 3.2},
            )
        ]

    def services(self) -> list:
        story = self.section("四、便民服务")
        items = self.s.services
        if not items:
            return story + [self.p("暂无便民服务事项。", self.body)]
        rows = [[x.name, x.materials, x.location, x.time_limit, x.contact] for x in items]
        return story + [
            self.table(
                ["服务事项", "所需材料", "办理地点", "办理时限", "咨询电话"],
                rows,
                kinds="tttcn",
                weights={0: 1.4, 1: 3, 2: 1.5, 3: 1},
            )
        ]

    def sign_off(self) -> list:
        s, k = self.s, self.k
        wf = s.workflow
        start, end = posting_period(s)
        line = "＿" * 6
        rows = [
            [
                self.p(f"编制：{wf.submitted_by or '—'}", self.body),
                self.p(f"提交日期：{_day(wf.submitted_at)}", self.body),
            ],
            [
                self.p(f"审核：村务监督委员会 / 民主理财小组　{wf.approved_by or '—'}", self.body),
                self.p(f"审核日期：{_day(wf.approved_at)}", self.body),
            ],
            [
                self.p(f"公开：{s.published_by or '—'}", self.body),
                self.p(f"公开日期：{s.published_on}　公示期至 {end}", self.body),
            ],
            [
                self.p(f"监督委员会成员签字：{line}　{line}　{line}", self.body),
                self.p(f"民主理财小组签字：{line}　{line}", self.body),
            ],
            [
                self.p(
                    f"对公开内容有疑问，请拨打监督电话 {s.village.hotline or '—'}，或投入公开栏旁意见箱。", self.body
                ),
                self.p(f"公示期 {start} 至 {end}　核验码 {s.short_hash}", self.body),
            ],
        ]
        table = Table(rows, colWidths=[self.width * 0.6, self.width * 0.4])
        table.setStyle(
            self.layout_style(
                [
                    ("BOX", (0, 0), (-1, -1), 1 * k, HEAD_BG),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.3 * k, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3 * k),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * k),
                ]
            )
        )
        # The village's chain head on paper: a witness the township can check the database against.
        head = self.s.chain_head
        witness = self.p(f"本村公开存证最新一版：{head[:12]}　完整核验码 {head}", self.note)
        return [KeepTogether(self.section("五、审核签字") + [table, witness])]

    def story(self) -> list:
        return (
            self.header()
            + self.key_figures()
            + self.section("一、财务公开")
            + self.accounts()
            + self.charts()
            + self.ledger()
            + self.assets()
            + self.debts()
            + self.resources()
            + self.affairs()
            + self.party()
            + self.services()
            + self.sign_off()
        )


def render_pdf_document(
    snapshot: PublicRecord, *, size: str = "A4", base_url: str | None = None, font: FontChoice | None = None
) -> RenderedPdf:
    """The PDF with its page count and the font it is set in (whose warning callers show)."""
    if size not in PAGE_SIZES:
        raise BoardError(f"纸张大小只能是 {'、'.join(PAGE_SIZES)}，收到“{size}”", field="纸张")
    font = font or resolve_font()
    base_url = base_url or get_settings().public_base_url
    board = _Board(snapshot, size, base_url, font.name)
    buffer = io.BytesIO()
    village = snapshot.village
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZES[size],
        leftMargin=board.margin,
        rightMargin=board.margin,
        topMargin=board.margin,
        bottomMargin=board.margin + 6 * mm * board.k,
        title=f"{village.name} {period_label(snapshot.period)} 三务公开栏",
        author=village.name,
        subject=f"核验码 {snapshot.short_hash}",
        creator="三务公开栏",
    )
    footer = (
        f"{village.name}　{period_label(snapshot.period)}三务公开　第{snapshot.version}版　核验码 {snapshot.short_hash}"
    )
    canvas = _page_canvas(footer, font.name, board.k)
    try:
        doc.build(board.story(), canvasmaker=canvas)
    except LayoutError as exc:
        # reportlab's message names flowables and points, which helps nobody at the village.
        raise BoardError(
            f"{village.name} {period_label(snapshot.period)} 的打印版排版失败：有一项内容过长，"
            "一页纸放不下。请把过长的说明分成几条后重新公开。",
            field="PDF",
        ) from exc
    return RenderedPdf(buffer.getvalue(), doc.page, font)


def render_pdf(snapshot: PublicRecord, *, size: str = "A4", base_url: str | None = None) -> bytes:
    """The printable board of one published snapshot, as PDF bytes."""
    return render_pdf_document(snapshot, size=size, base_url=base_url).data


def _render_job(job: tuple[PublicRecord, str, str | None]) -> RenderedPdf:
    snapshot, size, base_url = job
    return render_pdf_document(snapshot, size=size, base_url=base_url)


def render_many(
    snapshots: list[PublicRecord],
    *,
    size: str = "A4",
    base_url: str | None = None,
    processes: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[PublicRecord, RenderedPdf]]:
    """Render snapshots in a spawn-safe process pool, yielding (snapshot, pdf) in input order.

    Workers receive the (picklable) records and return bytes, so nothing database-bound
    crosses the process boundary.
    """
    base_url = base_url or get_settings().public_base_url
    jobs = [(s, size, base_url) for s in snapshots]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        for done, (snapshot, pdf) in enumerate(zip(snapshots, pool.imap(_render_job, jobs)), start=1):
            if progress:
                progress(done, len(jobs))
            yield snapshot, pdf
