"""Periods are ``YYYY-MM`` strings; helpers to parse, step and bound them."""

from __future__ import annotations

import calendar
import re
from datetime import date

from board.errors import BoardError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    if not isinstance(period, str) or not _PERIOD.match(period):
        raise BoardError(f"月份“{period}”格式不对，应写成 2026-10 这样的年-月", field="月份")
    return period


def period_bounds(period: str) -> tuple[date, date]:
    year, month = map(int, check_period(period).split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def shift_period(period: str, months: int) -> str:
    year, month = map(int, check_period(period).split("-"))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def period_label(period: str) -> str:
    year, month = check_period(period).split("-")
    return f"{year}年{int(month)}月"
