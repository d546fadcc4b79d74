"""Personal data (身份证号、手机号、银行卡号) detection and masking: one detector, normalisation first.

A number is found however it was typed: the text is normalised character by character (NFKC,
Chinese and other Unicode digits to ASCII, zero-width and bidi controls stripped), every normalised
character remembering its position in the original, so masking replaces exactly the original span
and leaves the surrounding text as it was.  Digit groups joined by short runs of separators
(spaces, NBSP, hyphens and dashes, dots, slashes, brackets, a leading +) form chains; every run of
whole groups of a chain is a candidate, judged by check digits and plausibility.

What is deliberately not personal: 统一社会信用代码 (GB 32100 check character and structure), landlines
(an area code starts with 0, and no ID, mobile or card does), dates, amounts, voucher numbers that
start with a year and month, and numbers the caller declares public (the village's own account).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 first two digits; county codes are not checked: old IDs keep abolished ones.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Zero-width and bidirectional control characters: they make stored text differ from what is shown.
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
)
_CHINESE_DIGITS = {
    **dict(zip("〇一二三四五六七八九", "0123456789")),
    **dict(zip("零壹贰叁肆伍陆柒捌玖", "0123456789")),
}
_YAO = "幺"  # "one" when reading out phone numbers
_DASHES = "-‐‑‒–—―−－﹣﹘⁃"
_SEPARATORS = frozenset(" " + _DASHES + ".·•・‧/\\()[]{}【】〔〕〖〗<>+")
_MAX_GAP = 3  # separator characters allowed between two groups of one number
_MIN_DIGITS = 11
# Cheap pre-check: anything that may normalise to a digit.
_DIGITISH = re.compile(
    r"[\d\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
    + "".join(_CHINESE_DIGITS)
    + _YAO
    + "]"
)
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![0-9A-Za-z]))?")

ID_SUSPECT_MESSAGE = "像是身份证号，请核对"


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


def uscc_check_char(body: str) -> str | None:
    """GB 32100 check character for the first 17 characters of a 统一社会信用代码 (None if not one)."""
    try:
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body.upper(), _USCC_WEIGHTS))
    except ValueError:
        return None
    return _USCC_CHARS[(31 - total % 31) % 31]


def uscc_ok(code: str) -> bool:
    return len(code) == 18 and uscc_check_char(code[:17]) == code[17].upper()


def uscc_like(code: str) -> bool:
    """A valid check character and the code's structure: category 1/2/3/9 and a known province."""
    return uscc_ok(code) and code[1] in "1239" and code[2:4] in PROVINCES


def birth_date(number: str, *, today: date | None = None) -> date | None:
    """The birth date an 18- or 15-digit ID carries, if it is a real day from 1900 to today."""
    text = number[6:14] if len(number) == 18 else "19" + number[6:12] if len(number) == 15 else ""
    if not text.isdigit():
        return None
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return day if date(1900, 1, 1) <= day <= (today or date.today()) else None


def id_plausible(number: str) -> bool:
    """A known province and a real birth date: what an ID looks like apart from its check digit."""
    return number[:2] in PROVINCES and birth_date(number) is not None


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
    start: int  # span in the original text
    end: int
    digits: str = ""  # the number as found, normalised
    suspect: bool = False  # an ID whose check digit is wrong but which looks real otherwise

    @property
    def message(self) -> str:
        if self.suspect:
            return ID_SUSPECT_MESSAGE
        return f"含有未遮挡的{self.kind}，请删除或改为遮挡形式后再公开"


@lru_cache(maxsize=4096)
def _normalise_char(ch: str) -> str:
    """What one character stands for when reading numbers: digits, a separator or itself."""
    if ch in _CHINESE_DIGITS:
        return ch  # decided by its neighbours in ``normalise``
    value = unicodedata.decimal(ch, None)
    if value is not None:
        return str(value)
    if ch in _DASHES:
        return "-"
    if unicodedata.category(ch) == "Zs":
        return " "
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        value = unicodedata.decimal(c, None)
        out.append(
            str(value)
            if value is not None
            else "-"
            if c in _DASHES
            else " "
            if c.isspace() and c not in "\n\r\t"
            else c
        )
    return "".join(out)


def normalise(text: str, *, lone_chinese_digits: bool = True) -> tuple[str, list[int]]:
    """The text as numbers are read, and for each of its characters the original position.

    With ``lone_chinese_digits`` false, a Chinese digit counts only next to another Chinese
    digit: 张三13812345678 then reads as 张三 and a mobile, not as a 12-digit run.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            chars.append(ch)
            origin.append(i)
            continue
        if ch in INVISIBLE:
            # Stripped, but it still parts two digit groups: a code with hidden characters
            # inside is no unbroken 统一社会信用代码.
            chars.append(" ")
            origin.append(i)
            continue
        for c in _normalise_char(ch):
            chars.append(c)
            origin.append(i)
    # A Chinese digit is a digit only next to another digit: 王五 and 一事一议 are words,
    # 一三八 and 幺三八 are numbers.
    chinese = [c in _CHINESE_DIGITS or c == _YAO for c in chars]
    digit_neighbour = "0123456789" if lone_chinese_digits else ""
    for k, c in enumerate(chars):
        if chinese[k] and (
            (k > 0 and (chinese[k - 1] or chars[k - 1] in digit_neighbour and digit_neighbour))
            or (k + 1 < len(chars) and (chinese[k + 1] or chars[k + 1] in digit_neighbour and digit_neighbour))
        ):
            chars[k] = _CHINESE_DIGITS.get(c, "1")
    return "".join(chars), origin


_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
_ATTENTION = re.compile(_DIGITISH.pattern[:-1] + "".join(sorted(INVISIBLE)) + "]")


def invisible_characters(text: str) -> list[str]:
    """Zero-width and direction control characters in ``text`` (as U+XXXX), which input must not carry."""
    return sorted({f"U+{ord(c):04X}" for c in _INVISIBLE_RE.findall(text or "")})


def strip_invisible(text: str) -> str:
    return _INVISIBLE_RE.sub("", text or "")


def _is_date_run(groups: list[str]) -> bool:
    """Year-month-day triples only (2026-10-01 or a range 2026.10.01-2026.10.31)."""
    if not groups or len(groups) % 3:
        return False
    for k in range(0, len(groups), 3):
        y, m, d = groups[k : k + 3]
        if not (len(y) == 4 and len(m) <= 2 and len(d) <= 2 and 1900 <= int(y) <= 2100):
            return False
        try:
            date(int(y), int(m), int(d))
        except ValueError:
            return False
    return True


def _contains_date(groups: list[str]) -> bool:
    return any(_is_date_run(groups[k : k + 3]) for k in range(len(groups) - 2))


def _starts_with_year_month(digits: str) -> bool:
    return digits[:2] in ("19", "20") and "01" <= digits[4:6] <= "12"


def _classify(
    digits: str, groups: list[str], gaps: list[str], public: frozenset[str], *, part_of_card_length: bool = False
) -> tuple[str, bool] | None:
    """(kind, suspect) for one candidate run of whole groups, or None if it is not personal.

    ``part_of_card_length``: the run is only part of a chain that is itself 16-19 digits long, which
    is one number and judged as a card as a whole.
    """
    if digits in public or (len(digits) < _MIN_DIGITS):
        return None
    n = len(digits)
    plausible = n == 18 and digits[:17].isdigit() and id_plausible(digits)
    if n == 18 and digits[:17].isdigit():
        checksum = id_checksum_ok(digits)
        if checksum and plausible:
            return "身份证号", False
        # A 统一社会信用代码 is one unbroken run; an ID's birth date outweighs its check character.
        if not plausible and len(groups) == 1 and uscc_like(digits):
            return None
        if checksum:
            return "身份证号", False
    if not digits.isdigit():
        return ("身份证号", True) if n == 18 and plausible else None
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return "手机号", False
    if (
        (n == 13 and digits.startswith("86") or n == 15 and digits.startswith("0086"))
        and digits[-11] == "1"
        and digits[-10] in "3456789"
    ):
        return "手机号", False
    if n == 15 and id_plausible(digits) and not _is_date_run(groups):
        return "身份证号", False
    if len(groups) == 2 and gaps[0] == ".":
        return None  # a decimal number such as 4.186533033033034
    if 16 <= n <= 19 and digits[0] != "0" and not part_of_card_length and luhn_ok(digits):
        # 1234567890123456.78 is an amount; only its last gap may hold a decimal point.
        amount = bool(gaps) and gaps[-1] == "." and len(groups[-1]) <= 2 and not any("." in g for g in gaps[:-1])
        if not (amount or _contains_date(groups) or _starts_with_year_month(digits)):
            return "银行卡号", False
    if n == 18 and plausible:
        return "身份证号", True
    return None


# Of two overlapping candidates the longer wins (it hides more); then a certain ID, a card, a
# mobile, a suspected ID.
_RANK = {("身份证号", False): 0, ("银行卡号", False): 1, ("手机号", False): 2, ("身份证号", True): 3}


def _chains(norm: str) -> Iterator[list[tuple[int, int]]]:
    """Lists of (start, end) group spans in ``norm`` joined by short separator runs."""
    chain: list[tuple[int, int]] = []
    for m in _GROUP.finditer(norm):
        if chain:
            gap = norm[chain[-1][1] : m.start()]
            ends_x = norm[chain[-1][1] - 1] in "Xx"
            if ends_x or len(gap) > _MAX_GAP or not all(c in _SEPARATORS for c in gap):
                yield chain
                chain = []
        chain.append((m.start(), m.end()))
    if chain:
        yield chain


_USCC_TOKEN = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Z])")


def find_pii(text: str, *, public_numbers: frozenset[str] | set[str] = frozenset()) -> list[PiiMatch]:
    """Unmasked personal numbers in free text, with their spans in the original ``text``.

    ``public_numbers`` are digit strings that are public on purpose (the village's own account).
    """
    if not text or len(_DIGITISH.findall(text)) < _MIN_DIGITS:
        return []
    public = frozenset(public_numbers)
    # Read twice: a Chinese digit touching a number may belong to it (一38…) or to a name
    # (张三138…); whatever either reading finds is personal.
    candidates = []
    for lone in (True, False):
        norm, origin = normalise(text, lone_chinese_digits=lone)
        candidates += _candidates(norm, origin, public)
    # A 统一社会信用代码 ending in a letter (…341L) leaves 17 digits that may pass Luhn by chance;
    # one that also reads as an ID with an X (a real birth date inside) stays a possible ID.
    codes = [
        (origin[m.start()], origin[m.end() - 1] + 1)
        for m in _USCC_TOKEN.finditer(norm.upper())
        if uscc_like(m.group()) and not m.group()[-1].isdigit() and birth_date(m.group()) is None
    ]
    found: list[PiiMatch] = []
    taken: list[tuple[int, int]] = list(codes)
    for _, _, start, end, (kind, suspect), digits in sorted(candidates):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        found.append(PiiMatch(kind, start, end, digits, suspect))
    return sorted(found, key=lambda p: p.start)


def _candidates(
    norm: str, origin: list[int], public: frozenset[str]
) -> list[tuple[int, int, int, int, tuple[str, bool], str]]:
    """Every run of whole digit groups that classifies as personal, with its span in the original text."""
    candidates: list[tuple[int, int, int, int, tuple[str, bool], str]] = []
    for chain in _chains(norm):
        total = sum(e - s for s, e in chain)
        if total < _MIN_DIGITS:
            continue
        for i in range(len(chain)):
            groups: list[str] = []
            gaps: list[str] = []
            for j in range(i, len(chain)):
                if j > i:
                    gaps.append(norm[chain[j - 1][1] : chain[j][0]])
                groups.append(norm[chain[j][0] : chain[j][1]])
                digits = "".join(groups)
                if len(digits) > 19:
                    break
                whole = i == 0 and j == len(chain) - 1
                found = _classify(
                    digits.upper(), groups, gaps, public, part_of_card_length=16 <= total <= 19 and not whole
                )
                if found:
                    start = chain[i][0]
                    if found[0] == "手机号" and start > 0 and norm[start - 1] == "+":
                        start -= 1  # +86: the plus goes with the number
                    candidates.append(
                        (-len(digits), _RANK[found], origin[start], origin[chain[j][1] - 1] + 1, found, digits.upper())
                    )
    return candidates


def _mask(match: PiiMatch) -> str:
    if match.kind == "身份证号":
        return mask_id_number(match.digits)
    if match.kind == "手机号":
        return mask_phone(match.digits[-11:])  # without a +86 prefix
    return mask_bank_card(match.digits)


def mask_text(text: str, *, public_numbers: frozenset[str] | set[str] = frozenset()) -> str:
    """Free text with every detected personal number masked in place and invisible controls dropped.

    Only the number's own span is replaced (its separators go with it); the text around it is kept.
    """
    if not text:
        return text
    out, last = [], 0
    for match in find_pii(text, public_numbers=public_numbers):
        out.append(strip_invisible(text[last : match.start]))
        out.append(_mask(match))
        last = match.end
    out.append(strip_invisible(text[last:]))
    return "".join(out)


def _only_number(value: str) -> str | None:
    """The digits of ``value`` if it is one number with separators only, else None."""
    norm, _ = normalise((value or "").strip())
    if not norm or any(not (c.isdigit() or c in "Xx" or c in _SEPARATORS) for c in norm):
        return None
    return "".join(c for c in norm if c.isdigit() or c in "Xx").upper()


def normalise_id_number(value: str, *, today: date | None = None) -> str:
    """A 身份证号 column value as 18 characters, or ValueError with the reason in Chinese."""
    number = _only_number(value)
    if number is None or len(number) != 18 or not number[:17].isdigit():
        raise ValueError("身份证号应为 18 位（最后一位可以是 X）")
    if number[:2] not in PROVINCES:
        raise ValueError(f"身份证号前两位“{number[:2]}”不是省级行政区代码，请核对")
    if birth_date(number, today=today) is None:
        raise ValueError(f"身份证号中的出生日期“{number[6:14]}”不存在、早于 1900 年或在今天之后，请核对")
    if not id_checksum_ok(number):
        raise ValueError("身份证号校验位不对，请核对")
    return number


def normalise_mobile(value: str) -> str:
    """A 手机号 column value as 11 digits (accepts 138 1234 5678, 138-1234-5678, +8613812345678)."""
    number = _only_number(value)
    if number is not None:
        for prefix in ("0086", "86"):
            if len(number) == 11 + len(prefix) and number.startswith(prefix):
                number = number[len(prefix) :]
    if number is None or len(number) != 11 or not number.isdigit() or number[0] != "1" or number[1] not in "3456789":
        raise ValueError("手机号应为 1 开头的 11 位数字（第二位 3–9），如 138 1234 5678")
    return number


def public_phone_problem(value: str) -> str | None:
    """Why ``value`` cannot be a public contact number (监督电话, 便民服务联系电话), or None.

    A landline with area code and extension or a service number (12345, 96xxx) is fine.  A mobile
    is refused too: published in full it is a person's number, masked it is useless as a hotline.
    """
    for match in find_pii(value):
        if match.kind == "手机号":
            return "公开的联系电话不能填个人手机号，请填座机（区号-号码-分机）或服务热线"
        return f"联系电话里不能有{match.kind}" if not match.suspect else ID_SUSPECT_MESSAGE
    return None


def text_problems(text: str, *, contact: bool = False) -> list[str]:
    """Why a text that will be public cannot be saved: invisible controls, personal numbers.

    ``contact``: the text is a public phone number (监督电话, 联系电话), see ``public_phone_problem``.
    """
    # One scan decides for nearly all texts: no invisible control and too few digits to matter.
    if not text or _ATTENTION.search(text) is None:
        return []
    if _INVISIBLE_RE.search(text) is None and len(_DIGITISH.findall(text)) < _MIN_DIGITS:
        return []
    problems = []
    hidden = invisible_characters(text)
    if hidden:
        problems.append(f"含有看不见的控制字符（{'、'.join(hidden)}），会让显示与保存的内容不一致，请删除后重新输入")
    if contact:
        problem = public_phone_problem(text)
        return problems + ([problem] if problem else [])
    return problems + [m.message for m in find_pii(text)]
