"""Deadline and catalogue reminders reach the village's staff group through the outbox."""

from datetime import UTC, date, datetime

from board.auth import add_user
from board.catalogue import replace_catalogue
from board.requests import submit_request
from board.villages import add_village, get_township
from exports.wechat.grids import add_grid
from exports.wechat.outbox import send_due
from exports.wechat.reminders import queue_catalogue_reminders, queue_request_reminders
from infra.db import unit_of_work
from models import Role
from tests.helpers import run_cli
from tests.wechat.conftest import FAST

SUBMITTED = datetime(2026, 2, 13, 3, tzinfo=UTC)  # due 2026-03-19 (20 working days)


def setup(engine, *, group=True):
    with unit_of_work(engine) as session:
        village = add_village(session, code="R1", name="南岗村", township_code="RT")
        add_user(
            session,
            username="clerkr",
            password="sanwu-test",
            role=Role.clerk,
            display_name="文书 周海军",
            village_codes=("R1",),
        )
        if group:
            add_grid(session, village=village, name="工作人员", channel="robot", key_ref="GRID_ROBOT_KEY")
        add_grid(session, village=village, name="一网格", channel="robot", key_ref="GRID_OTHER_ROBOT_KEY")
        request = submit_request(
            session,
            village_code="R1",
            kind="依申请公开",
            topic="收支明细",
            subject="排水沟工程款",
            question="用途？",
            phone="13812345678",
            name="张三",
            now=SUBMITTED,
        )
        session.commit()
        return request.code


def texts(fake):
    return [e["body"]["text"]["content"] for e in fake.delivered("webhook/send")]


def test_three_working_days_before_and_on_the_day(engine, fake, settings):
    code = setup(engine)
    now = datetime(2026, 3, 13, 1, tzinfo=UTC)
    # 3/13 is 4 working days before 3/19: nothing yet.
    assert queue_request_reminders(engine, today=date(2026, 3, 13), now=now).due == 0
    report = queue_request_reminders(engine, today=date(2026, 3, 16), now=now)
    assert (report.due, report.queued, report.no_group) == (1, 1, [])
    assert queue_request_reminders(engine, today=date(2026, 3, 17), now=now).queued == 0  # once per stage
    send_due(engine, now=now, settings=settings, timeout=FAST)
    assert queue_request_reminders(engine, today=date(2026, 3, 19), now=now).queued == 1
    send_due(engine, now=now, settings=settings, timeout=FAST)
    sent = texts(fake)
    assert len(sent) == 2 and all(code in t for t in sent)
    assert "还剩 3 个工作日" in sent[0] and "今天到期" in sent[1] and "文书 周海军" in sent[1]
    assert all("13812345678" not in t and "张三" not in t for t in sent)
    keys = {e["query"]["key"] for e in fake.delivered("webhook/send")}
    assert len(keys) == 1  # only the staff group, not the residents' grid


def test_village_without_a_staff_group_is_reported(engine, fake, settings):
    setup(engine, group=False)
    report = queue_request_reminders(engine, today=date(2026, 3, 19), now=SUBMITTED)
    assert report.queued == 0 and report.no_group == ["南岗村"]


def test_late_catalogue_items_remind_the_clerk(engine, fake, settings):
    setup(engine)
    rows = [
        {
            "清单": "主动公开",
            "类别": "财务",
            "事项名称": "收支",
            "谁来公开": "报账员",
            "向谁公开": "村民",
            "怎么公开": "公开栏",
            "何时公开": "次月10日前",
            "核对依据": "收支明细",
        }
    ]
    with unit_of_work(engine) as session:
        replace_catalogue(session, township=get_township(session, "RT"), rows=rows, user=None)
        session.commit()
    now = datetime(2026, 11, 20, 1, tzinfo=UTC)
    report = queue_catalogue_reminders(engine, township_code="RT", period="2026-10", today=date(2026, 11, 20), now=now)
    assert report.queued == 1
    assert (
        queue_catalogue_reminders(
            engine, township_code="RT", period="2026-10", today=date(2026, 11, 21), now=now
        ).queued
        == 0
    )
    send_due(engine, now=now, settings=settings, timeout=FAST)
    assert "收支（未公开，期限 2026-11-10）" in texts(fake)[0]


def test_remind_command(sqlite_engine, sqlite_url, wecom_env):
    setup(sqlite_engine)
    result = run_cli("remind", "requests", "--today", "2026-03-19", db=sqlite_url, env=wecom_env)
    assert result.returncode == 0, result.stderr
    assert "今天应提醒 1 项，新加入发送队列 1 条" in result.stdout
    bad = run_cli("remind", "catalogue", "--township", "RT", db=sqlite_url, env=wecom_env)
    assert bad.returncode == 2 and "--period" in bad.stderr
