"""The 政策问答 on the public board (phone and kiosk), with the 朗读 buttons, as AppTest sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from board.auth import get_user
from board.policy import approve_explainer, create_explainer, today_shanghai
from infra.db import get_engine, unit_of_work
from services.policy import load_public_explainers
from tests.policy.conftest import markdown_fields
from tests.policy.documents import ELDERLY_PLAIN, MEDICAL_PLAIN
from views.board_view import kiosk_slides, load_board
from views.policy_view import kiosk_sections


def publish_demo_explainers(url: str) -> list[int]:
    """Two approved explainers for the demo community (one expired) and a draft that must not show."""
    ids = []
    with unit_of_work(get_engine(url)) as session:
        for text, deadline in ((MEDICAL_PLAIN, date.today() + timedelta(days=60)), (ELDERLY_PLAIN, date(2026, 11, 16))):
            fields = {**markdown_fields(text), "deadline_on": deadline}
            row = create_explainer(session, user=get_user(session, "wangge"), fields=fields, village_codes=("DEMO",))
            approve_explainer(
                session,
                row.id,
                user=get_user(session, "zhen"),
                row_version=None,
                now=datetime(2026, 11, 1, tzinfo=UTC),
            )
            ids.append(row.id)
        create_explainer(
            session,
            user=get_user(session, "wangge"),
            fields={**markdown_fields(), "title": "草稿不公开"},
            village_codes=("DEMO",),
        )
        session.commit()
    return ids


@pytest.fixture
def explainers(demo_url):
    return publish_demo_explainers(demo_url)


def iframes(at) -> list[str]:
    return [e.proto.srcdoc for e in at.get("iframe")]


def test_phone_board_lists_explainers_newest_first_with_read_aloud(make_app, explainers):
    at = make_app(village="DEMO")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert "政策问答" in headers
    subheaders = [h.value for h in at.subheader]
    medical = next(i for i, h in enumerate(subheaders) if "明年的居民医保" in h)
    elderly = next(i for i, h in enumerate(subheaders) if "尊老金" in h)
    assert elderly < medical  # 第 2 期 before 第 1 期
    assert subheaders[elderly].startswith("第 2 期")
    assert not any("草稿不公开" in h for h in subheaders)
    assert any("已截止" in w.value for w in at.warning)
    tables = [t.value for t in at.table]
    assert any("谁能办、谁能领" in list(t.iloc[:, 0]) for t in tables)
    buttons = iframes(at)
    assert sum("朗读本月摘要" in b for b in buttons) == 1
    assert sum("朗读这期问答" in b for b in buttons) == 2
    assert all("zh-CN" in b and "speechSynthesis" in b for b in buttons)


def test_a_group_link_opens_its_explainer_first(make_app, explainers):
    at = make_app(village="DEMO", policy=str(explainers[0]))
    assert not at.exception
    assert at.header[0].value == "政策问答"
    assert "明年的居民医保" in at.subheader[0].value


def test_kiosk_rotation_includes_open_explainers_only(make_app, explainers, demo_url):
    engine = get_engine(demo_url)
    month_slides = len(kiosk_slides(load_board(engine, "DEMO", kiosk=True)))
    sections = kiosk_sections(load_public_explainers(engine, "DEMO"), today_shanghai())
    assert [s.title for s in sections] == ["第 1 期｜明年的居民医保，现在开始交钱了"]
    at = make_app(village="DEMO", kiosk="1", slide=str(month_slides), rotate="600")
    assert not at.exception
    assert "明年的居民医保" in at.header[0].value
