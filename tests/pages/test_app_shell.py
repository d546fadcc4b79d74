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


def test_login_page_says_how_to_create_the_first_admin(make_app, demo_url):
    at = make_app().switch_page("pages/staff/login.py").run()
    assert any("user add --username 用户名 --role admin" in i.value for i in at.info)
    with unit_of_work(get_engine(demo_url)) as session:
        from board.auth import add_user

        add_user(session, username="boss", password="a-strong-pass", role=Role.admin)
        session.commit()
    at = make_app().switch_page("pages/staff/login.py").run()
    assert not at.info


def test_an_idle_session_is_logged_out(make_app):
    from pages.shared.session import SEEN_KEY

    at = make_app(CLERK)
    at.session_state[SEEN_KEY] = 0.0  # last seen in 1970
    at.run()
    assert "staff_user" not in at.session_state
    with pytest.raises(ValueError):  # the staff pages are gone from the navigation
        at.switch_page("pages/staff/overview.py")
    at.switch_page("pages/staff/login.py").run()
    assert any("长时间未操作" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("base_url", "warned"), [("", True), ("http://127.0.0.1:8502", True), ("https://gk.cn", False)]
)
def test_staff_pages_warn_while_public_links_point_at_this_machine(make_app, monkeypatch, base_url, warned):
    monkeypatch.setenv("SANWU_SECRETS_FILE", "/nonexistent/secrets.toml")
    monkeypatch.setenv("PUBLIC_BASE_URL", base_url)
    at = log_in(make_app(), "wenshu", "sanwu-demo")
    at.switch_page("pages/staff/downloads.py").run()
    assert not at.exception
    shown = any("居民的手机上都打不开" in w.value for w in at.warning)
    assert shown is warned
    # The public board is not a staff page: residents never see the warning.
    at.switch_page("pages/public/board.py").run()
    assert not any("居民的手机上都打不开" in w.value for w in at.warning)


def test_a_password_the_admin_reset_must_be_replaced_before_anything_else(make_app, demo_url):
    from services.admin import reset_password

    reset_password(get_engine(demo_url), "admin", login="wenshu", password="admin-chose-1")
    at = log_in(make_app(), "wenshu", "admin-chose-1")
    assert not at.exception
    assert any("临时密码" in i.value for i in at.info)
    assert "staff_user" not in at.session_state
    with pytest.raises(ValueError):  # not logged in yet: no staff page
        at.switch_page("pages/staff/overview.py")
    at.text_input(key="own_password").input("admin-chose-1")
    at.text_input(key="own_password_repeat").input("admin-chose-1")
    at.button[0].click().run()
    assert any("不能与管理员设置的临时密码相同" in e.value for e in at.error)
    at.text_input(key="own_password").input("wenshu-own-1")
    at.text_input(key="own_password_repeat").input("wenshu-own-1")
    at.button[0].click().run()
    assert not at.exception and at.session_state["staff_user"].username == "wenshu"
    at.switch_page("pages/staff/overview.py").run()
    assert at.dataframe
    with unit_of_work(get_engine(demo_url)) as session:
        assert session.exec(select(User).where(User.username == "wenshu")).one().password_temporary is False


def test_an_open_session_ends_when_the_admin_resets_the_password(make_app, demo_url):
    from services.admin import reset_password

    at = make_app(user=CLERK)
    at.switch_page("pages/staff/overview.py").run()
    assert at.dataframe
    reset_password(get_engine(demo_url), "admin", login="wenshu", password="admin-chose-1")
    at.run()
    assert any("管理员重设了您的密码" in w.value for w in at.warning)
    assert not at.dataframe and "staff_user" not in at.session_state
