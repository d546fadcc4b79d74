"""A township with two villages, a clerk, a township officer and a supervisor, on both databases."""

from datetime import UTC, datetime

import pytest

from board.auth import add_user, get_user
from board.requests import submit_request
from board.villages import add_village
from infra.db import unit_of_work
from models import Role

PASSWORD = "secret-pass-1"


def at(year, month, day, hour=3) -> datetime:
    """A frozen moment (UTC; 03:00 UTC is 11:00 in Shanghai, the same day)."""
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def req_engine(engine):
    with unit_of_work(engine) as session:
        add_village(session, code="V1", name="东岗村", township_code="T1")
        add_village(session, code="V2", name="西岗村", township_code="T1")
        add_user(session, username="clerk1", password=PASSWORD, role=Role.clerk, village_codes=("V1",))
        add_user(session, username="town1", password=PASSWORD, role=Role.township, township_code="T1")
        add_user(session, username="sup1", password=PASSWORD, role=Role.supervisor, village_codes=("V1",))
        add_user(session, username="clerk2", password=PASSWORD, role=Role.clerk, village_codes=("V2",))
        session.commit()
    return engine


def submit(engine, *, now, kind="依申请公开", phone="13812345678", client="10.0.0.1", village="V1", **extra):
    fields = dict(
        topic="收支明细",
        subject="排水沟工程款",
        question="5万元排水沟工程款用在了哪里？",
        name="张三",
        answer_form="电子",
        publish_consent=True,
    )
    fields.update(extra)
    with unit_of_work(engine) as session:
        request = submit_request(
            session, village_code=village, kind=kind, phone=phone, client_address=client, now=now, **fields
        )
        session.commit()
    return request.code


def user(session, name):
    return get_user(session, name)
