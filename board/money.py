"""Money is integer fen below the UI; parse and format only at the edges."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_FEN = 10**11  # every amount stays below 10 亿元: more is a typo or a unit mix-up, never a village's figure

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－（）", "0123456789.,-()")
_UNIT = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 10**8, "亿元": 10**8}
_PATTERN = re.compile(r"^(?P<neg>-)?(?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?P<unit>万元|亿元|元|万|亿)?$")
# Thousands separators only in groups of three: "1,23" is a decimal comma, not 123.
_GROUPED = re.compile(r"^-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


class MoneyError(ValueError):
    """Raised with a Chinese message when a text is not an amount."""


def parse_money(value: object) -> int:
    """Parse "1,234.50", "1234.5元", "12.3万", "(200.00)", "¥1,000" or a number into fen.

    Rounds half up to the fen, since cash books never carry fractions of a fen.
    """
    if value is None:
        raise MoneyError("金额为空")
    if isinstance(value, bool):
        raise MoneyError("不是金额")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError("不是金额")
        value = repr(value)
    if isinstance(value, Decimal):
        value = format(value, "f")
    text = str(value).translate(_FULLWIDTH).strip()
    text = re.sub(r"\s|[¥￥]|人民币|RMB", "", text, flags=re.IGNORECASE)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
        if text.startswith("-"):
            raise MoneyError(f"“{str(value)[:30]}”既有括号又有负号，请只用一种表示负数")
    if "," in text:
        if not _GROUPED.match(text):
            raise MoneyError(f"“{str(value)[:30]}”的千分位逗号位置不对，小数请用小数点，如 1234.50")
        text = text.replace(",", "")
    match = _PATTERN.match(text)
    if not match:
        raise MoneyError(f"“{str(value)[:30]}”不是有效金额，请写成 1234.50 或 1.2万 这样的格式")
    try:
        amount = Decimal(match["num"]) * _UNIT[match["unit"] or ""] * 100
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise MoneyError("不是金额") from exc
    fen = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if negative != bool(match["neg"]):
        fen = -fen
    return fen


def ceiling_problem(fen: int) -> str | None:
    """Why an amount is refused for reaching the ceiling, or None when it is below it."""
    if abs(fen) >= MAX_FEN:
        return f"金额 {format_yuan(fen)} 达到或超过上限（10 亿元），请核对"
    return None


def format_yuan(fen: int, *, unit: bool = True) -> str:
    """12345678 → "123,456.78元"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}" + ("元" if unit else "")


def format_wan(fen: int) -> str:
    """Amount as people say it: 68000_00 → "6.8万元", 318000 → "3,180元", 12550 → "125.5元"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    if fen >= 10_000 * 100:
        wan = Decimal(fen) / Decimal(1_000_000)
        text = format(wan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")
        return f"{sign}{text}万元"
    yuan = Decimal(fen) / 100
    text = format(yuan.quantize(Decimal("0.01")).normalize(), ",f")
    return f"{sign}{text}元"
