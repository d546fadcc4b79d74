"""Open-data downloads of one published month: PDF, Excel, CSV and the snapshot JSON.

Pure functions, bytes out, so the board page, the staff page and the CLI call the same
code.  Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return) is prefixed with an apostrophe in Excel and CSV output.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from board.errors import BoardError
from board.periods import period_label
from board.public import published_snapshot
from board.public_record import PublicRecord
from board.records import DIRECTION_LABELS
from board.spreadsheet import neutralise
from board.villages import get_village
from exports.cache import cached_render
from exports.fonts import resolve_font
from exports.pdf import posting_period, render_pdf_document
from infra.db import unit_of_work
from infra.settings import get_settings

MONEY_FORMAT = "#,##0.00"
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    label: str
    filename: str
    data: bytes
    mime: str
    warning: str | None = None  # e.g. the PDF font fallback; pages show it next to the button


@dataclass(frozen=True)
class Sheet:
    name: str
    header: list[str]
    rows: list[list]
    money: frozenset[int] = frozenset()  # column indexes holding integer fen


def _yuan(fen: int | None) -> Decimal | None:
    """Fen as an exact Decimal of 元 (a number for spreadsheets, not display text)."""
    return None if fen is None else Decimal(fen).scaleb(-2)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _account_labels(snapshot: PublicRecord) -> dict[str, str]:
    return {a.account: a.label for a in snapshot.finance.accounts}


def ledger_sheet(snapshot: PublicRecord) -> Sheet:
    labels = _account_labels(snapshot)
    rows = [
        [
            x.line,
            x.date.isoformat(),
            x.voucher_no,
            x.summary,
            x.category,
            DIRECTION_LABELS[x.direction],
            x.amount_fen,
            x.counterparty,
            x.handler,
            labels.get(x.account, x.account),
            "是" if x.major else "",
        ]
        for x in snapshot.finance.ledger
    ]
    header = ["序号", "日期", "凭证号", "摘要", "类别", "收支", "金额（元）", "对方单位", "经手人", "账户", "5万元以上"]
    return Sheet("收支明细", header, rows, frozenset({6}))


def snapshot_sheets(snapshot: PublicRecord) -> list[Sheet]:
    """Every public table of the snapshot, one sheet each."""
    s, f = snapshot, snapshot.finance
    start, end = posting_period(s)
    wf = s.workflow
    info = Sheet(
        "公开信息",
        ["项目", "内容"],
        [
            ["村/社区", s.village.name],
            ["代码", s.village.code],
            ["乡镇/街道", s.village.township],
            ["月份", period_label(s.period)],
            ["版本", s.version],
            ["更正说明", s.amendment_reason],
            ["依法隐去", s.redaction_notice or ""],
            ["公开日期", s.published_on.isoformat()],
            ["公示期", f"{start} 至 {end}"],
            ["编制", wf.submitted_by],
            ["审核", wf.approved_by],
            ["公开", s.published_by],
            ["监督电话", s.village.hotline],
            ["核验码", s.hash],
        ],
    )
    accounts = Sheet(
        "收支总表",
        ["账户", "月初余额", "本月收入", "本月支出", "月末余额"],
        [[a.label, a.opening_fen, a.income_fen, a.expense_fen, a.closing_fen] for a in f.accounts]
        + [["合计", *(getattr(f.totals, k) for k in ("opening_fen", "income_fen", "expense_fen", "closing_fen"))]],
        frozenset({1, 2, 3, 4}),
    )
    assets = Sheet(
        "固定资产",
        ["名称", "类别", "购置日期", "数量", "原值（元）", "存放地点", "状态"],
        [
            [a.name, a.category, a.acquired_on or "", a.quantity, a.original_value_fen, a.location, a.status]
            for a in f.assets.items
        ],
        frozenset({4}),
    )
    debts = Sheet(
        "债权债务",
        ["类型", "对方", "金额（元）", "到期日", "说明"],
        [
            [label, d.counterparty, d.amount_fen, _iso(d.due_on), d.note]
            for items, label in ((f.debts.receivable, "应收"), (f.debts.payable, "应付"))
            for d in items
        ],
        frozenset({2}),
    )
    resources = Sheet(
        "资源发包",
        ["类型", "名称", "面积", "承包/租用方", "合同开始", "合同到期", "年承包费（元）"],
        [
            [r.kind, r.name, r.area, r.holder, _iso(r.contract_start), _iso(r.contract_end), r.annual_fee_fen]
            for r in f.resources
        ],
        frozenset({6}),
    )
    affairs = Sheet(
        "村务",
        ["日期", "类别", "事项", "内容", "金额（元）", "受益人数"],
        [
            [a.date.isoformat(), a.category, a.title, a.description, a.amount_fen, a.beneficiary_count]
            for a in s.affairs
        ],
        frozenset({4}),
    )
    people = Sheet(
        "受益名单",
        ["事项", "姓名", "组别", "身份证号（已遮挡）", "电话（已遮挡）", "金额（元）", "备注"],
        [
            [a.title, p.name, p.group, p.id_number, p.phone, p.amount_fen, p.note]
            for a in s.affairs
            for p in a.beneficiaries
        ],
        frozenset({5}),
    )
    party = Sheet(
        "党务",
        ["日期", "类别", "事项", "内容", "参加人数", "金额（元）"],
        [[p.date.isoformat(), p.category, p.title, p.description, p.participants, p.amount_fen] for p in s.party],
        frozenset({5}),
    )
    services = Sheet(
        "便民服务",
        ["服务事项", "所需材料", "办理地点", "办理时限", "咨询电话"],
        [[x.name, x.materials, x.location, x.time_limit, x.contact] for x in s.services],
    )
    return [info, accounts, ledger_sheet(s), assets, debts, resources, affairs, people, party, services]


def _cells(sheet: Sheet, row: list) -> list:
    return [_yuan(v) if i in sheet.money else neutralise(v) for i, v in enumerate(row)]


def snapshot_xlsx(snapshot: PublicRecord) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the default empty sheet
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="B71C1C")
    for sheet in snapshot_sheets(snapshot):
        ws = workbook.create_sheet(sheet.name)
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(horizontal="center")
        for row in sheet.rows:
            ws.append(_cells(sheet, row))
        for i, title in enumerate(sheet.header):
            letter = get_column_letter(i + 1)
            longest = max([len(str(r[i] or "")) for r in sheet.rows] + [len(title)])
            ws.column_dimensions[letter].width = min(60, longest * 1.8 + 2)
            if i in sheet.money:
                ws.column_dimensions[letter].width = max(14, ws.column_dimensions[letter].width)
                for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                    cell.number_format = MONEY_FORMAT
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_csv(snapshot: PublicRecord) -> bytes:
    """收支明细 as CSV, UTF-8 with BOM so Excel on Windows opens the Chinese correctly."""
    sheet = ledger_sheet(snapshot)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow(_cells(sheet, row))
    return buffer.getvalue().encode("utf-8-sig")


def snapshot_json(snapshot: PublicRecord) -> bytes:
    document = {**snapshot.document, "hash": snapshot.hash, "short_hash": snapshot.short_hash}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


# kind → (button label, file name suffix, MIME type)
DOWNLOAD_KINDS = {
    "pdf": ("打印版 PDF（{size}）", "_{size}.pdf", "application/pdf"),
    "xlsx": ("Excel 表格（.xlsx）", ".xlsx", XLSX_MIME),
    "csv": ("收支明细 CSV", "_ledger.csv", CSV_MIME),
    "json": ("原始数据 JSON", ".json", "application/json"),
}


def download_label(kind: str, *, size: str = "A4") -> str:
    return DOWNLOAD_KINDS[kind][0].format(size=size)


def download_filename(village_code: str, period: str, version: int, kind: str, *, size: str = "A4") -> str:
    return f"{village_code}_{period}_v{version}" + DOWNLOAD_KINDS[kind][1].format(size=size)


def snapshot_file(snapshot: PublicRecord, kind: str, *, size: str = "A4", base_url: str | None = None) -> Download:
    """One download of a published month."""
    label, _, mime = DOWNLOAD_KINDS[kind]
    name = download_filename(snapshot.village.code, snapshot.period, snapshot.version, kind, size=size)
    if kind == "pdf":
        font = resolve_font()
        base_url = base_url or get_settings().public_base_url
        # The PDF prints the village's chain head: a new version makes a new file, not a stale witness.
        pdf = _cached(
            snapshot,
            (kind, size, base_url, font.name, font.path or "", str(font.embedded), snapshot.chain_head),
            lambda: render_pdf_document(snapshot, size=size, base_url=base_url, font=font).data,
        )
        return Download(label.format(size=size), name, pdf, mime, font.warning)
    render = {"xlsx": snapshot_xlsx, "csv": ledger_csv, "json": snapshot_json}[kind]
    return Download(label, name, _cached(snapshot, (kind,), lambda: render(snapshot)), mime)


def _cached(snapshot: PublicRecord, parts: tuple[str, ...], produce) -> bytes:
    # Keyed by hash and redactions (a redaction keeps the hash); a preview without a stored hash renders afresh.
    return cached_render(snapshot.hash, (snapshot.render_key, *parts), produce) if snapshot.hash else produce()


def snapshot_downloads(snapshot: PublicRecord, *, size: str = "A4", base_url: str | None = None) -> list[Download]:
    """The four downloads of one published month, ready for download buttons."""
    return [snapshot_file(snapshot, kind, size=size, base_url=base_url) for kind in DOWNLOAD_KINDS]


def pdf_font_warning() -> str | None:
    """What a PDF button should say about the font, if anything (the fallback, or a bad SANWU_FONT_PATH).

    Cheap: the font is registered once per process and the rest is a header read.
    """
    try:
        return resolve_font().warning
    except BoardError as error:
        return error.problems[0].message


def published_file(engine, village_code: str, period: str, version: int, kind: str) -> bytes:
    """Bytes of one download of a published version, made only when someone asks for it."""
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, village_code), period, version=version)
    return snapshot_file(snapshot, kind).data


def published_downloads(session, village_code: str, period: str, *, size: str = "A4") -> list[Download]:
    """Downloads of a village's published month (newest version), read through board.public."""
    snapshot = published_snapshot(session, get_village(session, village_code), period)
    return snapshot_downloads(snapshot, size=size)
