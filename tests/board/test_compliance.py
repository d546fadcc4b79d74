from datetime import date

from board.compliance import compliance_report, deadline_for
from board.villages import add_village
from infra.db import unit_of_work
from tests.helpers import run_cli


def test_deadline_is_in_the_following_month():
    assert deadline_for("2026-10") == date(2026, 11, 10)
    assert deadline_for("2026-12", 20) == date(2027, 1, 20)
    assert deadline_for("2026-01", 31) == date(2026, 2, 28)


def test_report_marks_published_late_and_missing(demo_engine):
    with unit_of_work(demo_engine) as session:
        add_village(session, code="LATE", name="迟报村", township_code="DEMO-T")
        session.commit()
        rows = compliance_report(session, township_code="DEMO-T", period="2026-10", today=date(2026, 11, 25))
    by_code = {r["village"]: r for r in rows}
    demo = by_code["DEMO"]
    assert demo["published_on"] == "2026-11-06" and demo["on_time"] and demo["verdict"] == "按时公开"
    assert by_code["LATE"]["status"] == "未开始"
    assert by_code["LATE"]["verdict"] == "未公开，已逾期 15 天"
    assert not by_code["LATE"]["on_time"]


def test_cli_compliance(demo_url):
    result = run_cli("compliance", "--township", "DEMO-T", "--period", "2026-10", db=demo_url)
    assert result.returncode == 0 and "青禾镇幸福社区" in result.stdout
    bad = run_cli("compliance", "--township", "NOPE", "--period", "2026-10", db=demo_url)
    assert bad.returncode == 2 and "乡镇" in bad.stderr
