"""The printable board: numbers as published, masked personal data, embedded font, pages that render."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile

import numpy as np
import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.lib.pagesizes import A2, A3, A4
from reportlab.lib.units import mm
from sqlmodel import select

from board.errors import BoardError
from board.links import board_url
from board.money import format_yuan
from board.public_record import CategorySum, HistoryPoint
from exports.fonts import resolve_font
from exports.pdf import posting_period, render_pdf_document
from exports.pdf_charts import TREND_MONTHS, balance_trend_chart, expense_category_chart
from infra.db import get_engine, unit_of_work
from infra.settings import get_settings
from models import Beneficiary
from tests.exports.conftest import BIG_CODE, BIG_LINES, EMPTY_CODE, HUGE_FEN, read_snapshot, require_tool
from tests.helpers import DEMO_END, as_record, run_cli
from views.charts import balance_trend_caption, expense_category_caption, income_expense_caption

AMENDED = "2026-06"  # the demo month with an amendment (version 2)
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def yuan(fen: int) -> str:
    return format_yuan(fen, unit=False)


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def demo_pdf(board_db, tmp_path_factory) -> tuple[bytes, dict, dict]:
    """The amended demo month exported through the CLI, with `period show --json` and the snapshot."""
    out = tmp_path_factory.mktemp("pdf") / "demo.pdf"
    result = run_cli("export", "pdf", "--village", "DEMO", "--period", AMENDED, "-o", str(out), db=board_db)
    assert result.returncode == 0, result.stderr
    assert "页" in result.stdout
    shown = run_cli("period", "show", "--village", "DEMO", "--period", AMENDED, "--json", db=board_db)
    assert shown.returncode == 0, shown.stderr
    return out.read_bytes(), json.loads(shown.stdout), read_snapshot(board_db, "DEMO", AMENDED)


def test_every_total_and_balance_matches_period_show(demo_pdf):
    data, shown, _ = demo_pdf
    lines = "\n".join(page_texts(data)).splitlines()
    for acc in shown["accounts"]:
        row = next(line for line in lines if line.startswith(acc["label"] + " "))
        assert row.split()[1:] == [yuan(acc[k]) for k in ("opening_fen", "income_fen", "expense_fen", "closing_fen")]
    total = next(line for line in lines if line.startswith("合计 ") and yuan(shown["opening_fen"]) in line)
    assert total.split()[1:] == [yuan(shown[k]) for k in ("opening_fen", "income_fen", "expense_fen", "closing_fen")]
    ledger_total = next(line for line in lines if line.startswith("本月合计"))
    assert ledger_total.split()[1:] == [yuan(shown["income_fen"]), yuan(shown["expense_fen"])]


def test_every_ledger_line_is_printed_once_with_its_amount(demo_pdf):
    data, shown, snapshot = demo_pdf
    lines = "\n".join(page_texts(data)).splitlines()
    ledger = snapshot["finance"]["ledger"]
    assert len(ledger) == shown["ledger_lines"] > 40
    for entry in ledger:
        rows = [line for line in lines if f" {entry['voucher_no']} " in f" {line} "]
        assert len(rows) == 1, entry["voucher_no"]
        cells = rows[0].split()
        assert cells[:3] == [str(entry["line"]), entry["date"], entry["voucher_no"]]
        assert yuan(entry["amount_fen"]) in cells


def test_board_header_sign_off_and_amendment(demo_pdf):
    data, _, snapshot = demo_pdf
    pages = page_texts(data)
    text = "\n".join(pages)
    start, end = posting_period(as_record(snapshot))
    assert f"公示期：{start} 至 {end}" in text
    assert snapshot["amendment_reason"] in text.replace("\n", "")
    assert f"更正说明（第{snapshot['version']}版）" in text
    assert snapshot["workflow"]["approved_by"] in text and snapshot["workflow"]["submitted_by"] in text
    assert snapshot["village"]["hotline"] in text
    assert f"核验码 {snapshot['short_hash']}" in text
    assert board_url(get_settings().public_base_url, "DEMO", AMENDED, version=snapshot["version"]) in text
    for heading in (
        "收支明细表",
        "固定资产",
        "债权债务",
        "资源发包与合同",
        "村务公开",
        "党务公开",
        "便民服务",
        "审核签字",
    ):
        assert heading in text
    for i, page in enumerate(pages, start=1):
        assert f"第 {i} 页 / 共 {len(pages)} 页" in page
    assert 2 <= len(pages) <= 6


def test_no_full_id_or_phone_only_the_masked_forms(demo_pdf, board_db):
    data, _, snapshot = demo_pdf
    text = "\n".join(page_texts(data))
    compact = re.sub(r"\s", "", text)
    assert not FULL_ID.search(compact) and not FULL_PHONE.search(compact)
    people = [p for a in snapshot["affairs"] for p in a["beneficiaries"]]
    assert people
    for person in people:
        assert re.fullmatch(r"3299\*{10}\d{3}[\dX]", person["id_number"])
        assert person["id_number"] in text and person["phone"] in text
    with unit_of_work(get_engine(board_db)) as session:
        raw = session.exec(select(Beneficiary.id_number, Beneficiary.phone)).all()
    assert raw
    for id_number, phone in raw:
        assert id_number not in compact and phone not in compact


def test_cjk_font_is_embedded(demo_pdf, tmp_path):
    data, _, _ = demo_pdf
    path = tmp_path / "board.pdf"
    path.write_bytes(data)
    out = subprocess.run([require_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    for row in fonts:
        assert "TrueType" in row and re.search(r"\byes\s+yes\s+yes\b", row), row
    assert "WenQuanYi" in out or resolve_font().path.endswith((".ttf", ".ttc"))
    reader = PdfReader(io.BytesIO(data))
    descriptors = [
        font["/FontDescriptor"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in font.get_object()
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)


def test_pages_render_to_png(demo_pdf, tmp_path):
    data, _, _ = demo_pdf
    path = tmp_path / "board.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        [require_tool("pdftoppm"), "-png", "-r", "50", str(path), str(tmp_path / "page")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    assert len(list(tmp_path.glob("page-*.png"))) == len(PdfReader(io.BytesIO(data)).pages)


def test_two_hundred_lines_none_lost_or_cut_header_on_every_page(board_db):
    snapshot = read_snapshot(board_db, BIG_CODE, DEMO_END)
    ledger = snapshot["finance"]["ledger"]
    assert len(ledger) == BIG_LINES
    pdf = render_pdf_document(as_record(snapshot))
    pages = page_texts(pdf.data)
    assert pdf.pages == len(pages)
    ledger_pages = []
    for entry in ledger:
        hits = [
            (i, line)
            for i, page in enumerate(pages)
            for line in page.splitlines()
            if f" {entry['voucher_no']} " in f" {line} "
        ]
        assert len(hits) == 1, entry["voucher_no"]
        page_no, line = hits[0]
        ledger_pages.append(page_no)
        assert line.split()[:3] == [str(entry["line"]), entry["date"], entry["voucher_no"]]
        assert yuan(entry["amount_fen"]) in line.split()
    assert yuan(HUGE_FEN) in "\n".join(pages)
    spanned = sorted(set(ledger_pages))
    assert len(spanned) >= 4
    for i in spanned:
        assert "序号 日期 凭证号 摘要 类别 对方单位 收入 支出 账户 经手人" in pages[i]


@pytest.mark.parametrize("size, expected", [("A4", A4), ("A3", A3), ("A2", A2)])
def test_paper_sizes(board_db, size, expected):
    snapshot = read_snapshot(board_db, "DEMO", DEMO_END)
    pdf = render_pdf_document(as_record(snapshot), size=size)
    reader = PdfReader(io.BytesIO(pdf.data))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(expected[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(expected[1], abs=0.5)
    assert snapshot["short_hash"] in page_texts(pdf.data)[0]


def test_qr_link_uses_the_given_base_url(board_db):
    snapshot = read_snapshot(board_db, "DEMO", DEMO_END)
    pdf = render_pdf_document(as_record(snapshot), base_url="https://gongkai.example.cn/")
    assert f"网上公开栏：https://gongkai.example.cn/DEMO/{DEMO_END}/v1/" in page_texts(pdf.data)[0]


def test_unknown_paper_size_is_refused(board_db):
    with pytest.raises(BoardError, match="纸张"):
        render_pdf_document(as_record(read_snapshot(board_db, "DEMO", DEMO_END)), size="B5")


def test_township_batch_zip_lists_villages_without_the_month(board_db, tmp_path):
    out = tmp_path / "township.zip"
    result = run_cli("export", "pdf", "--township", "DEMO-T", "--period", DEMO_END, "-o", str(out), db=board_db)
    assert result.returncode == 0, result.stderr
    assert "2/2" in result.stderr
    assert "未公开村" in result.stdout and EMPTY_CODE in result.stdout
    with zipfile.ZipFile(out) as archive:
        names = sorted(archive.namelist())
        assert names == [f"{BIG_CODE}_{DEMO_END}_A4.pdf", f"DEMO_{DEMO_END}_A4.pdf"]
        big = archive.read(names[0])
    assert "大账本村" in page_texts(big)[0]


def test_cli_refuses_an_unpublished_month(board_db, tmp_path):
    result = run_cli(
        "export", "pdf", "--village", EMPTY_CODE, "--period", DEMO_END, "-o", str(tmp_path / "x.pdf"), db=board_db
    )
    assert result.returncode == 2
    assert "还没有公开" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def compact(data: bytes) -> str:
    return re.sub(r"\s", "", "".join(page_texts(data)))


def test_transfers_are_marked_and_left_out_of_the_month_total(demo_pdf):
    data, _, snapshot = demo_pdf
    finance = snapshot["finance"]
    transfers = [x for x in finance["ledger"] if x["transfer"]]
    assert transfers and finance["transfers"]["count"] == len(transfers)
    text = compact(data)
    lines = "\n".join(page_texts(data)).splitlines()
    for x in transfers:
        # The row's line plus its wrapped continuation lines (other cells' text sits in between).
        start = next(i for i, line in enumerate(lines) if f" {x['voucher_no']} " in f" {line} ")
        end = next(i for i in range(start + 1, len(lines)) if re.match(r"\d+ \d{4}-\d\d-\d\d ", lines[i]))
        block = "".join(lines[start:end]).replace(" ", "")
        assert re.search(re.escape(x["summary"]) + "（内部转账，不计.*收支）", block), block
    assert f"内部转账（现金⇄银行存款，不计入收支）：{format_yuan(finance['transfers']['amount_fen'])}" in text
    month_total = next(line for line in lines if line.startswith("本月合计")).split()[1:]
    assert month_total == [yuan(finance["totals"]["income_fen"]), yuan(finance["totals"]["expense_fen"])]
    every_line_in = sum(x["amount_fen"] for x in finance["ledger"] if x["direction"] == "in")
    assert every_line_in == finance["totals"]["income_fen"] + sum(
        x["amount_fen"] for x in transfers if x["direction"] == "in"
    )
    assert "合计不计内部转账" in text


def test_every_chart_has_its_plain_chinese_caption(demo_pdf):
    data, _, snapshot = demo_pdf
    record = as_record(snapshot)
    history = record.history[-TREND_MONTHS:]
    captions = (income_expense_caption(record), expense_category_caption(record), balance_trend_caption(history))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        margin = 12 * mm
        third = (page.width - 2 * margin) / 3
        # Each caption sits under its own chart: read each third of the page on its own.
        for i, caption in enumerate(captions):
            column = page.crop((margin + i * third, 0, margin + (i + 1) * third, page.height)).extract_text()
            assert caption in re.sub(r"\s", "", column), caption


def test_short_columns_keep_their_header_on_one_line(demo_pdf):
    data, _, _ = demo_pdf
    lines = "\n".join(page_texts(data)).splitlines()
    assert "类型 对方 金额 到期日 说明" in lines
    assert "日期 类别 事项 内容 金额（元）" in lines


def _red(char) -> bool:
    colour = char.get("non_stroking_color") or ()
    return len(colour) == 3 and colour[0] > 0.6 and colour[1] < 0.2 and colour[2] < 0.2


def test_highlighted_rows_are_red_in_every_cell(board_db):
    """Expiring contracts and ≥5万元 payments: the wrapped text cells are red too, not just the numbers."""
    snapshot = read_snapshot(board_db, "DEMO", DEMO_END)
    expiring = [r for r in snapshot["finance"]["resources"] if r["expiring_soon"]]
    assert expiring
    payment = next(x for x in snapshot["finance"]["ledger"] if x["direction"] == "out" and not x["transfer"])
    payment.update(summary="排涝沟渠清淤工程款", counterparty="县水利工程公司", major=True)
    with pdfplumber.open(io.BytesIO(render_pdf_document(as_record(snapshot)).data)) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)
    resources = text.index("资源发包与合同")
    for red_text, after in [(r["holder"], resources) for r in expiring] + [
        (payment["summary"], 0),
        (payment["counterparty"], 0),
    ]:
        start = text.index(red_text, after)
        assert all(_red(c) for c in chars[start : start + len(red_text)]), red_text
    plain = text.index("序号")
    assert not _red(chars[plain])


LONG = "很长的描述内容。" * 600  # 4,800 characters: within the 5,000 allowed, taller than a page


def test_a_cell_taller_than_a_page_is_split_not_fatal(board_db):
    snapshot = read_snapshot(board_db, "DEMO", DEMO_END)
    normal = render_pdf_document(as_record(snapshot)).pages
    snapshot["affairs"][0]["description"] = LONG
    snapshot["services"][0]["materials"] = "身份证、户口本、" * 250
    for size in ("A4", "A3"):
        pdf = render_pdf_document(as_record(snapshot), size=size)
        assert pdf.pages > normal if size == "A4" else pdf.pages >= 2
        text = compact(pdf.data)
        assert text.count("很长的描述内容。") == 600
        assert text.count("身份证、户口本、") >= 250
        assert "审核签字" in text


def test_a_layout_that_cannot_fit_is_a_chinese_board_error(board_db):
    snapshot = read_snapshot(board_db, "DEMO", DEMO_END)
    snapshot["village"]["name"] = "村" * 6000  # the header block cannot be split across pages
    with pytest.raises(BoardError, match="一页纸放不下") as caught:
        render_pdf_document(as_record(snapshot))
    assert "LayoutError" not in str(caught.value) and "Flowable" not in str(caught.value)


def _blue_pixels(drawing, tmp_path) -> int:
    """Pixels of the balance-line colour when the drawing is rendered through a PDF."""
    path = tmp_path / "chart.pdf"
    path.write_bytes(renderPDF.drawToString(drawing))
    subprocess.run(
        [require_tool("pdftoppm"), "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "chart")], check=True
    )
    pixels = np.asarray(Image.open(tmp_path / "chart.png").convert("RGB"), dtype=int)
    return int((np.abs(pixels - [0x15, 0x65, 0xC0]).max(axis=2) < 40).sum())


def test_first_month_trend_shows_its_single_point(tmp_path):
    font = resolve_font().name
    history = (HistoryPoint(period="2026-10", opening_fen=0, income_fen=0, expense_fen=0, closing_fen=123_456_00),)
    drawing = balance_trend_chart(history, font=font, width=180, height=130)
    assert _blue_pixels(drawing, tmp_path) > 10


def test_long_category_names_are_cut_not_squeezing_the_bars():
    font = resolve_font().name
    long_name = "村集体经济组织专项经费及其他各类零星支出合并列报类别" * 2
    drawing = expense_category_chart(
        (
            CategorySum(category=long_name, amount_fen=5_000_000, count=1),
            CategorySum(category="公益支出", amount_fen=2_000_000, count=2),
        ),
        font=font,
        width=180,
        height=130,
    )
    chart = next(c for c in drawing.contents if isinstance(c, HorizontalBarChart))
    assert chart.x <= 180 * 0.4 and chart.width >= 180 * 0.3
    names = chart.categoryAxis.categoryNames
    assert names[1].endswith("…") and long_name.startswith(names[1][:-1])
    assert names[0] == "公益支出"
