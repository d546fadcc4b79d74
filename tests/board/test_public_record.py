"""The typed public record: documents stored before it existed still parse, render and verify."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest
from pydantic import ValidationError
from sqlmodel import select

from board.commitment import PART_SCHEMA, document_hash
from board.digest import build_digest
from board.money import format_wan
from board.public import published_snapshot
from board.public_record import SCHEMA_VERSION, parse_snapshot
from board.snapshot import canonical_json, latest_chain_head, snapshot_hash, verify_chain
from board.villages import get_village
from exports.downloads import snapshot_json
from exports.pdf import render_pdf
from exports.site import export_site
from infra.db import unit_of_work
from models import PublishedPeriod
from tests.helpers import DEMO_END, as_raw
from views.board_view import Table, load_board
from views.public_tables import TRANSFER_MARK


def legacy_document(content: dict) -> dict:
    """The shape that schema 1 allowed: no transfer flags or transfer summary, and (as documents
    published before the payment-only rule have) a receipt of 5万 or more stored as ``major``."""
    # Start from the record's shape (schema 3 stores copies of ledger lines as line numbers, and salts).
    doc = {
        k: v
        for k, v in as_raw(parse_snapshot(content)).items()
        if k not in ("hash", "short_hash", "prev_hash", "anchor", "redactions")
    }
    doc["schema"] = 1
    finance = doc["finance"]
    for key in ("ledger", "largest_expenses", "major_payments"):
        for line in finance[key]:
            del line["transfer"]
    for line in finance["ledger"]:
        if line["direction"] == "in" and line["amount_fen"] >= 5_000_000:
            line["major"] = True
    del finance["transfers"]
    return doc


@pytest.fixture
def legacy_head(demo_engine):
    """A correction of the newest demo month stored in the schema-1 shape, chained as publishing would."""
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        head = latest_chain_head(session, village.id)
        latest = session.exec(
            select(PublishedPeriod).where(PublishedPeriod.period == DEMO_END).order_by(PublishedPeriod.version.desc())
        ).first()
        doc = legacy_document(json.loads(latest.content_json))
        doc["version"] = latest.version + 1
        doc["amendment_reason"] = "按旧格式存储的更正版"
        canonical = canonical_json(doc)
        session.add(
            PublishedPeriod(
                village_id=village.id,
                period=DEMO_END,
                version=doc["version"],
                amendment_reason=doc["amendment_reason"],
                content_json=canonical,
                content_hash=snapshot_hash(canonical, head.content_hash),
                prev_hash=head.content_hash,
                published_by="admin",
                published_at=latest.published_at,
            )
        )
        session.commit()
        return doc


def test_a_schema_1_document_parses_renders_and_verifies(demo_engine, legacy_head, tmp_path):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        assert verify_chain(session, village.id).ok
        record = published_snapshot(session, village, DEMO_END)
    assert record.schema_version == 1 and record.version == legacy_head["version"]
    # Read as published then: no line was a transfer, and only payments were ever marked ★.
    big_receipts = [x for x in legacy_head["finance"]["ledger"] if x["direction"] == "in" and x.get("major")]
    assert big_receipts
    assert not any(x.transfer for x in record.finance.ledger) and record.finance.transfers.count == 0
    assert not any(x.major for x in record.finance.ledger if x.direction == "in")

    view = load_board(demo_engine, "DEMO", DEMO_END)
    ledger = next(b for s in view.sections if s.key == "ledger" for b in s.blocks if isinstance(b, Table))
    assert not any(row[2].endswith(TRANSFER_MARK) for row in ledger.rows)
    receipt_rows = [row for row in ledger.rows if row[4] == "收入" and row[2] != "本月合计"]
    assert receipt_rows and not any("★" in row[5] for row in receipt_rows)
    assert view.short_hash == record.short_hash and "按旧格式存储的更正版" in view.sections[0].blocks[0].text

    digest = build_digest(record, base_url="https://sanwu.example.cn")
    assert format_wan(record.finance.totals.closing_fen) in digest

    pdf = render_pdf(record)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert record.short_hash in text

    export_site(demo_engine, tmp_path, village_codes=["DEMO"], period=DEMO_END)
    page = (tmp_path / "DEMO" / DEMO_END / "index.html").read_text(encoding="utf-8")
    assert record.short_hash in page and "按旧格式存储的更正版" in page


def test_new_publications_carry_the_current_schema(demo_engine):
    with unit_of_work(demo_engine) as session:
        head = latest_chain_head(session, get_village(session, "DEMO").id)
    assert json.loads(head.content_json)["schema"] == SCHEMA_VERSION


def test_the_contract_refuses_what_it_does_not_know(demo_engine):
    with unit_of_work(demo_engine) as session:
        head = latest_chain_head(session, get_village(session, "DEMO").id)
    doc = json.loads(head.content_json)
    with pytest.raises(ValidationError):
        parse_snapshot({**doc, "surprise": 1})
    with pytest.raises(ValueError, match="unknown snapshot schema"):
        parse_snapshot({**doc, "schema": SCHEMA_VERSION + 1})
    record = parse_snapshot(doc, content_hash=head.content_hash)
    with pytest.raises(ValidationError):
        record.finance.totals.closing_fen = 0  # frozen: a renderer cannot change what it shows


def test_the_json_download_recomputes_to_the_published_hash(demo_engine, legacy_head):
    """Anyone holding the open-data JSON can check it against the 核验码 (old and new schemas)."""
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        rows = session.exec(select(PublishedPeriod).where(PublishedPeriod.village_id == village.id)).all()
        checked = 0
        for row in rows:
            record = published_snapshot(session, village, row.period, version=row.version)
            download = json.loads(snapshot_json(record))
            assert download.pop("hash") == row.content_hash and download.pop("short_hash") == record.short_hash
            if download["schema"] >= PART_SCHEMA:
                assert document_hash(download) == row.content_hash
            else:
                assert snapshot_hash(canonical_json(download), row.prev_hash) == row.content_hash
            checked += 1
    assert checked == len(rows) == 26
