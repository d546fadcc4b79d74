"""A township with two villages, the people who write and approve 政策问答, and the fake WeCom server."""

from __future__ import annotations

import pytest

from board.auth import add_user, get_user
from board.policy import approve_explainer, create_explainer
from board.policy_extract import parse_markdown
from board.villages import add_village
from infra.db import unit_of_work
from models import Role
from tests.pages.conftest import make_app  # noqa: F401  (fixtures)
from tests.policy.documents import MEDICAL_PLAIN
from tests.wechat.conftest import fake, fake_server, settings, wecom_env  # noqa: F401

PEOPLE = {
    "worker": ("wangge", Role.grid, ("C1",), None),
    "clerk": ("wenshu", Role.clerk, ("C1",), None),
    "supervisor": ("jiandu", Role.supervisor, ("C1",), None),
    "zhen": ("zhen", Role.township, (), "T1"),
    "zhen2": ("zhen2", Role.township, (), "T1"),
    "other_zhen": ("waizhen", Role.township, (), "T2"),
    "neighbour": ("linju", Role.grid, ("C2",), None),
    "admin": ("guanli", Role.admin, (), None),
}


@pytest.fixture
def world(engine):
    """青禾镇 (T1) with 一村 (C1) and 二村 (C2), 外镇 (T2) with 三村 (C3); usernames by role."""
    with unit_of_work(engine) as session:
        add_village(session, code="C1", name="一村", township_code="T1")
        add_village(session, code="C2", name="二村", township_code="T1")
        add_village(session, code="C3", name="三村", township_code="T2")
        for username, role, villages, township in PEOPLE.values():
            add_user(
                session,
                username=username,
                password="sanwu-test",
                role=role,
                village_codes=villages,
                township_code=township,
                display_name=f"{username}-显示名",
            )
        session.commit()
    return {key: value[0] for key, value in PEOPLE.items()}


def markdown_fields(text: str = MEDICAL_PLAIN) -> dict:
    draft = parse_markdown(text)
    return {
        "title": draft.title,
        "issuer": draft.issuer,
        "doc_number": draft.doc_number,
        "issued_on": draft.issued_on,
        "effective_on": draft.effective_on,
        "deadline_on": draft.deadline_on,
        **draft.answers,
    }


def write(engine, by: str, *, township: str | None = None, villages: tuple[str, ...] = (), fields=None) -> int:
    with unit_of_work(engine) as session:
        row = create_explainer(
            session,
            user=get_user(session, by),
            fields=fields or markdown_fields(),
            township_code=township,
            village_codes=villages,
        )
        session.commit()
        return row.id


def approve(engine, explainer_id: int, by: str):
    with unit_of_work(engine) as session:
        version = approve_explainer(session, explainer_id, user=get_user(session, by), row_version=None)
        session.commit()
        return version
