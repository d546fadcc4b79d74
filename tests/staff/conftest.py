"""AppTest of app.py as each staff role on a private demo database, with an admin made for the test."""

import pytest
from streamlit.testing.v1 import AppTest

from board.auth import add_user
from infra.db import get_engine, unit_of_work
from models import Role
from pages.shared.session import USER_KEY, StaffUser
from tests.helpers import ROOT

ADMIN = ("guanli", "管理员 周平", Role.admin)
ROLES = {
    Role.admin: ADMIN,
    Role.township: ("zhen", "镇经管站 陈敏", Role.township),
    Role.clerk: ("wenshu", "文书 李秀兰", Role.clerk),
    Role.supervisor: ("jiandu", "监委会主任 王建国", Role.supervisor),
    Role.grid: ("wangge", "网格员 赵小燕", Role.grid),
}


@pytest.fixture
def staff_app(demo_url, monkeypatch):
    """``staff_app(role, page=None)`` → AppTest of app.py logged in as that role (on ``page`` if given)."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    with unit_of_work(get_engine(demo_url)) as session:
        add_user(session, username=ADMIN[0], display_name=ADMIN[1], password="admin-pass-1", role=Role.admin)
        session.commit()

    def make(role: Role, page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.session_state[USER_KEY] = StaffUser(*ROLES[role])
        at.run()
        if page:
            at.switch_page(f"pages/staff/{page}.py")
            at.run()
        return at

    return make
