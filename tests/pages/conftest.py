"""AppTest fixtures: the real app.py on a private demo database."""

import pytest
from streamlit.testing.v1 import AppTest

from models import Role
from pages.shared.session import USER_KEY, StaffUser
from tests.helpers import ROOT


@pytest.fixture
def make_app(demo_url, monkeypatch):
    """``make_app(user=None, **query)`` → an AppTest of app.py, run once."""
    monkeypatch.setenv("DATABASE_URL", demo_url)

    def make(user: tuple[str, str, Role] | None = None, **query) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user:
            at.session_state[USER_KEY] = StaffUser(*user)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return make
