"""Fixtures for entry, review, carry-forward and audit tests: a small village on any database, and AppTest."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from board.auth import add_user
from board.entry import save_section
from board.villages import add_village
from board.workflow import approve_period, publish_period, submit_period
from infra.db import unit_of_work
from models import Role
from pages.shared.session import USER_KEY, StaffUser
from tests.helpers import ROOT
from views.entry_form import load_month

PASSWORD = "secret-pass-1"


def ledger_line(
    day: date,
    summary: str,
    amount_fen: int,
    *,
    direction="out",
    category="管理费用",
    account="bank",
    counterparty="",
    voucher="",
) -> dict:
    return {
        "entry_date": day,
        "voucher_no": voucher,
        "summary": summary,
        "category": category,
        "direction": direction,
        "amount_fen": amount_fen,
        "counterparty": counterparty,
        "handler": "",
        "account": account,
    }


def enter_month(session, village, clerk, period: str, *, opening: int, lines: list[dict], **sections) -> None:
    """Enter a balanced month (closing computed from the lines)."""
    net = sum(line["amount_fen"] if line["direction"] == "in" else -line["amount_fen"] for line in lines)
    save_section(session, village=village, period=period, user=clerk, section="ledger", rows=lines)
    save_section(
        session,
        village=village,
        period=period,
        user=clerk,
        section="balances",
        rows=[{"account": "bank", "opening_fen": opening, "closing_fen": opening + net}],
    )
    for section, rows in sections.items():
        save_section(session, village=village, period=period, user=clerk, section=section, rows=rows)


def type_statements(session, village, clerk, period: str) -> None:
    """The clerk types each used account's month-end balance off the statement, equal to the books."""
    identity = load_month(session, village=village, period=period, user=clerk)["identity"]
    save_section(
        session,
        village=village,
        period=period,
        user=clerk,
        section="balances",
        rows=[
            {"account": r["account"], "opening_fen": r["opening_fen"], "statement_fen": r["expected_fen"]}
            for r in identity
            if r["opening_fen"] or r["income_fen"] or r["expense_fen"]
        ],
    )


def publish(session, village, clerk, supervisor, period: str) -> None:
    submit_period(session, village=village, period=period, user=clerk)
    approve_period(session, village=village, period=period, user=supervisor)
    publish_period(session, village=village, period=period, user=supervisor)


@pytest.fixture
def village_setup(engine):
    """Village V1 with a clerk, a supervisor, a township user; village V2 with its own clerk."""
    with unit_of_work(engine) as session:
        v1 = add_village(session, code="V1", name="一村", township_code="T1")
        v2 = add_village(session, code="V2", name="二村", township_code="T2")
        add_user(session, username="clerk1", password=PASSWORD, role=Role.clerk, village_codes=("V1",))
        add_user(session, username="sup1", password=PASSWORD, role=Role.supervisor, village_codes=("V1",))
        add_user(session, username="town1", password=PASSWORD, role=Role.township, township_code="T1")
        add_user(session, username="clerk2", password=PASSWORD, role=Role.clerk, village_codes=("V2",))
        session.commit()
        ids = (v1.id, v2.id)
    return engine, ids


@pytest.fixture
def make_app(demo_url, monkeypatch):
    """``make_app(username, display, role, page)`` → AppTest of app.py logged in and switched to ``page``."""
    monkeypatch.setenv("DATABASE_URL", demo_url)

    def make(username: str, role: Role, page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state[USER_KEY] = StaffUser(username, username, role)
        at.run()
        at.switch_page(f"pages/staff/{page}.py")
        return at.run()

    return make
