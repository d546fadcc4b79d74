"""Fixtures for the public board: AppTest of app.py on a private demo database."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import ROOT


@pytest.fixture
def open_board(demo_url, monkeypatch):
    """``open_board(**query)`` → an AppTest of app.py with these query parameters, run once."""
    monkeypatch.setenv("DATABASE_URL", demo_url)

    def open_(**query) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return open_


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def board_text(at: AppTest) -> str:
    """Everything the board shows as text, markdown escapes removed."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "text"):
        parts += [element.value for element in getattr(at, kind)]
    for metric in at.metric:
        parts += [metric.label, metric.value]
    for table in at.table:
        frame = table.value
        parts += [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]
    return _unescape("\n".join(parts))
