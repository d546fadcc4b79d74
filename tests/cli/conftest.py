"""In-process runs of the command line share one Python process; a real command gets a fresh one."""

from __future__ import annotations

import pytest

from board import auth


@pytest.fixture(autouse=True)
def fresh_login_throttle(monkeypatch):
    """Failed ``--by`` passwords of one test must not throttle the next (each shell command starts afresh)."""
    monkeypatch.setattr(auth, "login_throttle", auth.LoginThrottle())
