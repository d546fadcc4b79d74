"""Submit → approve → publish, refusals, amendments and the CLI, on SQLite and PostgreSQL."""

import json
import threading

import pytest
from sqlmodel import select

from board.auth import add_user, get_user
from board.entry import save_section
from board.errors import BoardError, PermissionDenied
from board.public import published_snapshot, published_versions
from board.records import find_period
from board.snapshot import verify_chain
from board.villages import add_village, get_village
from board.workflow import amend_period, approve_period, publish_period, reject_period, submit_period
from infra.db import get_engine, migrate, unit_of_work
from models import AuditLog, LedgerEntry, PeriodStatus, Role
from tests.helpers import as_raw, run_cli

PERIOD = "2026-10"
VALID_ID = "11010519491231002X"


def setup_village(engine) -> None:
    with unit_of_work(engine) as session:
        add_village(session, code="V1", name="测试村", township_code="T1", hotline="0523-1234567")
        add_user(session, username="clerk", password="password1", role=Role.clerk, village_codes=("V1",))
        add_user(session, username="sup", password="password1", role=Role.supervisor, village_codes=("V1",))
        session.commit()


LEDGER = [
    {
        "entry_date": "2026-10-03",
        "voucher_no": "记001",
        "summary": "门面租金",
        "category": "经营收入",
        "direction": "收入",
        "amount_fen": "1,800.00",
        "account": "银行存款",
    },
    {
        "entry_date": "2026-10-08",
        "voucher_no": "记002",
        "summary": "排涝工程进度款",
        "category": "公益支出",
        "direction": "支出",
        "amount_fen": "68,000.00",
        "account": "银行存款",
    },
    {
        "entry_date": "2026-10-09",
        "voucher_no": "记003",
        "summary": "办公用品",
        "category": "管理费用",
        "direction": "支出",
        "amount_fen": "235.50",
        "account": "现金",
    },
]
BALANCES = [
    {"account": "银行存款", "opening_fen": "100,000.00", "closing_fen": "33,800.00"},
    {"account": "现金", "opening_fen": "1,000.00", "closing_fen": "764.50"},
]


def enter_month(engine, *, ledger=LEDGER, balances=BALANCES, affairs=None, period=PERIOD) -> None:
    with unit_of_work(engine) as session:
        village, user = get_village(session, "V1"), get_user(session, "clerk")
        save_section(session, village=village, period=period, user=user, section="ledger", rows=ledger)
        save_section(session, village=village, period=period, user=user, section="balances", rows=balances)
        if affairs is not None:
            save_section(session, village=village, period=period, user=user, section="affairs", rows=affairs)
        session.commit()


def step(engine, fn, username, period=PERIOD, **kw):
    with unit_of_work(engine) as session:
        result = fn(session, village=get_village(session, "V1"), period=period, user=get_user(session, username), **kw)
        session.commit()
        return result


def test_publish_builds_masked_chained_snapshot(engine):
    setup_village(engine)
    affairs = [
        {
            "category": "低保·救助·补贴发放",
            "item_date": "2026-10-10",
            "title": "10月低保发放",
            "amount_fen": "580",
            "beneficiaries": [{"name": "张桂兰", "id_number": VALID_ID, "phone": "13812345678", "amount_fen": "580"}],
        }
    ]
    enter_month(engine, affairs=affairs)
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    snapshot_row = step(engine, publish_period, "sup")
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        content = as_raw(published_snapshot(session, village))
        assert verify_chain(session, village.id).ok
    totals = content["finance"]["totals"]
    assert totals == {
        "opening_fen": 10_100_000,
        "income_fen": 180_000,
        "expense_fen": 6_823_550,
        "closing_fen": 3_456_450,
    }
    assert content["hash"] == snapshot_row.content_hash
    assert content["finance"]["major_payments"][0]["amount_fen"] == 6_800_000
    person = content["affairs"][0]["beneficiaries"][0]
    assert person["id_number"] == "1101**********002X" and person["phone"] == "138****5678"
    assert VALID_ID not in json.dumps(content) and "13812345678" not in json.dumps(content)


def test_publish_refuses_unbalanced_month_naming_the_account(engine):
    setup_village(engine)
    enter_month(
        engine, balances=[{"account": "银行存款", "opening_fen": "100,000", "closing_fen": "33,800.01"}, BALANCES[1]]
    )
    with pytest.raises(BoardError) as info:
        step(engine, submit_period, "clerk")
    problem = info.value.problems[0]
    assert problem.field == "银行存款·月末实有余额"
    assert "银行对账单上是 33,800.01元，账上少了 0.01元" in problem.message
    with unit_of_work(engine) as session:  # nothing changed
        assert published_versions(session, get_village(session, "V1"), PERIOD) == []


def test_saving_refuses_pii_in_free_text_naming_the_row(engine):
    setup_village(engine)
    ledger = [dict(LEDGER[0]), dict(LEDGER[1]), dict(LEDGER[2], summary=f"报销 经手人身份证{VALID_ID}")]
    with pytest.raises(BoardError) as info:
        enter_month(engine, ledger=ledger)
    assert [(p.row, p.field) for p in info.value.problems] == [(3, "收支明细·摘要")]
    assert "身份证号" in info.value.problems[0].message


def test_submit_refuses_pii_already_stored_naming_the_row(engine):
    """Text stored before the save-time check (or written around it) is caught again at submit."""
    setup_village(engine)
    enter_month(engine)
    with unit_of_work(engine) as session:
        line = session.exec(select(LedgerEntry).where(LedgerEntry.voucher_no == "记003")).one()
        line.summary = "报销 经手人身份证 110105\u00a01949\u20131231\u200b002X"
        session.add(line)
        session.commit()
    with pytest.raises(BoardError) as info:
        step(engine, submit_period, "clerk")
    assert {(p.row, p.field) for p in info.value.problems} == {(3, "收支明细·摘要")}
    assert any("身份证号" in p.message for p in info.value.problems)
    assert any("控制字符" in p.message for p in info.value.problems)


def test_validation_lists_every_problem(engine):
    setup_village(engine)
    ledger = [dict(LEDGER[0], entry_date="2026-09-30"), dict(LEDGER[1], voucher_no="记001"), LEDGER[2]]
    enter_month(engine, ledger=ledger)
    with pytest.raises(BoardError) as info:
        step(engine, submit_period, "clerk")
    fields = {(p.row, p.field) for p in info.value.problems}
    assert (1, "收支明细·日期") in fields
    assert (2, "收支明细·凭证号") in fields


def test_roles_are_enforced_in_the_domain(engine):
    setup_village(engine)
    enter_month(engine)
    with pytest.raises(PermissionDenied):
        step(engine, approve_period, "clerk")
    with unit_of_work(engine) as session:
        add_village(session, code="V2", name="邻村")
        add_user(session, username="other", password="password1", role=Role.clerk, village_codes=("V2",))
        session.commit()
    with pytest.raises(PermissionDenied):
        step(engine, submit_period, "other")


def test_an_administrator_may_not_review_in_the_committees_place(engine):
    setup_village(engine)
    enter_month(engine)
    with unit_of_work(engine) as session:
        add_user(session, username="boss", password="password1", role=Role.admin)
        session.commit()
    step(engine, submit_period, "boss")  # an administrator may help the clerk
    for refused in (approve_period, reject_period):
        with pytest.raises(PermissionDenied, match="村务监督委员会的职责"):
            step(engine, refused, "boss", **({"comment": "退回"} if refused is reject_period else {}))
    step(engine, approve_period, "sup")
    step(engine, publish_period, "boss")


def test_reject_amend_and_republish_keep_history(engine):
    setup_village(engine)
    enter_month(engine)
    step(engine, submit_period, "clerk")
    with pytest.raises(BoardError):
        step(engine, reject_period, "sup", comment="  ")
    step(engine, reject_period, "sup", comment="凭证记002缺少验收单")
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        row = find_period(session, village, PERIOD)
        assert row.status == PeriodStatus.draft and row.rejection_comment == "凭证记002缺少验收单"
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    first = step(engine, publish_period, "sup")
    with pytest.raises(BoardError):  # published data is never changed in place
        enter_month(engine)
    step(engine, amend_period, "clerk", reason="记003金额录入有误，更正为 253.50 元")
    ledger = [LEDGER[0], LEDGER[1], dict(LEDGER[2], amount_fen="253.50")]
    enter_month(engine, ledger=ledger, balances=[BALANCES[0], dict(BALANCES[1], closing_fen="746.50")])
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    second = step(engine, publish_period, "sup")
    assert (first.version, second.version) == (1, 2)
    assert second.prev_hash == first.content_hash
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        latest = as_raw(published_snapshot(session, village, PERIOD))
        original = as_raw(published_snapshot(session, village, PERIOD, version=1))
        assert verify_chain(session, village.id).ok
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id))]
    assert latest["amendment_reason"].startswith("记003") and latest["finance"]["totals"]["expense_fen"] == 6_825_350
    assert original["finance"]["totals"]["expense_fen"] == 6_823_550  # the old version stays visible
    assert actions.count("publish") == 2 and "amend" in actions and "reject" in actions


def test_opening_must_match_last_published_closing(engine):
    setup_village(engine)
    enter_month(engine)
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    step(engine, publish_period, "sup")
    enter_month(
        engine,
        period="2026-11",
        ledger=[],
        balances=[
            {"account": "银行存款", "opening_fen": "33,800.00", "closing_fen": "33,800.00"},
            {"account": "现金", "opening_fen": "700", "closing_fen": "700"},
        ],
    )
    with pytest.raises(BoardError) as info:
        step(engine, submit_period, "clerk", period="2026-11")
    assert [p.field for p in info.value.problems] == ["现金·月初余额"]


def test_cli_workflow_and_period_show(db_url, engine):
    setup_village(engine)
    enter_month(engine)
    for args in (
        ["period", "submit", "--by", "clerk"],
        ["period", "approve", "--by", "sup"],
        ["period", "publish", "--by", "sup"],
    ):
        result = run_cli(*args[:2], "--village", "V1", "--period", PERIOD, *args[2:], db=db_url, password="password1")
        assert result.returncode == 0, result.stderr
    shown = run_cli("period", "show", "--village", "V1", "--period", PERIOD, "--json", db=db_url)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["status"] == "published" and len(data["snapshot_hash"]) == 64
    assert (data["opening_fen"], data["income_fen"], data["expense_fen"], data["closing_fen"]) == (
        10_100_000,
        180_000,
        6_823_550,
        3_456_450,
    )
    bank = next(a for a in data["accounts"] if a["account"] == "bank")
    assert bank["closing_fen"] == 3_380_000
    again = run_cli(
        "period", "publish", "--village", "V1", "--period", PERIOD, "--by", "sup", db=db_url, password="password1"
    )
    assert again.returncode == 2 and "已公开" in again.stderr and "Traceback" not in again.stderr


def test_internal_transfer_moves_accounts_but_is_not_income_or_spending(engine):
    setup_village(engine)
    transfer = [
        {
            "entry_date": "2026-10-10",
            "voucher_no": "记004",
            "summary": "提取备用金",
            "category": "内部转账",
            "direction": "支出",
            "amount_fen": "500",
            "account": "银行存款",
        },
        {
            "entry_date": "2026-10-10",
            "voucher_no": "记004",
            "summary": "提取备用金",
            "category": "内部转账",
            "direction": "收入",
            "amount_fen": "500",
            "account": "现金",
        },
    ]
    balances = [dict(BALANCES[0], closing_fen="33,300.00"), dict(BALANCES[1], closing_fen="1,264.50")]
    enter_month(engine, ledger=LEDGER + transfer[:1], balances=[BALANCES[0], BALANCES[1]])
    with pytest.raises(BoardError) as info:  # one leg only: refused, naming the transfer
        step(engine, submit_period, "clerk")
    assert any(p.field == "收支明细·内部转账" for p in info.value.problems)
    enter_month(engine, ledger=LEDGER + transfer, balances=balances)
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    step(engine, publish_period, "sup")
    with unit_of_work(engine) as session:
        finance = as_raw(published_snapshot(session, get_village(session, "V1")))["finance"]
    assert finance["totals"] == {
        "opening_fen": 10_100_000,
        "income_fen": 180_000,
        "expense_fen": 6_823_550,
        "closing_fen": 3_456_450,
    }
    cash = next(a for a in finance["accounts"] if a["account"] == "cash")
    assert (cash["income_fen"], cash["closing_fen"]) == (50_000, 126_450)
    assert finance["transfers"] == {"count": 2, "amount_fen": 50_000}
    assert "内部转账" not in [c["category"] for c in finance["expense_by_category"]]


def test_concurrent_publishes_never_fork_the_chain(pg_url):
    """Two months of one village published at the same moment on PostgreSQL: one linear chain."""
    engine = get_engine(pg_url)
    migrate(engine)
    setup_village(engine)
    enter_month(engine)
    for fn, user in ((submit_period, "clerk"), (approve_period, "sup"), (publish_period, "sup")):
        step(engine, fn, user)
    november = [dict(LEDGER[0], entry_date="2026-11-03", voucher_no="记101")]
    # November opens where October closes and October's correction keeps its closing,
    # so either may be published first.
    enter_month(
        engine,
        period="2026-11",
        ledger=november,
        balances=[
            {"account": "银行存款", "opening_fen": "33,800", "closing_fen": "35,600"},
            {"account": "现金", "opening_fen": "764.50", "closing_fen": "764.50"},
        ],
    )
    step(engine, amend_period, "clerk", reason="摘要写错，更正为门面租金（10月）")
    enter_month(engine, ledger=[dict(LEDGER[0], summary="门面租金（10月）"), *LEDGER[1:]])
    for month in ("2026-11", PERIOD):
        step(engine, submit_period, "clerk", period=month)
        step(engine, approve_period, "sup", period=month)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def publish(month: str) -> None:
        try:
            with unit_of_work(engine) as session:
                village, sup = get_village(session, "V1"), get_user(session, "sup")
                barrier.wait()
                publish_period(session, village=village, period=month, user=sup)
                session.commit()
        except BoardError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(m,)) for m in (PERIOD, "2026-11")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []  # the row lock makes the second wait, then chain onto the first
    with unit_of_work(engine) as session:
        report = verify_chain(session, get_village(session, "V1").id)
    assert report.ok and report.checked == 3, report.problems


def test_months_are_published_in_order(engine):
    setup_village(engine)
    enter_month(engine)
    step(engine, submit_period, "clerk")
    step(engine, approve_period, "sup")
    step(engine, publish_period, "sup")
    december = [dict(LEDGER[0], entry_date="2026-12-03", voucher_no="记201")]
    enter_month(
        engine,
        period="2026-12",
        ledger=december,
        balances=[
            {"account": "银行存款", "opening_fen": "0", "closing_fen": "1,800"},
            {"account": "现金", "opening_fen": "0", "closing_fen": "0"},
        ],
    )
    # December may be prepared and reviewed ahead, but not published while November is missing.
    step(engine, submit_period, "clerk", period="2026-12")
    step(engine, approve_period, "sup", period="2026-12")
    with pytest.raises(BoardError) as info:
        step(engine, publish_period, "sup", period="2026-12")
    assert [p.field for p in info.value.problems] == ["月份"]
    assert "请先公开 2026年11月" in info.value.problems[0].message
    with unit_of_work(engine) as session:
        assert published_versions(session, get_village(session, "V1"), "2026-12") == []
