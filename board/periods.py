"""Periods are ``YYYY-MM`` strings; helpers to parse, step and bound them."""

from __future__ import annotations

import calendar
import re
from datetime import date

from board.errors import BoardError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


PRECISION_LABELS = {"day": "日", "month": "月", "year": "年"}


def partial_iso(day: date | None, precision: str = "day") -> str | None:
    """ISO 8601 at the date's own precision: 2012-06-03, 2012-06 or 2012."""
    if day is None:
        return None
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def format_partial_date(text: str | None) -> str:
    """A partial ISO date as people write it: 2012-06 → 2012年6月, 2012 → 2012年; full dates unchanged."""
    if not text:
        return ""
    parts = text.split("-")
    if len(parts) == 2:
        return f"{parts[0]}年{int(parts[1])}月"
    if len(parts) == 1:
        return f"{parts[0]}年"
    return text


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
