"""Logins are throttled in the database per address, per account and per pair; demo accounts retire."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from board.auth import ACCOUNT_ADDRESS_WAIT, add_user, password_check_slot, visible_village_ids
from board.errors import BoardError, PermissionDenied
from board.villages import add_village
from infra.db import create_db_engine, unit_of_work
from infra.demo import seed_demo
from models import Role, User, Village
from services.users import current_identity, first_admin_missing, log_in

PASSWORD = "password1"
OFFICE, ELSEWHERE, SPRAYER = "10.0.0.5", "203.0.113.9", "198.51.100.7"


@pytest.fixture
def accounts(engine):
    with unit_of_work(engine) as session:
        add_village(session, code="V1", name="测试村", township_code="T1")
        add_user(session, username="sup", password=PASSWORD, role=Role.supervisor, village_codes=("V1",))
        # The sprayed names need not exist: an unknown name costs and counts the same.
        for i in (0, 3):
            add_user(session, username=f"u{i}", password=f"secret-{i}!", role=Role.clerk, village_codes=("V1",))
        session.commit()
    return engine


def _try(engine, username, password, address, now):
    try:
        return log_in(engine, username=username, password=password, address=address, now=now)
    except PermissionDenied as refusal:
        return refusal.problems[0].message


def test_spraying_many_usernames_from_one_address_is_throttled(accounts):
    outcomes = [_try(accounts, f"u{i}", "Summer2026!", SPRAYER, 1000.0 + i * 0.01) for i in range(20)]
    assert outcomes[:10] == [None] * 10
    assert all(isinstance(o, str) and "秒后再试" in o for o in outcomes[10:])
    # Another address is not affected, and neither is the sprayed account's owner.
    assert _try(accounts, "u3", "secret-3!", OFFICE, 1003.0).username == "u3"


def _retry_until_checked(engine, username, address, now):
    """A sprayer who comes back exactly when told to: the time its password was finally checked."""
    while (outcome := _try(engine, username, "Summer2026!", address, now)) is not None:
        now += int(re.search(r"(\d+) 秒", outcome)[1])
    return now


def _wait_of(outcome) -> int:
    return int(re.search(r"(\d+) 秒", outcome)[1])


def test_spraying_from_the_office_address_holds_back_the_sprayer_not_the_staff(accounts):
    assert _try(accounts, "sup", PASSWORD, OFFICE, 0.0).username == "sup"  # the office is a known address
    now = 1.0
    for i in range(20):
        now = _retry_until_checked(accounts, f"guess{i}", OFFICE, now)
    # Twenty sprayed names from one address: a twenty-first is held back for minutes ...
    wait = _wait_of(_try(accounts, "guess20", "Summer2026!", OFFICE, now + 1))
    assert wait > 60
    # ... and so is a real name that never logged in there: the wait does not tell which names exist.
    assert _wait_of(_try(accounts, "u3", "Summer2026!", OFFICE, now + 1)) == wait
    # The supervisor who logged in from the office before waits a few seconds at most, then gets in.
    refusal = _try(accounts, "sup", PASSWORD, OFFICE, now + 1)
    assert _wait_of(refusal) <= ACCOUNT_ADDRESS_WAIT
    assert _try(accounts, "sup", PASSWORD, OFFICE, now + ACCOUNT_ADDRESS_WAIT).username == "sup"


def test_spraying_real_and_unknown_names_from_one_address_is_throttled_alike(accounts):
    now = 1000.0
    for i in range(16):
        now = _retry_until_checked(accounts, f"nobody{i}", SPRAYER, now)
    now += 1
    real = [_wait_of(_try(accounts, name, "guess", SPRAYER, now)) for name in ("sup", "u0", "u3")]
    unknown = [_wait_of(_try(accounts, name, "guess", SPRAYER, now)) for name in ("ghost", "root", "u9")]
    assert len(set(real + unknown)) == 1
    assert real[0] > ACCOUNT_ADDRESS_WAIT
    # Coming back every ACCOUNT_ADDRESS_WAIT seconds gets no password of a real account checked.
    outcomes = [_try(accounts, "sup", "guess", SPRAYER, now + ACCOUNT_ADDRESS_WAIT * (k + 1)) for k in range(5)]
    assert all(isinstance(o, str) and "秒后再试" in o for o in outcomes)


def test_wrong_passwords_elsewhere_do_not_lock_the_supervisor_out(accounts):
    assert _try(accounts, "sup", PASSWORD, OFFICE, 0.0).username == "sup"  # the office is a known address
    for i in range(5):
        assert _try(accounts, "sup", "guess", ELSEWHERE, 100.0 + 60 * i) is None
    assert "秒后再试" in _try(accounts, "sup", "guess", ELSEWHERE, 341.0)
    assert _try(accounts, "sup", PASSWORD, OFFICE, 341.0).username == "sup"
    # Even twenty guesses from many addresses leave the known office address alone.
    for i in range(20):
        _try(accounts, "sup", "guess", f"192.0.2.{i}", 400.0 + i)
    assert _try(accounts, "sup", PASSWORD, OFFICE, 421.0).username == "sup"
    # A new address has to wait a little for that account, then it works: a delay, not a lockout.
    assert "秒后再试" in _try(accounts, "sup", PASSWORD, "192.0.2.200", 421.0)
    assert _try(accounts, "sup", PASSWORD, "192.0.2.200", 600.0).username == "sup"


def test_the_throttle_survives_a_restart(db_url, accounts):
    for i in range(12):
        _try(accounts, f"u{i}", "wrong-one", SPRAYER, 5000.0 + i * 0.01)
    accounts.dispose()
    fresh = create_db_engine(db_url)  # a new engine, as after a server restart
    try:
        assert "秒后再试" in _try(fresh, "u0", "secret-0!", SPRAYER, 5000.5)
        assert _try(fresh, "u0", "secret-0!", SPRAYER, 5600.0).username == "u0"  # the delay has passed
    finally:
        fresh.dispose()


def test_password_checks_are_capped(accounts):
    with password_check_slot(), password_check_slot():
        with unit_of_work(accounts) as session:
            from board.auth import authenticate

            with pytest.raises(PermissionDenied, match="同时登录的人较多"):
                authenticate(session, username="sup", password=PASSWORD, address=OFFICE, slot_timeout=0.05)


def test_a_township_user_needs_a_township(accounts):
    with unit_of_work(accounts) as session, pytest.raises(BoardError, match="必须指定所属乡镇"):
        add_user(session, username="zhen2", password=PASSWORD, role=Role.township)


def test_demo_accounts_retire_once_a_real_village_exists(engine):
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10", months=2)
        session.commit()
    assert first_admin_missing(engine)  # the demo's admin does not count
    assert _try(engine, "admin", "sanwu-demo", OFFICE, 0.0).username == "admin"
    with unit_of_work(engine) as session:
        add_village(session, code="REAL", name="真实村", township_code="T9")
        admin = session.exec(select(User).where(User.username == "admin")).one()
        assert admin.is_demo
        # Confined to the demo: the demo admin never sees the real village.
        assert visible_village_ids(session, admin) == {v.id for v in [_demo_village(session)]}
        add_user(session, username="boss", password="a-strong-pass", role=Role.admin)
        session.commit()
    for username in ("admin", "zhen", "wenshu", "jiandu", "wangge"):
        assert "演示账号已停用" in _try(engine, username, "sanwu-demo", OFFICE, 10.0)
    assert current_identity(engine, "wenshu") is None  # an open demo session ends too
    assert current_identity(engine, "wenshu", demo_logins=True).username == "wenshu"
    assert _try_enabled(engine, "jiandu").username == "jiandu"
    assert not first_admin_missing(engine)
    assert _try(engine, "boss", "a-strong-pass", OFFICE, 11.0).role == Role.admin


def _demo_village(session):
    return session.exec(select(Village).where(Village.code == "DEMO")).one()


def _try_enabled(engine, username):
    return log_in(engine, username=username, password="sanwu-demo", address=OFFICE, demo_logins=True, now=20.0)


def test_cli_refuses_a_township_user_without_a_township(sqlite_url):
    from tests.helpers import run_cli

    result = run_cli(
        "user", "add", "--username", "zhen9", "--role", "township", db=sqlite_url, stdin="long-enough-pw\n"
    )
    assert result.returncode == 2 and "必须指定所属乡镇" in result.stderr
