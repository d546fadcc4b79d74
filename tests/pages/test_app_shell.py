"""Navigation by role, the login gate and the read-only period overview."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from infra.db import get_engine, unit_of_work
from models import Role, User
from tests.helpers import ROOT

CLERK = ("wenshu", "文书 李秀兰", Role.clerk)


def test_public_board_needs_no_login(make_app):
    at = make_app()
    assert not at.exception
    assert "三务公开栏" in at.title[0].value


def test_staff_pages_are_not_registered_without_login(make_app):
    at = make_app()
    with pytest.raises(ValueError):
        at.switch_page("pages/staff/overview.py")


def log_in(at, username: str, password: str):
    at.switch_page("pages/staff/login.py").run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def test_login_with_wrong_password_is_refused(make_app):
    at = log_in(make_app(), "wenshu", "wrong-password")
    assert any("不对" in e.value for e in at.error)
    assert "staff_user" not in at.session_state


def test_login_then_overview_lists_published_months(make_app):
    at = log_in(make_app(), "wenshu", "sanwu-demo")
    assert not at.exception
    at.switch_page("pages/staff/overview.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 24
    assert set(table["状态"]) == {"已公开"}
    assert table.iloc[0]["月份"] == "2026年10月"


STAFF_PAGES = sorted(p for p in (ROOT / "pages" / "staff").glob("*.py") if p.name != "login.py")


@pytest.mark.parametrize("script", STAFF_PAGES, ids=lambda p: p.name)
def test_every_staff_page_checks_login_itself(script, demo_url, monkeypatch):
    """Run the page script without app.py, as a deep link in legacy mode would."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception
    assert any("请先登录" in w.value for w in at.warning)
    assert not at.dataframe and not at.table and not at.metric


def test_a_deactivated_account_loses_access_at_once(make_app, demo_url):
    at = make_app(user=CLERK)
    at.switch_page("pages/staff/overview.py").run()
    assert at.dataframe
    with unit_of_work(get_engine(demo_url)) as session:
        user = session.exec(select(User).where(User.username == "wenshu")).one()
        user.active = False
        session.add(user)
        session.commit()
    at.run()
    assert any("已停用" in w.value for w in at.warning)
    assert not at.dataframe
