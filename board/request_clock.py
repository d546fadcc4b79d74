"""The statutory clock of a request, from its events, on the working-day calendar.

- Reply within 20 working days of receipt (条例 §33); 村务质询 within the township's
  setting (default 10).
- One extension of at most 20 working days, with a reason (§33).
- A 补正 notice stops the clock; it restarts, from zero, on the day the corrected request
  arrives (§30).  The notice itself must go out once, within 7 working days of receipt.
- Third-party consultation does not count, up to its 15 working days (§32); while it is
  open the deadline assumes the full 15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from board.workdays import WorkCalendar

REPLY_DAYS = 20
MAX_EXTENSION_DAYS = 20
SUPPLEMENT_NOTICE_DAYS = 7
CONSULT_DAYS = 15
DEFAULT_INQUIRY_DAYS = 10


@dataclass(frozen=True)
class Event:
    kind: str  # received | supplement_requested | supplemented | consult_started | consult_ended | extended | replied
    on_day: date
    days: int = 0


@dataclass(frozen=True)
class Clock:
    start: date  # the day the clock (re)started; not itself counted
    due_on: date | None  # None while waiting for the 补正
    paused: str  # "" | "supplement" | "consult"
    extended: bool
    consult_days: int  # working days not counted

    def workdays_left(self, calendar: WorkCalendar, today: date) -> int | None:
        """Working days until the deadline (0 on the day, negative when overdue)."""
        if self.due_on is None:
            return None
        return calendar.workdays_between(today, self.due_on)

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and today > self.due_on


def compute_clock(events: list[Event], *, limit: int, calendar: WorkCalendar) -> Clock:
    events = sorted(events, key=lambda e: e.on_day)
    start = next(e.on_day for e in events if e.kind == "received")
    paused, consult_open, consult_days, extension = "", None, 0, 0
    extended = False
    for event in events:
        if event.kind == "supplement_requested":
            paused = "supplement"
        elif event.kind == "supplemented":
            # §30: the time limit runs from the corrected request; earlier consultation is moot.
            start, paused, consult_days = event.on_day, "", 0
        elif event.kind == "consult_started":
            consult_open = event.on_day
        elif event.kind == "consult_ended" and consult_open is not None:
            consult_days += min(calendar.workdays_between(consult_open, event.on_day), CONSULT_DAYS)
            consult_open = None
        elif event.kind == "extended":
            extension += event.days
            extended = True
    if consult_open is not None:
        consult_days += CONSULT_DAYS
    if paused == "supplement":
        return Clock(start, None, paused, extended, consult_days)
    due = calendar.add_workdays(start, limit + extension + consult_days)
    return Clock(start, due, "consult" if consult_open is not None else "", extended, consult_days)
