"""A staff action through its service is all or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import select

from board.errors import BoardError
from infra.db import unit_of_work
from models import AuditLog, InfoRequest
from services import requests as service
from tests.requests.conftest import at, submit

TODAY = at(2026, 2, 16).date()


def _request(engine, code: str) -> InfoRequest:
    with unit_of_work(engine) as session:
        return session.exec(select(InfoRequest).where(InfoRequest.code == code)).one()


def test_reply_that_cannot_be_published_is_not_saved_either(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13), publish_consent=False)
    with unit_of_work(req_engine) as session:
        audits = len(session.exec(select(AuditLog)).all())
    # The reply itself is fine; publishing it is refused (no consent), so the whole action is undone.
    with pytest.raises(BoardError, match="申请人没有同意公开"):
        service.reply(
            req_engine, code, "clerk1", form="予以公开", text="工程款用于排水沟。", reason="", publish=True, today=TODAY
        )
    request = _request(req_engine, code)
    assert (request.status, request.reply_text, request.published) == ("pending", "", False)
    with unit_of_work(req_engine) as session:
        assert len(session.exec(select(AuditLog)).all()) == audits

    service.reply(
        req_engine, code, "clerk1", form="予以公开", text="工程款用于排水沟。", reason="", publish=False, today=TODAY
    )
    assert _request(req_engine, code).status == "replied"
