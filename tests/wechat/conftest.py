"""Fixtures: the fake WeCom server, dummy credentials in the environment, grids, demo snapshots."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from board.auth import add_user
from board.snapshot import load_snapshot
from board.villages import add_village
from exports.wechat.grids import add_grid
from infra.db import unit_of_work
from infra.settings import get_settings
from models import PublishedPeriod, Role, Village
from tests.helpers import as_raw
from tests.wechat.fake_wecom import FakeWeCom

# Dummy credentials, new for every run: distinctive so the canary checks can search for them
# anywhere, and never a fixed string that could pass for a committed secret.
ROBOT_KEY = f"canary-robot-key-{secrets.token_hex(4)}"
OTHER_ROBOT_KEY = f"canary-robot-key-other-{secrets.token_hex(4)}"
APP_SECRET = f"canary-app-secret-{secrets.token_hex(4)}"
CORP_ID = "wwcanarycorp01"
CHAT_ID = "GRID01"
NOW = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
# Client timeouts for tests: a "sleep" fault of 4 s times out, while a loaded CI machine still
# answers an ordinary request well within them.
FAST = (2.0, 2.0)


@pytest.fixture(scope="session")
def fake_server():
    server = FakeWeCom(corp_id=CORP_ID, secret=APP_SECRET, robot_keys=(ROBOT_KEY, OTHER_ROBOT_KEY), chat_ids=(CHAT_ID,))
    yield server
    server.close()


@pytest.fixture
def fake(fake_server):
    fake_server.reset()
    return fake_server


@pytest.fixture
def wecom_env(fake, monkeypatch, tmp_path):
    """Environment the CLI and ``get_settings()`` read: API base, key references, no secrets file."""
    env = {
        "WECOM_API_BASE": fake.url,
        "WECOM_CORP_ID": CORP_ID,
        "GRID_ROBOT_KEY": ROBOT_KEY,
        "GRID_OTHER_ROBOT_KEY": OTHER_ROBOT_KEY,
        "GRID_APP_SECRET": APP_SECRET,
        "PUBLIC_BASE_URL": "https://sanwu.example.cn",
        "SANWU_SECRETS_FILE": str(tmp_path / "no-secrets.toml"),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def settings(wecom_env):
    return get_settings()


@pytest.fixture(scope="session")
def demo_snapshots(demo_template) -> dict[str, dict]:
    """Newest version of every demo month, read straight from the demo template."""
    engine = create_engine(f"sqlite:///{demo_template}")
    with Session(engine) as session:
        rows = session.exec(select(PublishedPeriod).order_by(PublishedPeriod.period, PublishedPeriod.version)).all()
        snapshots = {r.period: as_raw(load_snapshot(r)) for r in rows}
    engine.dispose()
    return snapshots


def long_snapshot(snapshot: dict, items: int = 14) -> dict:
    """A copy whose full digest needs several chat messages (many Party activities)."""
    extra = [
        {
            "category": "主题党日",
            "date": f"{snapshot['period']}-{10 + i:02d}",
            "title": "党员志愿服务进小区、清理楼道杂物、走访独居老人和困难家庭" * 2,
            "description": "",
            "participants": 20 + i,
            "amount_fen": None,
        }
        for i in range(items)
    ]
    return {**snapshot, "party": snapshot["party"] + extra}


@pytest.fixture
def village_id(engine) -> int:
    with unit_of_work(engine) as session:
        village = add_village(session, code="C1", name="测试村", hotline="0523-1234 5678")
        session.commit()
        return village.id


@pytest.fixture
def worker(engine, village_id) -> str:
    """The test village's grid worker, who may resend and confirm its messages."""
    with unit_of_work(engine) as session:
        add_user(session, username="wangge", password="sanwu-test", role=Role.grid, village_codes=("C1",))
        session.commit()
    return "wangge"


@pytest.fixture
def make_grid(engine, village_id):
    def make(name: str, channel: str, **kw):
        with unit_of_work(engine) as session:
            grid = add_grid(session, village=session.get(Village, village_id), name=name, channel=channel, **kw)
            session.commit()
            return grid

    return make
