"""AppTest: the entry, review and audit pages for each role on a private demo database."""

import os
from datetime import date

import pytest
from sqlmodel import select

from board.auth import add_user, get_user
from board.carry import start_month
from board.entry import save_section
from board.errors import PermissionDenied
from board.public import published_snapshot
from board.review import build_review
from board.villages import add_village, get_village
from board.workflow import run_step
from infra.db import get_engine, unit_of_work
from models import Period, PeriodStatus, Role
from tests.entry.conftest import type_statements
from tests.helpers import as_raw
from views.entry_form import load_month

NEXT = "2026-11"  # the demo's last published month is 2026-10


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def _problem_fields(at) -> list[str]:
    """Fields of the problem tables shown by show_error."""
    return [f for df in at.dataframe if "字段" in df.value.columns for f in df.value["字段"]]


def _status(demo_url, period=NEXT) -> Period:
    with unit_of_work(get_engine(demo_url)) as session:
        return session.exec(select(Period).where(Period.period == period)).one()


def _copy_and_check(at):
    """A clerk opens next month: nothing exists until they press 开始录入 after reading what is copied."""
    assert not at.exception
    assert "2026年11月还没有开始录入" in _texts(at.subheader)
    assert "上月公开的月末余额" in _texts(at.markdown) and "名单 1 份" in _texts(at.markdown)
    with unit_of_work(get_engine(os.environ["DATABASE_URL"])) as session:
        assert not session.exec(select(Period).where(Period.period == NEXT)).first()
    at.button(key="start_month").click().run()
    assert not at.exception
    assert "2026年11月已开始录入" in _texts(at.success)
    assert "2026年11月 · 状态：草稿" in _texts(at.caption)
    return at


def _type_statements(at, shift_fen: int = 0) -> None:
    """The clerk types each account's month-end balance off the statement (the books' figure + ``shift_fen``)."""
    state = at.session_state["entry_month"]
    books = {r["label"]: r["expected_fen"] for r in state["identity"]}
    for row in state["grids"]["balances"]:
        row["statement_fen"] = (books[row["account"]] + (shift_fen if row["account"] == "银行存款" else 0)) / 100
    at.run()


def test_clerk_enters_a_month_and_submits_it(make_app, demo_url):
    at = _copy_and_check(make_app("wenshu", Role.clerk, "entry"))
    assert len(at.tabs) == 8 and [t.label for t in at.tabs][:2] == ["收支明细", "账户余额"]
    # Copying never fills the month-end balance: the reconciliation asks for the statement.
    assert "还没有填写银行对账单上的月末余额" in _texts(at.markdown)
    _type_statements(at)
    assert "对上了" in _texts(at.markdown) and ":red[" not in _texts(at.markdown)
    at.button(key="save_balances").click().run()
    assert "已保存。" in _texts(at.success)

    # A new 6万元 payment typed into the grid (AppTest cannot type into data_editor, so the grid data is seeded).
    state = at.session_state["entry_month"]
    state["grids"]["ledger"].append(
        {
            "entry_date": date(2026, 11, 16),
            "voucher_no": "记11-099",
            "summary": "排涝沟渠维修工程款",
            "category": "公益支出",
            "direction": "支出",
            "amount_fen": 60000.5,
            "counterparty": "江淮水利",
            "handler": "王建国",
            "account": "银行存款",
        }
    )
    at.run()
    # The statement did not move: the books are now 60,000.50 below it, and the line is named.
    shown = _texts(at.markdown)
    assert "账上少了 60,000" in shown and "正好是 60,000" in shown
    assert "排涝沟渠维修工程款" in shown
    assert "支出合计 92,005.50元" in _texts(at.caption)
    at.button(key="save_ledger").click().run()
    assert not at.exception and "已保存。" in _texts(at.success)

    # Submitting while the statement and the books differ is refused with the account named.
    at.button(key="submit").click().run()
    assert "银行存款·月末实有余额" in _problem_fields(at)
    assert _status(demo_url).status == PeriodStatus.draft

    _type_statements(at)  # the payment really left the bank: the statement shows it
    assert ":red[" not in _texts(at.markdown)
    at.button(key="save_balances").click().run()
    at.button(key="submit").click().run()
    assert not at.exception
    assert "已提交" in _texts(at.success)
    row = _status(demo_url)
    assert row.status == PeriodStatus.submitted and row.submitted_by == "wenshu"
    with unit_of_work(get_engine(demo_url)) as session:
        major = build_review(
            session, village=get_village(session, "DEMO"), period=NEXT, user=get_user(session, "jiandu")
        )["major_payments"]
    assert [(m["summary"], m["amount_fen"]) for m in major] == [("排涝沟渠维修工程款", 6_000_050)]


def test_save_after_someone_else_saved_shows_a_conflict(make_app, demo_url):
    at = _copy_and_check(make_app("wenshu", Role.clerk, "entry"))
    with unit_of_work(get_engine(demo_url)) as session:  # a second clerk saves the same month meanwhile
        village, clerk = get_village(session, "DEMO"), get_user(session, "wenshu")
        save_section(
            session,
            village=village,
            period=NEXT,
            user=clerk,
            section="services",
            rows=[{"name": "另一位文书录入的事项"}],
        )
        session.commit()
    at.session_state["entry_month"]["grids"]["services"].append({"name": "我的新事项"})
    at.run()
    at.button(key="save_services").click().run()
    assert not at.exception
    assert "别人刚保存过" in _texts(at.error)
    assert "我的新事项" in at.dataframe[-1].value["事项"].tolist()  # the clerk's unsaved rows stay visible
    with unit_of_work(get_engine(demo_url)) as session:
        month = load_month(session, village=get_village(session, "DEMO"), period=NEXT, user=get_user(session, "wenshu"))
    assert [s["name"] for s in month["grids"]["services"]] == ["另一位文书录入的事项"]


def test_published_month_is_read_only_until_amended(make_app, demo_url):
    at = make_app("wenshu", Role.clerk, "entry")
    at.sidebar.selectbox(key="entry_period").set_value("2026-10").run()
    assert not at.exception
    assert "只能查看" in _texts(at.info)
    assert at.button(key="save_ledger").disabled and at.button(key="submit").disabled
    at.button(key="amend").click().run()
    assert "更正说明" in _problem_fields(at)
    at.text_area(key="amend_reason").input("10月电费金额录错，更正").run()
    at.button(key="amend").click().run()
    assert not at.exception
    assert _status(demo_url, "2026-10").status == PeriodStatus.draft
    assert "本次更正说明：10月电费金额录错，更正" in _texts(at.info)
    assert not at.button(key="save_ledger").disabled


def _reconcile_and_submit(session, village, clerk) -> None:
    type_statements(session, village, clerk, NEXT)
    run_step(session, village=village, period=NEXT, user=clerk, step="submit")


def _submit_next_month(demo_url):
    """The clerk's part done in the domain: next month started, reconciled with the statement and submitted."""
    with unit_of_work(get_engine(demo_url)) as session:
        village, clerk = get_village(session, "DEMO"), get_user(session, "wenshu")
        start_month(session, village=village, period=NEXT, user=clerk)
        _reconcile_and_submit(session, village, clerk)
        session.commit()


def test_supervisor_sends_back_then_approves_and_clerk_publishes(make_app, demo_url):
    _submit_next_month(demo_url)
    at = make_app("jiandu", Role.supervisor, "review")
    assert not at.exception
    assert at.sidebar.selectbox(key="review_period").value == NEXT
    assert "以下栏目本月为空，公开时显示“本月无”：党务" in _texts(at.warning)
    assert "账户余额勾稽" in _texts(at.markdown)
    assert {b.key for b in at.button} == {"step_approve", "step_reject"}

    at.button(key="step_reject").click().run()  # no reason given: refused
    assert "退回意见" in _problem_fields(at)
    at.text_area(key="review_comment").input("请补充党务公开内容").run()
    at.button(key="step_reject").click().run()
    assert not at.exception and _status(demo_url).rejection_comment == "请补充党务公开内容"

    clerk = make_app("wenshu", Role.clerk, "entry")
    assert "监督委员会退回意见：请补充党务公开内容" in _texts(clerk.warning)
    clerk.button(key="submit").click().run()
    assert _status(demo_url).status == PeriodStatus.submitted

    at.run()
    at.button(key="step_approve").click().run()
    assert not at.exception and _status(demo_url).status == PeriodStatus.approved

    clerk = make_app("wenshu", Role.clerk, "review")
    assert {b.key for b in clerk.button} == {"step_publish"}
    clerk.button(key="step_publish").click().run()
    assert not clerk.exception
    assert "第1版" in _texts(clerk.success)
    with unit_of_work(get_engine(demo_url)) as session:
        snapshot = as_raw(published_snapshot(session, get_village(session, "DEMO"), NEXT))
    assert snapshot["period"] == NEXT and snapshot["party"] == [] and snapshot["workflow"]["approved_by"]


def test_township_reviews_read_only(make_app, demo_url):
    _submit_next_month(demo_url)
    at = make_app("zhen", Role.township, "review")
    assert not at.exception
    assert "账户余额勾稽" in _texts(at.markdown)
    assert not at.button and not at.text_area
    assert "只能查看" in _texts(at.caption)
    with unit_of_work(get_engine(demo_url)) as session:
        with pytest.raises(PermissionDenied):
            run_step(
                session,
                village=get_village(session, "DEMO"),
                period=NEXT,
                user=get_user(session, "zhen"),
                step="approve",
            )
    with pytest.raises(ValueError):  # no entry page in the township's menu
        at.switch_page("pages/staff/entry.py")


def test_clerk_of_another_village_is_refused(make_app, demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        add_village(session, code="OTHER", name="邻村")
        add_user(session, username="clerk-b", password="other-pass-1", role=Role.clerk, village_codes=("OTHER",))
        session.commit()
    at = make_app("clerk-b", Role.clerk, "entry")
    assert not at.exception
    assert at.sidebar.selectbox(key="entry_village").options == ["邻村（OTHER）"]
    assert "邻村" in _texts(at.subheader)
    # Even with the page bypassed, the domain refuses the demo village to this clerk.
    with unit_of_work(get_engine(demo_url)) as session:
        village, other = get_village(session, "DEMO"), get_user(session, "clerk-b")
        with pytest.raises(PermissionDenied, match="没有“青禾镇幸福社区"):
            load_month(session, village=village, period=NEXT, user=other)
        with pytest.raises(PermissionDenied):
            save_section(session, village=village, period=NEXT, user=other, section="services", rows=[])
        with pytest.raises(PermissionDenied):
            build_review(session, village=village, period="2026-10", user=other)
    audit = make_app("clerk-b", Role.clerk, "audit")
    assert "没有符合条件的记录" in _texts(audit.info)


def test_audit_page_filters_by_village_and_month(make_app):
    _copy_and_check(make_app("wenshu", Role.clerk, "entry"))
    audit = make_app("jiandu", Role.supervisor, "audit")
    audit.text_input(key="audit_period").input(NEXT).run()
    assert not audit.exception
    table = audit.dataframe[0].value
    assert set(table["月份"]) == {NEXT} and set(table["用户"]) == {"wenshu"}
    assert "保存收支明细" in table["操作"].tolist()
    audit.selectbox(key="audit_village").set_value("DEMO").run()
    assert len(audit.dataframe[0].value) == len(table)
    audit.text_input(key="audit_period").input("2026-10").run()
    assert set(audit.dataframe[0].value["操作"]) == {"提交审核", "审核通过", "公开"}
    audit.text_input(key="audit_period").input("2026-13").run()
    assert "月份" in _problem_fields(audit)


def test_recipient_list_is_full_for_the_clerk_and_masked_for_the_reviewer(make_app, demo_url):
    person = {
        "name": "张桂兰",
        "id_number": "110101199003070011",
        "phone": "13812345678",
        "group_name": "第1组",
        "amount_fen": 62_000,
    }
    with unit_of_work(get_engine(demo_url)) as session:
        village, clerk = get_village(session, "DEMO"), get_user(session, "wenshu")
        start_month(session, village=village, period=NEXT, user=clerk)
        save_section(
            session,
            village=village,
            period=NEXT,
            user=clerk,
            section="affairs",
            rows=[
                {
                    "category": "低保·救助·补贴发放",
                    "item_date": date(2026, 11, 10),
                    "title": "11月低保金发放",
                    "amount_fen": 62_000,
                    "beneficiaries": [person],
                }
            ],
        )
        session.commit()
    at = make_app("wenshu", Role.clerk, "entry")
    assert not at.exception
    affair_id = at.selectbox(key="affair_pick").value
    people = at.session_state["entry_month"]["beneficiaries"][affair_id]
    assert people[0]["id_number"] == "110101199003070011"  # staff-only full number in the editor
    people.append(
        {
            "name": "王德福",
            "id_number": "",
            "phone": "13900001111",
            "group_name": "第2组",
            "amount_fen": 58_000,
            "note": "",
        }
    )
    at.run()
    assert "金额合计 1,200.00元" in _texts(at.caption)
    at.button(key="save_beneficiaries").click().run()
    assert not at.exception and "已保存。" in _texts(at.success)
    with unit_of_work(get_engine(demo_url)) as session:
        month = load_month(session, village=get_village(session, "DEMO"), period=NEXT, user=get_user(session, "wenshu"))
    assert [(p["name"], p["amount_fen"]) for p in month["beneficiaries"][affair_id]] == [
        ("张桂兰", 62_000),
        ("王德福", 58_000),
    ]

    review = make_app("jiandu", Role.supervisor, "review")
    # A draft nobody submitted is not the supervisor's yet; once submitted it is.
    assert NEXT not in review.sidebar.selectbox(key="review_period").options
    with unit_of_work(get_engine(demo_url)) as session:
        _reconcile_and_submit(session, get_village(session, "DEMO"), get_user(session, "wenshu"))
        session.commit()
    review = make_app("jiandu", Role.supervisor, "review")
    review.sidebar.selectbox(key="review_period").set_value(NEXT).run()
    shown = [df.value for df in review.dataframe if "身份证号" in df.value.columns]
    assert shown and shown[0]["身份证号"].tolist() == ["1101**********0011", ""]
    assert shown[0]["手机号"].tolist() == ["138****5678", "139****1111"]
