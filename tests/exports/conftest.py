"""Fixtures for the PDF and download tests: a demo copy with a 200-line month beside it."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from board.auth import add_user
from board.public import published_snapshot
from board.records import get_or_create_period
from board.villages import add_village, get_village
from board.workflow import approve_period, publish_period, submit_period
from infra.db import get_engine, unit_of_work
from models import Account, AccountBalance, Direction, LedgerEntry, Role
from tests.helpers import DEMO_END, as_raw

BIG_LINES = 200
BIG_CODE = "BIG"
EMPTY_CODE = "EMPTY"
HUGE_FEN = 9_876_543_210  # 98,765,432.10 元: the widest number a row must not cut


def require_tool(name: str) -> str:
    """The path of a command-line tool; a missing tool fails under CI instead of skipping."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; CI must run this test", pytrace=False)
        pytest.skip(f"{name} is not installed")
    return path


def big_ledger() -> list[tuple]:
    """(voucher, summary, direction, amount_fen, account) for 200 lines, balances staying positive."""
    lines = []
    for n in range(1, BIG_LINES + 1):
        if n == 1:
            lines.append((n, "上级拨付专项资金", Direction.income, HUGE_FEN + 500_000_00, Account.bank))
        elif n == 2:
            lines.append(
                (
                    n,
                    "排涝泵站及沟渠整治工程结算款（含设备采购、安装调试、质保金扣留说明）",
                    Direction.expense,
                    HUGE_FEN,
                    Account.bank,
                )
            )
        elif n % 7 == 0:
            lines.append((n, f"第{n}笔 活动场地临时使用费", Direction.income, 10_000 + n * 37, Account.cash))
        else:
            summary = f"第{n}笔 村道路灯维修及更换灯具材料费用（含人工）" if n % 3 else f"第{n}笔 办公用品"
            lines.append((n, summary, Direction.expense, 1_000 + n * 113, Account.bank if n % 2 else Account.cash))
    return lines


@pytest.fixture(scope="module")
def board_db(demo_template, tmp_path_factory) -> str:
    """A demo copy plus village BIG (200-line month DEMO_END, published) and EMPTY (nothing), in DEMO-T."""
    path = tmp_path_factory.mktemp("exports") / "infra.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    with unit_of_work(engine) as session:
        # A real administrator: the demo's admin is confined to the demo village.
        admin = add_user(session, username="guanli", password="a-strong-pass", role=Role.admin)
        village = add_village(
            session,
            code=BIG_CODE,
            name="大账本村",
            township_code="DEMO-T",
            hotline="0523-1234 5678",
            board_address="村委会门口",
        )
        add_village(session, code=EMPTY_CODE, name="未公开村", township_code="DEMO-T")
        period = get_or_create_period(session, village, DEMO_END)
        opening = {Account.cash: 5_000_000, Account.bank: 80_000_000}
        closing = dict(opening)
        for n, summary, direction, amount, account in big_ledger():
            closing[account] += amount if direction == Direction.income else -amount
            session.add(
                LedgerEntry(
                    period_id=period.id,
                    line_no=n,
                    entry_date=date(2026, 10, 1 + n % 31),
                    voucher_no=f"大10-{n:03d}",
                    summary=summary,
                    category="其他收入" if direction == Direction.income else "公益支出",
                    direction=direction,
                    amount_fen=amount,
                    counterparty="某单位",
                    handler="张会计",
                    account=account,
                )
            )
        for account in Account:
            session.add(
                AccountBalance(
                    period_id=period.id,
                    account=account,
                    opening_fen=opening[account],
                    closing_fen=closing[account],
                    statement_fen=closing[account],
                )
            )
        session.flush()
        # The committee's review is a supervisor's own step, never an administrator's.
        supervisor = add_user(
            session, username="jiandu-big", password="a-strong-pass", role=Role.supervisor, village_codes=(BIG_CODE,)
        )
        submit_period(session, village=village, period=DEMO_END, user=admin)
        approve_period(session, village=village, period=DEMO_END, user=supervisor)
        publish_period(session, village=village, period=DEMO_END, user=admin)
        session.commit()
    engine.dispose()
    return url


def read_snapshot(url: str, code: str, period: str) -> dict:
    """The published document as plain data (tests doctor it, then render ``as_record`` of it)."""
    with unit_of_work(get_engine(url)) as session:
        return as_raw(published_snapshot(session, get_village(session, code), period))
