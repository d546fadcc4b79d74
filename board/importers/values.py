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
from typing import Any

from board.entry import coerce_value, parse_date
from board.importers.columns import ImportField
from board.money import MoneyError, ceiling_problem, parse_money
from board.privacy import normalise_id_number
from models import Direction

_PARTIAL = re.compile(r"^((?:19|20)\d{2})\s*(?:年|[-/.年]\s*(\d{1,2})\s*月?)?\s*$")
_YEAR_MONTH_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})$")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DECIMALS = re.compile(r"[.．]([0-9０-９]+)\s*(万|亿)?")
_ALLOWED_DECIMALS = {None: 2, "万": 6, "亿": 10}  # 1.234567万 is still whole fen


def to_fen(value: object) -> int:
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


def to_amount(value: object) -> int:
    """A line's amount: what is saved must stay below 10 亿元 (合计 rows may add up to more)."""
    fen = to_fen(value)
    too_big = ceiling_problem(fen)
    if too_big:
        raise ValueError(too_big)
    return fen


def _shown(value: object) -> str:
    return format(value, ".15g") if isinstance(value, float) else str(value).strip()[:30]


def _finer_than_fen(value: object) -> bool:
    if isinstance(value, float):
        # 15 significant digits is what Excel shows: float noise such as 0.1+0.2 is not a third decimal.
        exponent = Decimal(format(value, ".15g")).as_tuple().exponent
        return isinstance(exponent, int) and exponent < -2  # a str exponent marks NaN or infinity
    if not isinstance(value, str):
        return False
    match = _DECIMALS.search(value)
    return match is not None and len(match[1].rstrip("0０")) > _ALLOWED_DECIMALS[match[2]]


def to_date(value: object, year: int) -> date:
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
    text = _TIME_TAIL.sub("", str(value).strip()).strip()  # "2026-09-03 10:21:05" from a bank download
    match = _MONTH_DAY.match(text) or _COMPACT.match(text)
    if match:
        parts = tuple(map(int, match.groups()))
        try:
            return date(*parts) if len(parts) == 3 else date(year, *parts)
        except ValueError:
            raise ValueError(f"“{text[:20]}”不是存在的日期") from None
    return parse_date(text)


def to_partial_date(value: object) -> tuple[date, str]:
    """(first day, precision) of a register date: a full date, 2012-06 / 2012年6月 ("month") or 2012 ("year").

    Registers record when an asset was built or bought to the month or the year; the precision
    is kept so the board shows “2012年6月”, not an invented first day.
    """
    if isinstance(value, (date, datetime)):
        return to_date(value, 2000), "day"
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"“{value:g}”是数字，年月看不清楚；请写成 2012-06 或 2012年6月")
        value = int(value)
    text = str(value).strip()
    match = _PARTIAL.match(text) or _YEAR_MONTH_COMPACT.match(text)
    if not match:
        return to_date(text, 2000), "day"
    year, month = int(match[1]), match[2]
    if month is None:
        return date(year, 1, 1), "year"
    if not 1 <= int(month) <= 12:
        raise ValueError(f"“{text[:20]}”的月份不存在")
    return date(year, int(month), 1), "month"


_DIRECTION_WORDS = {
    "收入": "in",
    "收": "in",
    "进": "in",
    "入": "in",
    "转入": "in",
    "存入": "in",
    "来账": "in",
    "in": "in",
    "+": "in",
    "支出": "out",
    "支": "out",
    "出": "out",
    "转出": "out",
    "支取": "out",
    "取出": "out",
    "往账": "out",
    "out": "out",
    "-": "out",
}
_DEBIT_CREDIT = {"借": "in", "借方": "in", "贷": "out", "贷方": "out"}


def direction_converter(bank_view: bool) -> Callable[[object], Direction]:
    """收/支 words; 借/贷 as the village's books read them (借 = money in), or a bank's view (贷 = money in)."""

    def convert(value: object) -> Direction:
        text = to_text(value, 20).replace(" ", "")
        code = _DIRECTION_WORDS.get(text)
        if code is None and text in _DEBIT_CREDIT:
            code = _DEBIT_CREDIT[text]
            if bank_view:
                code = Direction.expense if code == Direction.income else Direction.income
        if code is None:
            raise ValueError(f"“{text}”无法识别为收入或支出，可选：收入、支出、借、贷、转入、转出")
        return Direction(code)

    return convert


def to_text(value: object, max_len: int) -> str:
    if type(value) is str:
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


def to_int(value: object) -> int:
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


def to_id_number(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("身份证号被 Excel 存成了数字，后几位可能已经丢失；请把这一列设为“文本”格式后重新填写")
    return normalise_id_number(to_text(value, 40))


# A cell → the typed value an import row holds for one field (date, int fen, enum, text...).
Converter = Callable[[object], Any]


def converter(field: ImportField, year: int) -> Converter:
    kind = field.kind
    if kind == "money":
        return to_amount
    if kind == "date":
        seen: dict[str, date] = {}

        def dated(value: object) -> date:
            # A month has at most 31 dates: parse each text once (bank downloads repeat them).
            if type(value) is not str:
                return to_date(value, year)
            day = seen.get(value)
            if day is None:
                day = seen[value] = to_date(value, year)
            return day

        return dated
    if kind == "partial_date":
        return to_partial_date
    if kind == "direction":
        return direction_converter(bank_view=False)
    if kind == "int":
        return to_int
    if kind == "id_number":
        return to_id_number
    column = field.column
    if kind == "text":
        if column is None:
            return partial(to_text, max_len=200)
        # The entry form's own checks (length, personal numbers, invisible controls), shown in the preview.
        return lambda value: coerce_value(column, to_text(value, 200))
    if column is None:
        raise ValueError(f"{field.name}: a {kind} field is read into a model column")

    def enum(value: object) -> Any:
        # Enum cells reuse the entry form's own vocabulary (收入/支出, 现金/银行存款, 应收/应付).
        return coerce_value(column, to_text(value, 20))

    return enum
