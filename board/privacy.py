"""Personal data (身份证号、手机号、银行卡号) detection and masking.

Masked once, at publish time, here; every public output reads the masked snapshot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Full-width digits typed with a Chinese input method, mapped one-to-one so positions stay put.
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－Ｘｘ　", "0123456789+-Xx ")
# Numbers as people write them: runs of ASCII digits, optionally grouped by one space or dash
# (138-1234-5678, 110101 19900307 7233, 6222 0212 3456 7890 128), a mobile maybe with +86.
_ID_RE = re.compile(r"(?<![0-9])[1-9][0-9]{5}[ -]?[0-9]{8}[ -]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])", re.ASCII)
_MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])", re.ASCII)
_CARD_RE = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])", re.ASCII)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text.translate(_FULLWIDTH))


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
    """Unmasked personal numbers in free text: checksummed IDs, mobiles, Luhn-valid cards.

    Full-width digits and numbers grouped by spaces or dashes count too.
    """
    if not text:
        return []
    plain = text.translate(_FULLWIDTH)
    found: list[PiiMatch] = []
    taken: set[int] = set()

    def free(m) -> bool:
        return not taken.intersection(range(m.start(), m.end()))

    for m in _ID_RE.finditer(plain):
        if id_checksum_ok(_digits(m.group()).upper()):
            found.append(PiiMatch("身份证号", m.start(), m.end()))
            taken.update(range(m.start(), m.end()))
    for m in _CARD_RE.finditer(plain):
        if free(m) and luhn_ok(_digits(m.group())):
            found.append(PiiMatch("银行卡号", m.start(), m.end()))
            taken.update(range(m.start(), m.end()))
    for m in _MOBILE_RE.finditer(plain):
        if free(m):
            found.append(PiiMatch("手机号", m.start(), m.end()))
    return sorted(found, key=lambda p: p.start)


_MASKERS = {
    "身份证号": mask_id_number,
    "手机号": lambda digits: mask_phone(digits[-11:]),  # without a +86 prefix
    "银行卡号": mask_bank_card,
}


def mask_text(text: str) -> str:
    """Free text with every detected personal number masked in place (separators dropped)."""
    out, last = [], 0
    for match in find_pii(text):
        out.append(text[last : match.start])
        out.append(_MASKERS[match.kind](_digits(text[match.start : match.end]).upper()))
        last = match.end
    out.append(text[last:])
    return "".join(out)
