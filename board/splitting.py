"""Split a message into chat-sized parts by UTF-8 bytes (WeCom counts bytes, not characters).

Cuts at a paragraph if it can, else at a line, else after 。！？；，, else between two
user-perceived characters (an emoji family, a flag, a letter with its accent stay whole;
only a single such cluster longer than a part is cut, between code points).  Working on
``str`` never cuts a code point in half.  Parts after splitting
start with a ``(i/n)`` header line so readers see the order.
"""

from __future__ import annotations

import re
import unicodedata

TEXT_LIMIT_BYTES = 2048  # WeCom text messages (robot, appchat)
MARKDOWN_LIMIT_BYTES = 4096  # WeCom robot markdown
MIN_LIMIT_BYTES = 16  # room for the longest header "(99/99)\n" and a few characters

# Each level keeps its separator on the left piece, so joining the pieces restores the text.
_LEVELS = (
    re.compile(r"(?<=\n\n)"),
    re.compile(r"(?<=\n)"),
    re.compile(r"(?<=[。！？；，])"),
)


_ZWJ = "\u200d"
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, text/emoji variation selectors


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _extends(ch: str) -> bool:
    """Code points that belong to the character before them (no new dependency for full UAX #29)."""
    return (
        ch in _JOINERS
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin-tone modifiers
        or "\U000e0020" <= ch <= "\U000e007f"  # tag characters of subdivision flags
        or unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")  # also keycap U+20E3 and spacing marks
    )


def graphemes(text: str) -> list[str]:
    """``text`` as user-perceived characters: ZWJ sequences, modifiers, marks and flag pairs joined."""
    clusters: list[str] = []
    for ch in text:
        if clusters and (
            _extends(ch)
            or clusters[-1].endswith(_ZWJ)
            or (_regional(ch) and len(clusters[-1]) == 1 and _regional(clusters[-1]))
        ):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _pieces(text: str, limit: int, level: int = 0) -> list[str]:
    """Pieces of ``text`` of at most ``limit`` bytes, cut at the coarsest boundary that works."""
    if byte_len(text) <= limit:
        return [text]
    if level == len(_LEVELS):
        return [piece for g in graphemes(text) for piece in ([g] if byte_len(g) <= limit else list(g))]
    out: list[str] = []
    for piece in _LEVELS[level].split(text):
        if piece:
            out.extend(_pieces(piece, limit, level + 1))
    return out


def _pack(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current, current_bytes = "", 0
    for piece in _pieces(text, limit):
        size = byte_len(piece)
        if current and current_bytes + size > limit:
            chunks.append(current)
            current, current_bytes = "", 0
        current += piece
        current_bytes += size
    if current:
        chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip("\n")]


def _header(i: int, n: int) -> str:
    return f"({i}/{n})\n"


def split_message(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Parts of ``text``, each at most ``limit`` UTF-8 bytes including its ``(i/n)`` header."""
    if limit < MIN_LIMIT_BYTES:
        raise ValueError(f"limit must be at least {MIN_LIMIT_BYTES} bytes")
    text = text.strip("\n")
    if not text:
        return []
    if byte_len(text) <= limit:
        return [text]
    # The header's width depends on the number of parts; grow it until the count fits.
    digits = 1
    while True:
        bodies = _pack(text, limit - byte_len(_header(10**digits - 1, 10**digits - 1)))
        if len(bodies) < 10**digits:
            break
        digits += 1
    n = len(bodies)
    return [_header(i, n) + body for i, body in enumerate(bodies, start=1)]
