"""The cache of verified versions (board/public.py) on SQLite and PostgreSQL: a version read once is not
checked again, yet any change to its stored text or columns after that read is refused, and a
redaction after it shows the redacted text, verified."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from board.commitment import REDACTED, canonical_json
from board.errors import IntegrityFailure
from board.public import published_snapshot
from board.villages import get_village
from infra.db import unit_of_work
from infra.demo import DEMO_PASSWORD, seed_demo
from models import PublishedPeriod
from services.redaction import Signers, redact_part
from tests.helpers import DEMO_END
from views.board_view import Table, Text, load_board

EARLIER = "2026-09"


@pytest.fixture
def demo(engine):
    with unit_of_work(engine) as session:
        seed_demo(session, end_period=DEMO_END, months=2)
        session.commit()
    return engine


def _read(engine, period: str = DEMO_END):
    with unit_of_work(engine) as session:
        return published_snapshot(session, get_village(session, "DEMO"), period)


def _edit(engine, period: str, change) -> str:
    """Change the stored row of a month as an insider could; the text it had before."""
    with unit_of_work(engine) as session:
        row = session.exec(select(PublishedPeriod).where(PublishedPeriod.period == period)).one()
        before = row.content_json
        change(row)
        session.add(row)
        session.commit()
    return before


def _set_text(text: str):
    return lambda row: setattr(row, "content_json", text)


def _raise_closing(row: PublishedPeriod) -> None:
    doc = json.loads(row.content_json)
    doc["finance"]["totals"]["closing_fen"] += 100_000_00
    row.content_json = canonical_json(doc)


def _refused(engine, period: str = DEMO_END) -> None:
    with pytest.raises(IntegrityFailure):
        _read(engine, period)
    for kiosk in (False, True):
        with pytest.raises(IntegrityFailure):
            load_board(engine, "DEMO", period, kiosk=kiosk)


def test_a_change_after_a_cached_read_is_refused(demo):
    first = _read(demo)
    assert _read(demo).finance is first.finance  # the second read shares the cached record
    closing = load_board(demo, "DEMO").closing_fen
    original = _edit(demo, DEMO_END, _raise_closing)
    _refused(demo)
    _refused(demo)  # a failure is never remembered as a pass, nor the other way round
    _edit(demo, DEMO_END, _set_text(original))
    assert load_board(demo, "DEMO").closing_fen == closing == first.finance.totals.closing_fen
    # Columns outside the text count as much as the text.
    _edit(demo, DEMO_END, lambda row: setattr(row, "published_at", row.published_at + timedelta(days=45)))
    _refused(demo)


def test_a_version_read_before_its_predecessor_went_is_refused(demo):
    assert _read(demo).prev_hash
    with unit_of_work(demo) as session:
        session.delete(session.exec(select(PublishedPeriod).where(PublishedPeriod.period == EARLIER)).one())
        session.commit()
    _refused(demo)


def _ledger_cells(engine) -> list[str]:
    view = load_board(engine, "DEMO")
    return [cell for s in view.sections for b in s.blocks if isinstance(b, Table) for row in b.rows for cell in row]


def test_a_redaction_after_a_cached_read_is_shown_and_verified(demo):
    before = _read(demo)
    line = next(i for i, x in enumerate(before.finance.ledger) if not x.transfer)  # transfers are not listed
    summary = before.finance.ledger[line].summary
    assert summary in _ledger_cells(demo)
    redact_part(
        demo,
        village_code="DEMO",
        period=DEMO_END,
        version=1,
        part_id=f"finance.ledger/{line}",
        reason="本人申请删除姓名",
        signers=Signers("admin", "jiandu", DEMO_PASSWORD),
    )
    after = _read(demo)
    assert after.hash == before.hash and after.finance.ledger[line].summary == REDACTED
    assert len(after.redactions) == 1
    view = load_board(demo, "DEMO")
    notices = [b.text for s in view.sections for b in s.blocks if isinstance(b, Text) and b.tone == "notice"]
    assert after.redaction_notice in notices and REDACTED in _ledger_cells(demo)

    # The redacted text is checked like any other: putting the hidden words back is refused.
    def unhide(row: PublishedPeriod) -> None:
        doc = json.loads(row.content_json)
        doc["finance"]["ledger"][line]["summary"] = summary
        row.content_json = canonical_json(doc)

    _edit(demo, DEMO_END, unhide)
    _refused(demo)
