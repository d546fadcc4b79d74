"""Generated personal numbers written the ways clerks (and hostile clerks) write them.

Shared by the privacy tests, the end-to-end scan and bench/bench_privacy.py.  Everything is
drawn from a seeded ``random.Random`` so a run is reproducible.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from board.privacy import PROVINCES, id_check_digit, uscc_check_char

TODAY = date(2026, 11, 30)
_PROVINCES = sorted(PROVINCES)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _birth(rng: random.Random, first: date = date(1900, 1, 1), last: date = TODAY) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def gen_id18(rng: random.Random) -> str:
    body = rng.choice(_PROVINCES) + _digits(rng, 4) + _birth(rng).strftime("%Y%m%d") + _digits(rng, 3)
    return body + id_check_digit(body)


def gen_id18_bad_check(rng: random.Random) -> str:
    number = gen_id18(rng)
    return number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])


def gen_id15(rng: random.Random) -> str:
    return (
        rng.choice(_PROVINCES)
        + _digits(rng, 4)
        + _birth(rng, last=date(1999, 12, 31)).strftime("%y%m%d")
        + _digits(rng, 3)
    )


def gen_mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + _digits(rng, 9)


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def gen_card(rng: random.Random) -> str:
    length = rng.choice((16, 17, 18, 19))
    prefix = rng.choice(("62", "62", "62", "4", "5", "9"))
    return luhn_complete(prefix + _digits(rng, length - len(prefix) - 1))


def gen_uscc(rng: random.Random, *, digits_only: bool = True) -> str:
    """A valid 统一社会信用代码; ``digits_only`` ones (typical of 合作社, 93…) are the hard case."""
    while True:
        head = rng.choice(("93", "93", "92", "91", "52", "51", "12", "53", "N2", "Y1"))
        org = (
            _digits(rng, 9) if digits_only else "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
        )
        body = head + rng.choice(_PROVINCES) + _digits(rng, 4) + org
        check = uscc_check_char(body)
        code = body + check
        if not digits_only or code.isdigit():
            return code


# Digit scripts a number may be typed in.
_SCRIPTS = {
    "ascii": "0123456789",
    "fullwidth": "０１２３４５６７８９",
    "chinese": "〇一二三四五六七八九",
    "chinese_ling": "零一二三四五六七八九",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
    "math_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}


def script(number: str, name: str) -> str:
    digits = _SCRIPTS[name]
    return "".join(digits[int(c)] if c.isdigit() else c for c in number)


def group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i : i + size])
        i += size
    if i < len(number):
        parts.append(number[i:])
    return sep.join(p for p in parts if p)


ID_FORMATS = {
    "plain": lambda n: n,
    "lowercase x": lambda n: n.lower(),
    "6-8-4 space": lambda n: group(n, (6, 8, 4), " "),
    "6-4-4-4 space": lambda n: group(n, (6, 4, 4, 4), " "),
    "4-4-4-4-2 space": lambda n: group(n, (4, 4, 4, 4, 2), " "),
    "3-3-4-4-4 space": lambda n: group(n, (3, 3, 4, 4, 4), " "),
    "6-8-4 hyphen": lambda n: group(n, (6, 8, 4), "-"),
    "6-8-4 dots": lambda n: group(n, (6, 8, 4), "."),
    "6-4-4-4 slashes": lambda n: group(n, (6, 4, 4, 4), "/"),
    "6-8-4 double space": lambda n: group(n, (6, 8, 4), "  "),
    "6-8-4 nbsp": lambda n: group(n, (6, 8, 4), "\u00a0"),
    "6-8-4 ideographic space": lambda n: group(n, (6, 8, 4), "\u3000"),
    "6-8-4 en dash": lambda n: group(n, (6, 8, 4), "–"),
    "6-8-4 em dash": lambda n: group(n, (6, 8, 4), "—"),
    "6-8-4 minus": lambda n: group(n, (6, 8, 4), "−"),
    "6-8-4 fullwidth hyphen": lambda n: group(n, (6, 8, 4), "－"),
    "6-8-4 spaced hyphen": lambda n: group(n, (6, 8, 4), " - "),
    "zero-width inside": lambda n: group(n, (3,) * 6, "\u200b"),
    "bidi marks inside": lambda n: "\u202d" + group(n, (6, 8, 4), "\u200e") + "\u202c",
    "fullwidth digits": lambda n: script(n, "fullwidth").replace("X", "Ｘ"),
    "chinese digits": lambda n: script(n, "chinese"),
    "chinese digits with 零": lambda n: script(n, "chinese_ling"),
    "arabic-indic digits": lambda n: script(n, "arabic_indic"),
    "devanagari digits": lambda n: script(n, "devanagari"),
    "math bold digits": lambda n: script(n, "math_bold"),
    "brackets": lambda n: "(" + group(n, (6, 8, 4), ")(") + ")",
}
MOBILE_FORMATS = {
    "plain": lambda n: n,
    "3-4-4 space": lambda n: group(n, (3, 4, 4), " "),
    "3-4-4 hyphen": lambda n: group(n, (3, 4, 4), "-"),
    "4-4-3 space": lambda n: group(n, (4, 4, 3), " "),
    "3-4-4 nbsp": lambda n: group(n, (3, 4, 4), "\u00a0"),
    "3-4-4 en dash": lambda n: group(n, (3, 4, 4), "–"),
    "3-4-4 em dash": lambda n: group(n, (3, 4, 4), "—"),
    "3-4-4 dots": lambda n: group(n, (3, 4, 4), "."),
    "3-4-4 double space": lambda n: group(n, (3, 4, 4), "  "),
    "3-4-4 slashes": lambda n: group(n, (3, 4, 4), "/"),
    "(3)8": lambda n: f"({n[:3]}){n[3:]}",
    "（3）8 fullwidth": lambda n: f"（{n[:3]}）{n[3:]}",
    "+86": lambda n: "+86" + n,
    "+86 3-4-4": lambda n: "+86 " + group(n, (3, 4, 4), " "),
    "0086": lambda n: "0086" + n,
    "0086-3-4-4": lambda n: "0086-" + group(n, (3, 4, 4), "-"),
    "fullwidth": lambda n: script(n, "fullwidth"),
    "chinese digits": lambda n: script(n, "chinese"),
    "chinese digits 幺": lambda n: script(n, "chinese").replace("一", "幺"),
    "arabic-indic": lambda n: script(n, "arabic_indic"),
    "zero-width inside": lambda n: "\u200b".join(n),
}
CARD_FORMATS = {
    "plain": lambda n: n,
    "4-4-4-4 space": lambda n: group(n, (4, 4, 4, 4), " "),
    "4-4-4-4 hyphen": lambda n: group(n, (4, 4, 4, 4), "-"),
    "6+rest space": lambda n: group(n, (6,), " "),
    "6+rest hyphen": lambda n: group(n, (6,), "-"),
    "4-4-4-4 nbsp": lambda n: group(n, (4, 4, 4, 4), "\u00a0"),
    "4-4-4-4 en dash": lambda n: group(n, (4, 4, 4, 4), "–"),
    "4-4-4-4 dots": lambda n: group(n, (4, 4, 4, 4), "."),
    "4-4-4-4 double space": lambda n: group(n, (4, 4, 4, 4), "  "),
    "fullwidth": lambda n: script(n, "fullwidth"),
    "chinese digits": lambda n: script(n, "chinese"),
    "zero-width inside": lambda n: group(n, (4, 4, 4, 4), "\u200b"),
}
CONTEXTS = (
    "{}",
    "低保户张三，证件号{}，已核实。",
    "联系人：李四 {} 。",
    "经手人王五（{}）",
    "备注:{}",
)
# Texts that are not personal: landlines, dates, amounts, vouchers, ranges, codes.
NOT_PERSONAL = (
    "监督电话 0523-88886600",
    "电话 0523-8888 6600-8001",
    "电话（0523）88886600 转 8001",
    "电话 010-58881234 分机 1234",
    "0523-88886600-8001",
    "服务热线 12345、96196",
    "400-820-8820",
    "日期 2026-10-03 金额 1,234.50",
    "公示期 2026.10.01-2026.10.31",
    "2026/10/01—2026/10/31",
    "凭证 记10-001 至 记10-059",
    "凭证号 2026100300001",
    "凭证号 2026100312345678",
    "凭证 记-2026-10-0001",
    "金额 12345678901.50",
    "合计 1,234,567,890.12 元",
    "8:30-11:30 14:30-17:30",
    "第1组 第2组 第3组 共12户 35人",
)


def formatted_cases(kind: str, count: int, seed: int) -> list[tuple[str, str, str]]:
    """``count`` (format name, number, text) cases of ``kind``, cycling through every format."""
    rng = random.Random(seed)
    generate, formats = {
        "身份证号": (gen_id18, ID_FORMATS),
        "身份证号15": (
            gen_id15,
            {k: v for k, v in ID_FORMATS.items() if k in ("plain", "fullwidth digits", "chinese digits", "6-8-4 nbsp")},
        ),
        "手机号": (gen_mobile, MOBILE_FORMATS),
        "银行卡号": (gen_card, CARD_FORMATS),
    }[kind]
    names = list(formats)
    cases = []
    for i in range(count):
        name = names[i % len(names)]
        number = generate(rng)
        text = rng.choice(CONTEXTS).format(formats[name](number))
        cases.append((name, number, text))
    return cases
