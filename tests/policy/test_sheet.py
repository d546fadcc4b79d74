"""The large-type A4 sheet: a real PDF, every character at least 16 pt, the answers and the QR link in it."""

from __future__ import annotations

import io
from datetime import date

import pdfplumber
from reportlab.lib.pagesizes import A4

from board.policy import public_explainers
from board.villages import get_village
from exports.policy_pdf import MIN_PT, render_policy_sheet, sheet_file_name
from infra.db import unit_of_work
from tests.policy.conftest import approve, write


def test_sheet_is_a4_in_large_type_with_every_answer(engine, world):
    approve(engine, write(engine, world["worker"], villages=("C1",)), world["zhen"])
    with unit_of_work(engine) as session:
        content = public_explainers(session, get_village(session, "C1"))[0]
    data = render_policy_sheet(content, link="https://sanwu.example.cn/?village=C1&policy=1", today=date(2027, 1, 5))
    assert sheet_file_name(content) == "政策问答第1期_明年的居民医保，现在开始交钱了.pdf"
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        assert len(pages) == 1  # a short explainer fits one sheet for the noticeboard
        assert (round(pages[0].width), round(pages[0].height)) == (round(A4[0]), round(A4[1]))
        text = "".join(page.extract_text() for page in pages).replace("\n", "")
        sizes = {round(ch["size"], 1) for page in pages for ch in page.chars}
    assert min(sizes) >= MIN_PT
    assert "明年的居民医保" in text and "已截止" in text
    for needle in ("一句话说清楚", "谁能办、谁能领", "江苏医保云", "找谁问", "0523-8888 1234", content["short_hash"]):
        assert needle in text, needle


def test_a_one_sentence_longer_than_a_page_still_prints(engine, world):
    """Versions stored before the 80-character cap may hold a long one-sentence: it flows over pages."""
    approve(engine, write(engine, world["worker"], villages=("C1",)), world["zhen"])
    with unit_of_work(engine) as session:
        content = public_explainers(session, get_village(session, "C1"))[0]
    content = {**content, "one_sentence": "今年12月31日前到村里交钱，每人400元。" * 60}
    data = render_policy_sheet(content, link="https://sanwu.example.cn/?village=C1&policy=1", today=date(2026, 12, 1))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        assert min(round(ch["size"], 1) for page in pdf.pages for ch in page.chars) >= MIN_PT
