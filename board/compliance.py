"""Township view: which villages published a month, and whether on time.

Two views.  ``compliance_report``: the month as a whole, due on the Nth day of the next
month (``SANWU_DEADLINE_DAY``, local practice, not national law: disclosure-rules.md §2).
``catalogue_report``: each village against each item of the township's disclosure
catalogue, with its own rule (monthly, quarterly, N working days after an event), on
the working-day calendar.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from openpyxl import Workbook
from sqlmodel import Session, col, select

from board.catalogue import AT_ONCE_WORKDAYS, catalogue_items, timing_label
from board.periods import check_period, period_bounds, shift_period
from board.snapshot import SHANGHAI
from board.spreadsheet import neutralise
from board.villages import get_township
from board.workdays import WorkCalendar, load_calendar
from board.workflow import STATUS_LABELS
from models import CatalogueItem, Period, PublishedPeriod, SnapshotCoverage, Village, row_id

DEFAULT_DEADLINE_DAY = 10


class ComplianceRow(TypedDict):
    """One village's month as a whole against the township's deadline."""

    village: str
    village_name: str
    status: str
    published_on: str
    deadline: str
    on_time: bool
    verdict: str


class Judgement(TypedDict):
    """One village against one catalogue item: ``verdict`` is a key of VERDICT_LABELS."""

    item: str
    stream: str
    timing: str
    deadline: str
    published_on: str
    verdict: str
    detail: str


class CatalogueRow(Judgement):
    village: str
    village_name: str
    period: str


class _RuleName(TypedDict):
    name: str
    stream: str
    timing: str


def deadline_for(period: str, deadline_day: int = DEFAULT_DEADLINE_DAY) -> date:
    first, _ = period_bounds(shift_period(period, 1))
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(max(deadline_day, 1), last_day))


def compliance_report(
    session: Session, *, township_code: str, period: str, today: date, deadline_day: int = DEFAULT_DEADLINE_DAY
) -> list[ComplianceRow]:
    """One row per village of the township: status, first publication date, lateness."""
    township = get_township(session, township_code)
    deadline = deadline_for(period, deadline_day)
    villages = session.exec(select(Village).where(Village.township_id == township.id).order_by(col(Village.code))).all()
    rows: list[ComplianceRow] = []
    for village in villages:
        period_row = session.exec(
            select(Period).where(Period.village_id == village.id, Period.period == period)
        ).first()
        first_version = session.exec(
            select(PublishedPeriod)
            .where(PublishedPeriod.village_id == village.id, PublishedPeriod.period == period)
            .order_by(col(PublishedPeriod.version))
        ).first()
        published_on = first_version.published_at.astimezone(SHANGHAI).date() if first_version else None
        if published_on is not None:
            late_days = (published_on - deadline).days
            verdict = "按时公开" if late_days <= 0 else f"逾期 {late_days} 天公开"
        else:
            late_days = (today - deadline).days
            verdict = f"未公开，已逾期 {late_days} 天" if late_days > 0 else f"未公开，还剩 {-late_days} 天"
        rows.append(
            {
                "village": village.code,
                "village_name": village.name,
                "status": STATUS_LABELS[period_row.status] if period_row else "未开始",
                "published_on": published_on.isoformat() if published_on else "",
                "deadline": deadline.isoformat(),
                "on_time": published_on is not None and published_on <= deadline,
                "verdict": verdict,
            }
        )
    return rows


# --- Judged against the township's disclosure catalogue, on the working-day calendar ---

VERDICT_LABELS = {
    "on_time": "按时",
    "late": "逾期",
    "missing": "未公开",
    "pending": "未到期",
    "none": "本期无此事项",
    "manual": "人工核查",
}


def snapshot_sources(content: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Catalogue sources a published month covers, and its dated events as ``source@date``."""
    finance = content.get("finance", {})
    sources = {"finance"}
    events: set[str] = set()
    if finance.get("assets", {}).get("items"):
        sources.add("assets")
    if finance.get("resources"):
        sources.add("resources")
    debts = finance.get("debts", {})
    if debts.get("receivable") or debts.get("payable"):
        sources.add("debts")
    lines = {x["line"]: x for x in finance.get("ledger", [])}
    for line in finance.get("major_payments", []):
        line = lines[line] if isinstance(line, int) else line  # schema 3 stores ledger line numbers
        sources.add("major_payment")
        events.add(f"major_payment@{line['date']}")
    for prefix, key in (("party", "party"), ("affair", "affairs")):
        for item in content.get(key, []):
            source = f"{prefix}:{item['category']}"
            sources.add(source)
            events.add(f"{source}@{item['date']}")
    return sources, events


def ensure_coverage(session: Session, township_id: int, periods: list[str]) -> int:
    """Read each not yet indexed snapshot of the township's villages in these months once."""
    missing = session.exec(
        select(PublishedPeriod)
        .outerjoin(SnapshotCoverage, col(SnapshotCoverage.snapshot_id) == PublishedPeriod.id)
        .where(
            col(PublishedPeriod.village_id).in_(select(Village.id).where(Village.township_id == township_id)),
            col(PublishedPeriod.period).in_(periods),
            col(SnapshotCoverage.snapshot_id).is_(None),
        )
    ).all()
    for row in missing:
        sources, events = snapshot_sources(json.loads(row.content_json))
        session.add(
            SnapshotCoverage(
                snapshot_id=row_id(row),
                village_id=row.village_id,
                period=row.period,
                published_on=row.published_at.astimezone(SHANGHAI).date(),
                sources="|".join(sorted(sources)),
                event_days="|".join(sorted(events)),
            )
        )
    if missing:
        session.flush()
    return len(missing)


def quarter_months(period: str) -> list[str]:
    year, month = map(int, check_period(period).split("-"))
    first = (month - 1) // 3 * 3 + 1
    return [f"{year:04d}-{m:02d}" for m in range(first, first + 3)]


@dataclass(frozen=True)
class Publication:
    """One published version of a village-month, as compliance needs it."""

    period: str
    published_on: date
    sources: frozenset[str]
    events: frozenset[str]


def _first_with(pubs: list[Publication], source: str, periods: set[str]) -> date | None:
    days = [p.published_on for p in pubs if p.period in periods and source in p.sources]
    return min(days) if days else None


@dataclass(frozen=True)
class Rule:
    """One catalogue item's rule for one month, worked out once for all villages."""

    name: str
    stream: str
    timing: str
    kind: str  # manual | periodic | event
    source: str = ""
    note: str = ""
    months: frozenset[str] = frozenset()
    due: date | None = None
    due_iso: str = ""
    limit: int = 0


def item_rule(item: CatalogueItem, *, period: str, calendar: WorkCalendar) -> Rule:
    base = _RuleName(name=item.name, stream=item.stream, timing=timing_label(item.timing, item.timing_n))
    if item.list_kind != "主动公开":
        return Rule(
            **base, kind="manual", note="依申请答复，不按期公开" if item.list_kind == "依申请公开" else "不予公开"
        )
    if not item.source or not item.timing:
        return Rule(**base, kind="manual", note="无法从公开记录自动核对")
    if item.timing in ("monthly", "quarterly"):
        months = [period] if item.timing == "monthly" else quarter_months(period)
        # A deadline on a rest day moves to the next working day.
        due = calendar.on_or_after(deadline_for(months[-1], item.timing_n))
        return Rule(
            **base, kind="periodic", source=item.source, months=frozenset(months), due=due, due_iso=due.isoformat()
        )
    limit = item.timing_n if item.timing == "event" else AT_ONCE_WORKDAYS
    return Rule(**base, kind="event", source=item.source, months=frozenset([period]), limit=limit)


def judge(rule: Rule, pubs: list[Publication], *, today: date, calendar: WorkCalendar) -> Judgement:
    """One village against one rule: verdict, deadline, date published, detail."""
    if rule.kind == "manual":
        return _result(rule, "manual", "", "", rule.note)
    if rule.kind == "periodic":
        due, source, months = rule.due, rule.source, rule.months
        if due is None:
            raise ValueError(f"periodic rule {rule.name} has no due date")
        days = [p.published_on for p in pubs if p.period in months and source in p.sources]
        if not days:
            if today > due:
                return _result(rule, "missing", rule.due_iso, "", f"已逾期 {_late_by(calendar, due, today)} 个工作日")
            return _result(rule, "pending", rule.due_iso, "", "")
        published = min(days)
        if published <= due:
            return _result(rule, "on_time", rule.due_iso, published.isoformat(), "")
        return _result(
            rule, "late", rule.due_iso, published.isoformat(), f"晚 {_late_by(calendar, due, published)} 个工作日"
        )
    prefix = rule.source + "@"
    events = sorted({e for p in pubs if p.period in rule.months for e in p.events if e.startswith(prefix)})
    if not events:
        return _result(rule, "none", "", "", "")
    late: list[str] = []
    deadlines: list[date] = []
    for event in events:
        day = date.fromisoformat(event.split("@", 1)[1])
        due = calendar.add_workdays(day, rule.limit)
        deadlines.append(due)
        shown = min(p.published_on for p in pubs if event in p.events)
        if shown > due:
            late.append(f"{day.month}月{day.day}日事项晚 {_late_by(calendar, due, shown)} 个工作日")
    published = min(p.published_on for p in pubs if p.period in rule.months)
    return _result(
        rule,
        "late" if late else "on_time",
        min(deadlines).isoformat(),
        published.isoformat(),
        "；".join(late) if late else f"{len(events)} 件均按时",
    )


def _result(rule: Rule, verdict: str, deadline: str, published_on: str, detail: str) -> Judgement:
    return {
        "item": rule.name,
        "stream": rule.stream,
        "timing": rule.timing,
        "deadline": deadline,
        "published_on": published_on,
        "verdict": verdict,
        "detail": detail,
    }


def _late_by(calendar: WorkCalendar, due: date, day: date) -> int:
    return calendar.workdays_between(due, day)


def judge_item(
    item: CatalogueItem, pubs: list[Publication], *, period: str, today: date, calendar: WorkCalendar
) -> Judgement:
    """One village, one catalogue item, one month."""
    return judge(item_rule(item, period=period, calendar=calendar), pubs, today=today, calendar=calendar)


def catalogue_report(
    session: Session, *, township_code: str, period: str, today: date, calendar: WorkCalendar | None = None
) -> list[CatalogueRow]:
    """Every village of the township against every catalogue item for a month.

    One query reads the indexed coverage of the villages' publications in the month's
    quarter; snapshots not yet indexed are read once and indexed first.
    """
    township = get_township(session, township_code)
    calendar = calendar or load_calendar(township.code)
    items = catalogue_items(session, township)
    villages = session.exec(
        select(Village.id, Village.code, Village.name)
        .where(Village.township_id == township.id)
        .order_by(col(Village.code))
    ).all()
    months = quarter_months(period)
    ensure_coverage(session, row_id(township), months)
    pubs: dict[int | None, list[Publication]] = defaultdict(list)
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
            SnapshotCoverage.village_id,
            SnapshotCoverage.period,
            SnapshotCoverage.published_on,
            SnapshotCoverage.sources,
            SnapshotCoverage.event_days,
        )
        .join(Village, col(Village.id) == SnapshotCoverage.village_id)
        .where(Village.township_id == township.id, col(SnapshotCoverage.period).in_(months))
    ).all()
    parsed: dict[tuple[str, str], tuple[frozenset[str], frozenset[str]]] = {}
    for village_id, p, published_on, sources, events in rows:
        key = (sources, events)
        if key not in parsed:
            parsed[key] = (frozenset(sources.split("|")) - {""}, frozenset(events.split("|")) - {""})
        pubs[village_id].append(Publication(p, published_on, *parsed[key]))
    report: list[CatalogueRow] = []
    rules = [item_rule(item, period=period, calendar=calendar) for item in items]
    for village_id, code, name in villages:
        village_pubs = pubs[village_id]
        for rule in rules:
            row = judge(rule, village_pubs, today=today, calendar=calendar)
            report.append(CatalogueRow(**row, village=code, village_name=name, period=period))
    return report


def summarise(report: list[CatalogueRow]) -> list[dict[str, Any]]:
    """Per village: how many catalogue items were on time, late, missing (keys of VERDICT_LABELS)."""
    by_village: dict[str, dict[str, Any]] = {}
    for row in report:
        entry = by_village.setdefault(
            row["village"],
            {"village": row["village"], "village_name": row["village_name"], **{k: 0 for k in VERDICT_LABELS}},
        )
        entry[row["verdict"]] += 1
    return list(by_village.values())


EXPORT_COLUMNS = (
    ("village", "村/社区代码"),
    ("village_name", "村/社区"),
    ("period", "月份"),
    ("stream", "类别"),
    ("item", "事项"),
    ("timing", "何时公开"),
    ("deadline", "期限"),
    ("published_on", "公开日期"),
    ("verdict_label", "情况"),
    ("detail", "说明"),
)


def export_rows(report: Sequence[Mapping[str, object]]) -> list[dict[str, object]]:
    return [
        {
            label: (VERDICT_LABELS[str(r["verdict"])] if key == "verdict_label" else r[key])
            for key, label in EXPORT_COLUMNS
        }
        for r in report
    ]


def report_csv(report: list[CatalogueRow]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[label for _, label in EXPORT_COLUMNS])
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in export_rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: list[CatalogueRow]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one (active) sheet
    sheet.title = "按清单核对"
    labels = [label for _, label in EXPORT_COLUMNS]
    sheet.append(labels)
    for row in export_rows(report):
        sheet.append([neutralise(row[label]) for label in labels])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
