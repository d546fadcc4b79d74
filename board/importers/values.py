"""Cell value → typed value for one import field; a ValueError carries the Chinese message.

Cells come as calamine gives them (str, float, int, bool, date, datetime, time) or as CSV
text.  Money and dates reuse board.money.parse_money and board.entry.parse_date; the
fast paths here only skip work those functions would do for plain numbers and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from board.entry import coerce_value, parse_date
from board.privacy import normalise_id_number
from board.importers.columns import ImportField
from board.money import MAX_FEN, MoneyError, parse_money

_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DECIMALS = re.compile(r"[.．]([0-9０-９]+)\s*(万|亿)?")
_ALLOWED_DECIMALS = {None: 2, "万": 6, "亿": 10}  # 1.234567万 is still whole fen


def to_fen(value) -> int:
    """Signed fen; the kind decides what a negative amount means.

    Refuses amounts finer than a fen: parse_money would round them, and in a cash book a
    third decimal is a typo, not a fraction of a fen.
    """
    if isinstance(value, float) and abs(value) < 1e9:
        scaled = value * 100
        fen = round(scaled)
        # Exact to the fen already: skip the text round trip (the common case for Excel numbers).
        if abs(scaled - fen) < 1e-6:
            return fen
    try:
        fen = parse_money(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if _finer_than_fen(value):
        raise ValueError(f"“{_shown(value)}”有超过两位小数（不到一分），请核对后改成精确到分的金额")
    return fen


def to_amount(value) -> int:
    """A line's amount: what is saved must stay below 10 亿元 (合计 rows may add up to more)."""
    fen = to_fen(value)
    if abs(fen) >= MAX_FEN:
        raise ValueError(f"金额 {_shown(value)} 达到或超过 10 亿元，请核对")
    return fen


def _shown(value) -> str:
    return format(value, ".15g") if isinstance(value, float) else str(value).strip()[:30]


def _finer_than_fen(value) -> bool:
    if isinstance(value, float):
        # 15 significant digits is what Excel shows: float noise such as 0.1+0.2 is not a third decimal.
        return Decimal(format(value, ".15g")).as_tuple().exponent < -2
    if not isinstance(value, str):
        return False
    match = _DECIMALS.search(value)
    return bool(match) and len(match[1].rstrip("0０")) > _ALLOWED_DECIMALS[match[2]]


def to_date(value, year: int) -> date:
    """Excel dates, 2026-10-03, 2026/10/3, 2026年10月3日, 20261003, and 10月3日 in ``year``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            # Excel stores a typed 11.30 as the number 11.3: its day can no longer be known.
            raise ValueError(f"“{value:g}”是数字，不是日期；请把日期写成 2026-11-30 这样的格式")
        value = int(value)
    text = str(value).strip()
    if " " in text:  # "2026-10-03 00:00:00" from a text export
        text = text.split(" ", 1)[0]
    match = _MONTH_DAY.match(text) or _COMPACT.match(text)
    if match:
        parts = tuple(map(int, match.groups()))
        try:
            return date(*parts) if len(parts) == 3 else date(year, *parts)
        except ValueError:
            raise ValueError(f"“{text[:20]}”不是存在的日期") from None
    return parse_date(text)


def to_text(value, max_len: int) -> str:
    if value.__class__ is str:
        text = value.strip()
        if len(text) > max_len:
            raise ValueError(f"不能超过 {max_len} 个字（现有 {len(text)} 个）")
        return text
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 组别 "3" or a phone number typed as a number
    elif isinstance(value, datetime):
        value = value.date()
    text = str(value).strip()
    if len(text) > max_len:
        raise ValueError(f"不能超过 {max_len} 个字（现有 {len(text)} 个）")
    return text


def to_int(value) -> int:
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if not text.isdecimal():
            raise ValueError(f"“{text[:20]}”不是整数")
        number = int(text)
    if number < 0:
        raise ValueError("不能为负数")
    return number


def to_id_number(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("身份证号被 Excel 存成了数字，后几位可能已经丢失；请把这一列设为“文本”格式后重新填写")
    return normalise_id_number(to_text(value, 40))


def converter(field: ImportField, year: int) -> Callable:
    kind = field.kind
    if kind == "money":
        return to_amount
    if kind == "date":
        return lambda value: to_date(value, year)
    if kind == "int":
        return to_int
    if kind == "id_number":
        return to_id_number
    if kind == "text":
        if field.column is None:
            return partial(to_text, max_len=200)
        # The entry form's own checks (length, personal numbers, invisible controls), shown in the preview.
        return lambda value: coerce_value(field.column, to_text(value, 200))
    column = field.column

    def enum(value):
        # Enum cells reuse the entry form's own vocabulary (收入/支出, 现金/银行存款, 应收/应付).
        return coerce_value(column, to_text(value, 20))

    return enum
