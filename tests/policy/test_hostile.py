"""Policy documents made to bring the server down: each ends in a Chinese refusal, and this process stays small."""

from __future__ import annotations

import io
import os
import resource
import zipfile
import zlib

import pytest

from board.errors import BoardError
from board.policy_extract import extract_text
from tests.importers.hostile import blank_deflate, zip_with
from tests.policy.documents import MEDICAL, docx_bytes, rezip

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document(body: str) -> bytes:
    return f"<w:document {_W}><w:body>{body}</w:body></w:document>".encode()


def grid_span_bomb() -> bytes:
    """One table cell spanning two billion grid columns: python-docx lists a row's cell once per column."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p/></w:tc>'
    table = f'<w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr>{cell}</w:tr></w:tbl>'
    return rezip(docx_bytes(["通知"]), {"word/document.xml": _document(f"<w:p/>{table}")})


def deep_nesting() -> bytes:
    """Tables nested 20,000 deep (a few KB zipped, under the bomb ratio's 1 MB floor)."""
    depth = 20_000
    body = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    return rezip(docx_bytes(["通知"]), {"word/document.xml": _document(body)})


def document_bomb(*, honest: bool) -> bytes:
    """word/document.xml inflating to 2 GB; ``honest=False`` declares 4 KB in the zip's directory."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["通知"]))) as source:
        parts = [(i.filename, source.read(i)) for i in source.infolist() if i.filename != "word/document.xml"]
    size = 2_000 * 2**20 if honest else 4096
    return zip_with(parts, ("word/document.xml", blank_deflate(2_000), size))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            grid_span_bomb,
            "通知.docx 的表格里有一格横跨 2000000000 列（Word 最多 63 列），结构异常，已拒绝。请另存为普通 Word 文件或直接粘贴文字",
        ),
        (deep_nesting, "通知.docx 打不开，不是有效的 Word（.docx）文件"),
        (lambda: document_bomb(honest=True), "通知.docx 解压后有 2000 MB，压缩比异常（疑似“压缩炸弹”），已拒绝"),
        (lambda: document_bomb(honest=False), "文件已损坏（压缩数据与目录不符），已拒绝"),
    ],
    ids=["gridspan", "deep-nesting", "bomb", "bomb-lying-sizes"],
)
def test_hostile_documents_are_refused_and_this_process_stays_small(build, expected):
    data = build()
    assert len(data) < 3 * 2**20
    pid, before = os.getpid(), _peak_mb()
    with pytest.raises(BoardError) as caught:
        extract_text("通知.docx", data)
    [problem] = caught.value.problems
    assert expected in problem.message
    assert problem.field == "原文"
    assert os.getpid() == pid
    assert _peak_mb() - before < 100  # the child took the blow
    # The same process still reads a normal notice.
    assert extract_text("通知.docx", docx_bytes(MEDICAL)).startswith("青禾镇人民政府")


def pdf_stream_bomb(megabytes: int = 1_500) -> bytes:
    """A one-page PDF whose content stream (1.5 MB deflated) inflates to ``megabytes`` of spaces."""
    deflate, megabyte = zlib.compressobj(9), b" " * 2**20  # built a megabyte at a time, never whole
    stream = b"".join(deflate.compress(megabyte) for _ in range(megabytes)) + deflate.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_pdf_whose_stream_inflates_past_the_limit_is_refused_in_the_child():
    data = pdf_stream_bomb()
    assert len(data) < 2 * 2**20
    pid, before = os.getpid(), _peak_mb()
    with pytest.raises(BoardError) as caught:
        extract_text("通知.pdf", data)
    [problem] = caught.value.problems
    assert "压缩内容解开后超过内存上限" in problem.message and problem.field == "原文"
    assert os.getpid() == pid and _peak_mb() - before < 100
