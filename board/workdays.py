"""Working days on the Chinese calendar, with 调休 make-up days.

The national schedule comes from ``chinesecalendar`` (it knows each year once the State
Council announces it).  Files in the calendar directory (``SANWU_CALENDAR_DIR``, default
``workdays/``) override it: ``<YEAR>.toml`` for everyone, ``<TOWNSHIP>/<YEAR>.toml`` for one
township, each with ``holidays = [...]`` and ``workdays = [...]`` as TOML dates.  A year
neither knows counts Monday to Friday, and ``WorkCalendar.unknown_years`` says so.

Counting follows the 条例: the day something happens is not counted, so "within 20
working days of receipt" ends on the 20th working day after the day of receipt.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar

from board.errors import BoardError

_LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def calendar_dir() -> Path:
    return Path(os.environ.get("SANWU_CALENDAR_DIR") or Path(__file__).resolve().parent.parent / "workdays")


def _dates(path: Path, data: dict[str, Any], key: str) -> set[date]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(type(v) is date for v in values):
        raise BoardError(f"{path.name} 的 {key} 应是日期列表，例如 {key} = [2027-02-08]", field="工作日历")
    return set(values)


def _read_file(path: Path) -> tuple[set[date], set[date], set[int]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BoardError(f"{path.name} 不是有效的 TOML 文件：{error}", field="工作日历") from None
    holidays, workdays = _dates(path, data, "holidays"), _dates(path, data, "workdays")
    both = holidays & workdays
    if both:
        raise BoardError(f"{path.name}：{min(both)} 同时写在 holidays 和 workdays 里", field="工作日历")
    return holidays, workdays, {int(path.stem)}


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    file_years: frozenset[int] = field(default_factory=frozenset)
    # The library scans its whole table on every call; a township report asks tens of thousands.
    _known: dict[date, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _running: dict[int, list[int]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._lookup(day)
        return known

    def _lookup(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year in _LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def unknown_years(self, *days: date) -> list[int]:
        """Years among ``days`` whose holidays neither the library nor a file knows."""
        years = {d.year for d in days if d is not None}
        return sorted(y for y in years if y not in _LIBRARY_YEARS and y not in self.file_years)

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day, left = start, count
        while left > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def _year(self, year: int) -> list[int]:
        """Running count of working days: element i = working days among the year's first i days."""
        running = self._running.get(year)
        if running is None:
            running, first = [0], date(year, 1, 1)
            for i in range((date(year + 1, 1, 1) - first).days):
                running.append(running[-1] + self.is_workday(first + timedelta(days=i)))
            self._running[year] = running
        return running

    def _through(self, day: date) -> int:
        return self._year(day.year)[day.timetuple().tm_yday]

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.workdays_between(end, start)
        whole_years = sum(self._year(year)[-1] for year in range(start.year, end.year))
        return whole_years + self._through(end) - self._through(start)

    def on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next one (a deadline on a rest day moves on)."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


def load_calendar(township_code: str | None = None, directory: Path | None = None) -> WorkCalendar:
    """The national calendar with the directory's yearly files, then the township's, applied.

    Kept while the files stay the same, so its per-day answers are worked out once.
    """
    directory = calendar_dir() if directory is None else directory
    folders = [directory] + ([directory / township_code] if township_code else [])
    files = tuple(
        (path, path.stat().st_mtime_ns)
        for folder in folders
        if folder.is_dir()
        for path in sorted(folder.glob("[0-9][0-9][0-9][0-9].toml"))
    )
    return _build(files)


@lru_cache(maxsize=64)
def _build(files: tuple[tuple[Path, int], ...]) -> WorkCalendar:
    holidays: set[date] = set()
    workdays: set[date] = set()
    years: set[int] = set()
    for path, _ in files:
        rest, work, year = _read_file(path)
        # A township's file wins over the national one for the same date.
        holidays = (holidays - work) | rest
        workdays = (workdays - rest) | work
        years |= year
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))
