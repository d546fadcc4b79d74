"""Villages judged against the township's catalogue on the working-day calendar."""

import hashlib
import io
import json
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from board.catalogue import DEFAULT_CATALOGUE, catalogue_rows, parse_rows, replace_catalogue
from board.compliance import catalogue_report, report_csv, report_xlsx, summarise
from board.errors import BoardError
from board.villages import get_township, get_village
from infra.db import unit_of_work
from models import PublishedPeriod, SnapshotCoverage
from tests.requests.conftest import user

ROW = {"清单": "主动公开", "类别": "村务", "谁来公开": "村委会", "向谁公开": "村民", "怎么公开": "公开栏"}
CATALOGUE = [
    {**ROW, "事项名称": "收支", "何时公开": "次月5日前", "核对依据": "收支明细"},
    {**ROW, "事项名称": "宅基地", "何时公开": "次季首月20日前", "核对依据": "村务：宅基地审批"},
    {**ROW, "事项名称": "工程", "何时公开": "事后5个工作日内", "核对依据": "村务：工程项目"},
    {**ROW, "事项名称": "档案", "清单": "依申请公开", "怎么公开": "会议", "何时公开": ""},
]


def publish(session, code, period, day, *, affairs=(), version=1):
    village = get_village(session, code)
    content = {
        "finance": {"assets": {"items": []}, "debts": {}, "resources": [], "major_payments": []},
        "party": [],
        "affairs": [{"category": c, "date": d} for c, d in affairs],
    }
    digest = hashlib.sha256(f"{code}{period}{version}".encode()).hexdigest()
    session.add(
        PublishedPeriod(
            village_id=village.id,
            period=period,
            version=version,
            content_json=json.dumps(content),
            content_hash=digest,
            prev_hash="p" + digest[1:],
            published_at=datetime(day.year, day.month, day.day, 2, tzinfo=UTC),
        )
    )


@pytest.fixture
def judged(req_engine):
    with unit_of_work(req_engine) as session:
        replace_catalogue(session, township=get_township(session, "T1"), rows=CATALOGUE, user=user(session, "town1"))
        # V1: September on 10/8 (first working day after the National Day week), with two works items.
        publish(
            session,
            "V1",
            "2026-09",
            date(2026, 10, 8),
            affairs=[("工程项目", "2026-09-10"), ("工程项目", "2026-09-25")],
        )
        # V2: September late, and the 宅基地 list only in an amended version of August.
        publish(session, "V2", "2026-08", date(2026, 9, 5))
        publish(session, "V2", "2026-08", date(2026, 10, 21), affairs=[("宅基地审批", "2026-08-20")], version=2)
        publish(session, "V2", "2026-09", date(2026, 10, 9))
        session.commit()
        report = catalogue_report(session, township_code="T1", period="2026-09", today=date(2026, 11, 2))
        session.commit()
    return {(r["village"], r["item"]): r for r in report}, report


def test_monthly_deadline_on_a_holiday_moves_to_the_next_working_day(judged):
    rows, _ = judged
    # 10/5 is in the National Day week: the deadline is 10/8.
    assert rows[("V1", "收支")]["deadline"] == "2026-10-08"
    assert rows[("V1", "收支")]["verdict"] == "on_time"
    assert rows[("V2", "收支")]["verdict"] == "late" and rows[("V2", "收支")]["detail"] == "晚 1 个工作日"


def test_quarterly_item_counts_any_month_of_the_quarter_and_amendments(judged):
    rows, _ = judged
    assert rows[("V1", "宅基地")]["verdict"] == "missing"
    assert rows[("V1", "宅基地")]["deadline"] == "2026-10-20"
    # Only the amended August version (10/21) carried it: one working day late.
    assert rows[("V2", "宅基地")]["verdict"] == "late" and rows[("V2", "宅基地")]["published_on"] == "2026-10-21"


def test_event_items_within_working_days(judged):
    rows, _ = judged
    works = rows[("V1", "工程")]
    # 9/25 + 5 = 10/9 (on time); 9/10 + 5 = 9/17, shown 10/8: 9/18, 9/20 Sun, 9/21–24, 9/28–30, 10/8 = 10 days late.
    assert works["verdict"] == "late" and works["detail"] == "9月10日事项晚 10 个工作日"
    assert rows[("V2", "工程")]["verdict"] == "none"
    assert rows[("V1", "档案")]["verdict"] == "manual"


def test_pending_before_the_deadline(req_engine, judged):
    with unit_of_work(req_engine) as session:
        report = catalogue_report(session, township_code="T1", period="2026-10", today=date(2026, 11, 2))
    rows = {(r["village"], r["item"]): r for r in report}
    assert rows[("V1", "收支")]["verdict"] == "pending" and rows[("V1", "收支")]["deadline"] == "2026-11-05"


def test_coverage_is_indexed_once(req_engine, judged):
    with unit_of_work(req_engine) as session:
        assert len(session.exec(select(SnapshotCoverage)).all()) == 4


def test_summary_and_exports(judged):
    _, report = judged
    summary = {s["village"]: s for s in summarise(report)}
    assert (summary["V1"]["on_time"], summary["V1"]["late"], summary["V1"]["missing"]) == (1, 1, 1)
    csv_bytes = report_csv(report)
    assert csv_bytes.startswith("\ufeff".encode()) and "逾期".encode() in csv_bytes
    assert report_xlsx(report)[:2] == b"PK"


def test_default_catalogue_is_valid_and_complete(req_engine):
    with unit_of_work(req_engine) as session:
        rows = catalogue_rows(session, get_township(session, "T1"))
    assert len(parse_rows(rows)) == len(DEFAULT_CATALOGUE)
    finance = [r["事项名称"] for r in rows if r["类别"] == "财务" and r["清单"] == "主动公开"]
    assert finance[:8] == [
        "财务计划",
        "各项收入",
        "各项支出",
        "各项资产",
        "各类资源",
        "债权债务",
        "收益分配",
        "其他财务事项",
    ]
    assert {r["清单"] for r in rows} == {"主动公开", "依申请公开", "不予公开"}


def test_catalogue_rules(req_engine):
    with pytest.raises(BoardError) as error:
        parse_rows(
            [
                {**ROW, "事项名称": "隐私", "清单": "不予公开", "何时公开": ""},
                {**ROW, "事项名称": "收支", "何时公开": ""},
                {**ROW, "事项名称": "收支", "何时公开": "即时"},
            ]
        )
    problems = {(p.row, p.field) for p in error.value.problems}
    assert {(1, "不予公开理由"), (2, "何时公开"), (3, "事项名称")} <= problems
    with unit_of_work(req_engine) as session:
        with pytest.raises(BoardError, match="乡镇"):
            replace_catalogue(
                session, township=get_township(session, "T1"), rows=CATALOGUE, user=user(session, "clerk1")
            )


def test_catalogue_texts_are_checked_and_exports_neutralise_formulas(judged):
    with pytest.raises(BoardError) as error:
        parse_rows([{**ROW, "事项名称": "收支", "何时公开": "次月5日前", "公开内容": "联系人电话 138 1234 5678"}])
    assert (1, "公开内容") in {(p.row, p.field) for p in error.value.problems}
    _, report = judged
    hostile = [{**report[0], "village_name": '=HYPERLINK("http://x")'}]
    assert "'=HYPERLINK" in report_csv(hostile).decode("utf-8-sig")
    book = load_workbook(io.BytesIO(report_xlsx(hostile)))
    assert book.active.cell(row=2, column=2).value == '\'=HYPERLINK("http://x")'
