"""Personal data (身份证号、手机号、银行卡号) detection and masking.

Masked once, at publish time, here; every public output reads the masked snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Digit runs not glued to other digits; an ID may end in X.
_ID_RE = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_CARD_RE = re.compile(r"(?<![0-9])\d{16,19}(?![0-9])")


def id_check_digit(body: str) -> str:
    """GB 11643 check character for the first 17 digits of a 居民身份证号."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]


def id_checksum_ok(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id_check_digit(number[:17]) == number[17].upper()


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or len(number) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask_id_number(number: str) -> str:
    """3213**********123X: keep the first 4 and last 4, hide the middle digits."""
    number = (number or "").strip()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:].upper()


def mask_phone(number: str) -> str:
    """138****5678."""
    digits = (number or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_card(number: str) -> str:
    number = (number or "").strip()
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:]


@dataclass(frozen=True)
class PiiMatch:
    kind: str  # 身份证号 | 手机号 | 银行卡号
    start: int
    end: int


def find_pii(text: str) -> list[PiiMatch]:
    """Unmasked personal numbers in free text: checksummed IDs, mobiles, Luhn-valid cards."""
    if not text:
        return []
    found: list[PiiMatch] = []
    taken: set[int] = set()
    for m in _ID_RE.finditer(text):
        if id_checksum_ok(m.group()):
            found.append(PiiMatch("身份证号", m.start(), m.end()))
            taken.update(range(m.start(), m.end()))
    for m in _CARD_RE.finditer(text):
        if m.start() not in taken and luhn_ok(m.group()):
            found.append(PiiMatch("银行卡号", m.start(), m.end()))
            taken.update(range(m.start(), m.end()))
    for m in _MOBILE_RE.finditer(text):
        if m.start() not in taken:
            found.append(PiiMatch("手机号", m.start(), m.end()))
    return sorted(found, key=lambda p: p.start)


_MASKERS = {"身份证号": mask_id_number, "手机号": mask_phone, "银行卡号": mask_bank_card}


def mask_text(text: str) -> str:
    """Free text with every detected personal number masked in place."""
    out, last = [], 0
    for match in find_pii(text):
        out.append(text[last : match.start])
        out.append(_MASKERS[match.kind](text[match.start : match.end]))
        last = match.end
    out.append(text[last:])
    return "".join(out)
