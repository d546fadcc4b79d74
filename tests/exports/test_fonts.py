"""Font resolution: TrueType CJK embedded, CFF refused with a Chinese reason, fallback flagged."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pdfplumber
import pytest
import reportlab

from board.errors import BoardError
from exports.fonts import FALLBACK_FONT, SYSTEM_FONT_PATHS, outline_format, resolve_font
from exports.pdf import render_pdf_document
from tests.exports.conftest import read_snapshot
from tests.helpers import DEMO_END, as_record, run_cli

# A TrueType font without Chinese glyphs that ships with reportlab itself.
LATIN_TTF = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")


def sfnt(magic: bytes, tags: list[bytes]) -> bytes:
    """A minimal sfnt header with the given table directory (enough for the outline check)."""
    head = magic + struct.pack(">HHHH", len(tags), 16, 0, 0)
    return head + b"".join(tag + struct.pack(">III", 0, 0, 0) for tag in tags)


def ttc(face: bytes) -> bytes:
    return b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + face


@pytest.mark.parametrize(
    "content, expected",
    [
        (sfnt(b"OTTO", [b"CFF ", b"cmap"]), "cff"),
        (sfnt(b"\x00\x01\x00\x00", [b"CFF2", b"cmap"]), "cff"),
        (ttc(sfnt(b"OTTO", [b"CFF "])), "cff"),
        (sfnt(b"\x00\x01\x00\x00", [b"cmap", b"glyf", b"loca"]), "truetype"),
        (ttc(sfnt(b"\x00\x01\x00\x00", [b"glyf"])), "truetype"),
        (b"%PDF-1.4 not a font", "unknown"),
    ],
)
def test_outline_format(tmp_path, content, expected):
    path = tmp_path / "font.bin"
    path.write_bytes(content)
    assert outline_format(path) == expected


def test_installed_system_font_is_truetype_and_chosen():
    choice = resolve_font("")
    assert choice.embedded and choice.warning is None
    assert choice.path in SYSTEM_FONT_PATHS
    assert outline_format(choice.path) == "truetype"


def test_configured_cff_font_is_refused_in_chinese(tmp_path):
    path = tmp_path / "NotoSansCJK.otf"
    path.write_bytes(sfnt(b"OTTO", [b"CFF ", b"cmap"]))
    with pytest.raises(BoardError, match="CFF.*无法嵌入"):
        resolve_font(str(path))


@pytest.mark.parametrize("path, message", [("/nonexistent/font.ttf", "不存在"), (LATIN_TTF, "不含中文字形")])
def test_configured_font_problems(path, message):
    with pytest.raises(BoardError, match=message):
        resolve_font(path)


def test_fallback_font_carries_a_visible_warning(board_db):
    choice = resolve_font("", system_paths=())
    assert choice.name == FALLBACK_FONT and not choice.embedded
    assert "STSong-Light" in choice.warning and "SANWU_FONT_PATH" in choice.warning
    pdf = render_pdf_document(as_record(read_snapshot(board_db, "DEMO", DEMO_END)), font=choice)
    assert pdf.font.warning == choice.warning
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        assert doc.pages[0].extract_text().strip()


def test_cli_reports_a_cff_font_setting(board_db, tmp_path):
    font = tmp_path / "SourceHanSans.otf"
    font.write_bytes(sfnt(b"OTTO", [b"CFF "]))
    result = run_cli(
        "export",
        "pdf",
        "--village",
        "DEMO",
        "--period",
        DEMO_END,
        "-o",
        str(tmp_path / "x.pdf"),
        db=board_db,
        env={"SANWU_FONT_PATH": str(font)},
    )
    assert result.returncode == 2
    assert "SourceHanSans.otf" in result.stderr and "CFF" in result.stderr and "SANWU_FONT_PATH" in result.stderr
