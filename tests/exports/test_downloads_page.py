"""The staff 打印与下载 page: pick a published month, get four download buttons."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from models import Role
from pages.shared.session import USER_KEY, StaffUser
from tests.helpers import DEMO_END, ROOT


def test_grid_worker_downloads_a_published_month(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    # The page script itself (it checks the login); app.py's menu is tested with the app shell.
    at = AppTest.from_file(str(ROOT / "pages" / "staff" / "downloads.py"), default_timeout=60)
    at.session_state[USER_KEY] = StaffUser("wangge", "网格员", Role.grid)
    at.run()
    assert not at.exception
    assert at.selectbox[0].options[0] == DEMO_END
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == 4 and "打印版 PDF（A4）" in labels and "收支明细 CSV" in labels
    assert not at.warning
    at.radio[0].set_value("A2").run()
    assert not at.exception
    assert "打印版 PDF（A2）" in [b.label for b in at.get("download_button")]
