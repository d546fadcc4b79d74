"""Text from real DOCX and PDF files, pre-filled answers, and the Markdown explainer format."""

from __future__ import annotations

import io
from datetime import date

import pytest
from reportlab.pdfgen.canvas import Canvas

from board.errors import BoardError
from board.policy_extract import draft_from_file, extract_text, parse_markdown
from tests.policy.documents import ELDERLY, FARMLAND, MEDICAL, MEDICAL_PLAIN, docx_bytes, pdf_bytes, rezip


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_real_notice_is_read_and_answers_are_prefilled(kind):
    data = docx_bytes(MEDICAL) if kind == "docx" else pdf_bytes(MEDICAL)
    draft = draft_from_file(f"通知.{kind}", data)
    assert not draft.from_markdown
    assert draft.title == "关于做好2027年度城乡居民基本医疗保险参保缴费工作的通知"
    assert draft.doc_number == "青政发〔2026〕12号"
    assert draft.issuer == "青禾镇人民政府"
    assert (draft.issued_on, draft.effective_on, draft.deadline_on) == (
        date(2026, 8, 20),
        date(2027, 1, 1),
        date(2026, 12, 31),
    )
    answers = draft.answers
    assert answers["q_who"].startswith("一、参保对象")
    assert "400元" in answers["q_get"] and "身份证" in answers["q_materials"]
    assert "便民服务中心" in answers["q_where"] and "2026年12月31日" in answers["q_deadline"]
    assert "0523-8888 1234" in answers["ask"]
    # A PDF's wrapped lines are joined again: the sentence is whole.
    assert "现将有关事项通知如下" not in " ".join(answers.values())
    assert "为深入贯彻落实上级文件精神，进一步做好我镇城乡居民基本医疗保险参保缴费工作" in draft.source_text.replace(
        "\n", ""
    )


def test_docx_tables_are_read():
    data = docx_bytes(ELDERLY[:3], table=[["年龄", "每月"], ["80至89周岁", "50元"]])
    text = extract_text("标准.docx", data)
    assert "80至89周岁  50元" in text


def test_markdown_with_the_six_headings_is_read_as_answers():
    draft = draft_from_file("医保.md", MEDICAL_PLAIN.encode("utf-8"))
    assert draft.from_markdown and draft.title == "明年的居民医保，现在开始交钱了"
    assert draft.deadline_on == date(2026, 12, 31) and draft.doc_number == "青政发〔2026〕12号"
    assert set(draft.answers) == {
        "one_sentence",
        "q_what",
        "q_who",
        "q_get",
        "q_materials",
        "q_where",
        "q_deadline",
        "ask",
    }
    assert draft.answers["q_materials"] == "在手机上交，什么都不用带。\n去窗口交，带身份证和户口本。"


def test_gbk_text_is_read():
    assert extract_text("通知.txt", "每人交400元。".encode("gb18030")) == "每人交400元。"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("通知.doc", b"whatever", "只能上传"),
        ("通知.docx", b"not a zip", "不是有效的 Word"),
        ("通知.pdf", b"%PDF-broken", "不是有效的 PDF"),
    ],
)
def test_bad_files_get_a_clear_chinese_message(name, data, message):
    with pytest.raises(BoardError, match=message):
        extract_text(name, data)


def test_a_scanned_pdf_without_text_is_explained():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.rect(100, 100, 200, 200, fill=1)
    canvas.save()
    with pytest.raises(BoardError, match="扫描件"):
        extract_text("扫描.pdf", buffer.getvalue())


def test_markdown_refuses_unknown_headings_and_bad_dates():
    with pytest.raises(BoardError, match="不是六个问题之一"):
        parse_markdown("# 标题\n## 其他\n内容")
    with pytest.raises(BoardError, match="不是有效日期"):
        parse_markdown("# 标题\n截止日期：2026-13-01\n## 这是什么\n内容")


@pytest.mark.parametrize("notice", [MEDICAL, ELDERLY, FARMLAND], ids=["medical", "elderly", "farmland"])
def test_pdf_lines_wrapped_at_the_margin_are_joined_back_into_paragraphs(notice):
    assert extract_text("通知.pdf", pdf_bytes(notice)) == "\n".join(notice)
    assert extract_text("通知.docx", docx_bytes(notice)) == "\n".join(notice)


def test_a_docx_with_broken_xml_gets_the_chinese_message():
    broken = rezip(docx_bytes(["一、参保对象"]), {"word/document.xml": b"<w:document><w:body><w:p>"})
    with pytest.raises(BoardError, match="打不开，不是有效的 Word"):
        extract_text("通知.docx", broken)


def test_a_docx_that_unpacks_to_far_more_than_it_weighs_is_refused_before_parsing():
    bomb = rezip(docx_bytes(["一、参保对象"]), {"word/document.xml": b"<!--" + b" " * (8 * 2**20) + b"-->"})
    assert len(bomb) < 100_000
    with pytest.raises(BoardError, match="疑似“压缩炸弹”"):
        extract_text("通知.docx", bomb)


def test_too_much_text_and_too_many_pdf_pages_are_refused():
    with pytest.raises(BoardError, match="最多 200000 个字"):
        extract_text("通知.txt", ("交钱。" * 70_000).encode("utf-8"))
    buffer = io.BytesIO()
    sheet = Canvas(buffer)
    for _ in range(201):
        sheet.drawString(72, 720, "page")
        sheet.showPage()
    sheet.save()
    with pytest.raises(BoardError, match="201 页，最多 200 页"):
        extract_text("通知.pdf", buffer.getvalue())
