"""The CJK font for PDFs: an embeddable TrueType font, or a loudly-flagged fallback.

reportlab embeds only fonts with TrueType (``glyf``) outlines; fonts with CFF outlines
(most ``.otf`` files, Noto/Source Han CJK) cannot be embedded.  The built-in
``STSong-Light`` CID font is never embedded, so a phone or PC without Chinese fonts shows
boxes: it is used only as a last resort, with a warning the CLI and the pages display.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from board.errors import BoardError
from infra.settings import get_settings

FONT_NAME = "SanwuCJK"
FALLBACK_FONT = "STSong-Light"
PROBE_TEXT = "三务公开栏财村党"

# Checked in order after the configured path.  Only files with TrueType outlines qualify;
# macOS ships several CFF-outline CJK fonts (PingFang, Hiragino), which the check skips.
SYSTEM_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Songti.ttc",
)

FALLBACK_WARNING = (
    "未找到可嵌入的中文 TrueType 字体，PDF 暂用内置的 STSong-Light 字体：该字体不嵌入文件，"
    "在没有中文字体的手机或电脑上可能显示为方框。请安装 fonts-wqy-microhei（Debian/Ubuntu），"
    "或用 SANWU_FONT_PATH 指定一个 .ttf/.ttc 中文字体。"
)


@dataclass(frozen=True)
class FontChoice:
    """The font a PDF is set in; ``warning`` is shown to the user when it is not embedded."""

    name: str
    path: str | None
    embedded: bool
    warning: str | None = None


def outline_format(path: str | Path) -> str:
    """ "truetype", "cff" or "unknown", read from the sfnt header (first face of a .ttc)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12:
            return "unknown"
        offset = 0
        if head[:4] == b"ttcf":
            # ttcf header: tag, version, numFonts, then one offset per face.
            fh.seek(12)
            offset = struct.unpack(">I", fh.read(4))[0]
            fh.seek(offset)
            head = fh.read(12)
        magic = head[:4]
        if magic == b"OTTO":
            return "cff"
        if magic not in (b"\x00\x01\x00\x00", b"true"):
            return "unknown"
        num_tables = struct.unpack(">H", head[4:6])[0]
        fh.seek(offset + 12)
        tags = {fh.read(16)[:4] for _ in range(num_tables)}
    if b"CFF " in tags or b"CFF2" in tags:
        return "cff"
    return "truetype" if b"glyf" in tags else "unknown"


def _font_problem(path: str) -> str | None:
    """Why ``path`` cannot be embedded, in Chinese; None when it can."""
    file = Path(path)
    if not file.is_file():
        return f"字体文件不存在：{path}"
    try:
        kind = outline_format(file)
    except OSError as exc:
        return f"无法读取字体文件 {path}（{type(exc).__name__}）"
    if kind == "cff":
        return (
            f"字体 {file.name} 是 CFF/OpenType（PostScript 轮廓）字体，reportlab 无法嵌入。"
            "请改用 TrueType 轮廓的中文字体（.ttf/.ttc），例如文泉驿微米黑 wqy-microhei.ttc。"
        )
    if kind != "truetype":
        return f"{file.name} 不是 TrueType 字体文件，请改用 .ttf/.ttc 中文字体"
    return None


@cache
def _register(path: str) -> str:
    """Register the TrueType font once per process; returns its reportlab name."""
    name = f"{FONT_NAME}-" + re.sub(r"[^A-Za-z0-9]+", "", Path(path).stem)
    kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    try:
        font = TTFont(name, path, **kwargs)
    except TTFError as exc:
        raise BoardError(f"字体 {Path(path).name} 无法使用：{exc}", field="字体") from exc
    missing = [ch for ch in PROBE_TEXT if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise BoardError(f"字体 {Path(path).name} 不含中文字形（缺少“{''.join(missing)}”）", field="字体")
    pdfmetrics.registerFont(font)
    return name


@lru_cache(maxsize=1)
def _register_fallback() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def resolve_font(configured: str | None = None, *, system_paths: tuple[str, ...] = SYSTEM_FONT_PATHS) -> FontChoice:
    """The configured font (SANWU_FONT_PATH), else the first usable system font, else STSong-Light.

    A configured font that cannot be embedded is an error, not a silent fallback: the
    administrator asked for it and must learn why it does not work.
    """
    configured = get_settings().font_path if configured is None else configured
    if configured:
        problem = _font_problem(configured)
        if problem:
            raise BoardError(problem + "（设置项 SANWU_FONT_PATH）", field="字体")
        return FontChoice(_register(configured), configured, True)
    for path in system_paths:
        if _font_problem(path) is None:
            try:
                return FontChoice(_register(path), path, True)
            except BoardError:
                continue
    return FontChoice(_register_fallback(), None, False, FALLBACK_WARNING)
