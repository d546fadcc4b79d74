"""Read-time verification: a stored version that no longer matches its hash reaches no public output,
and the witnesses handed out (PDF, digest, witness file) catch what the database alone cannot."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
from datetime import timedelta

import pdfplumber
import pytest
from sqlmodel import select

from board.commitment import REDACTED, canonical_json, redact
from board.digest import build_digest
from board.errors import INTEGRITY_MESSAGE, IntegrityFailure
from board.privacy import find_pii
from board.public import published_snapshot
from board.snapshot import latest_chain_head, latest_snapshot, verify_chain
from board.villages import get_village
from exports.downloads import DOWNLOAD_KINDS, published_file
from exports.pdf import render_pdf
from exports.site import export_site
from exports.wechat.push import push_period
from infra.db import unit_of_work
from infra.settings import get_settings
from models import PublishedPeriod, utcnow
from services.board import board_villages
from services.read_aloud import month_speech
from services.share import share_pack
from tests.board_view.conftest import board_text
from tests.helpers import DEMO_END, rehash_chain, run_cli
from views.board_view import load_board

AMENDED = "2026-06"  # the demo month with a correction (version 2)


def _edit(engine, period: str, change, *, version: int | None = None) -> None:
    with unit_of_work(engine) as session:
        query = select(PublishedPeriod).where(PublishedPeriod.period == period)
        row = session.exec(query.where(PublishedPeriod.version == version) if version else query).all()[-1]
        change(row)
        session.add(row)
        session.commit()


def _raise_closing(row: PublishedPeriod) -> None:
    doc = json.loads(row.content_json)
    doc["finance"]["totals"]["closing_fen"] += 100_000_00
    row.content_json = canonical_json(doc)


def _every_output_refuses(engine, tmp_path, period: str = DEMO_END) -> None:
    for kiosk in (False, True):
        with pytest.raises(IntegrityFailure):
            load_board(engine, "DEMO", period, kiosk=kiosk)
    with unit_of_work(engine) as session:
        version = latest_snapshot(session, get_village(session, "DEMO").id, period).version
    for kind in DOWNLOAD_KINDS:  # PDF, xlsx, CSV, JSON
        with pytest.raises(IntegrityFailure):
            published_file(engine, "DEMO", period, version, kind)
    with pytest.raises(IntegrityFailure):
        export_site(engine, tmp_path / "site", village_codes=["DEMO"], period=period)
    with pytest.raises(IntegrityFailure):
        month_speech(engine, "DEMO", period)
    with pytest.raises(IntegrityFailure):
        share_pack(engine, "DEMO", period, base_url="https://sanwu.example.cn")
    with pytest.raises(IntegrityFailure):
        push_period(engine, village_code="DEMO", period=period, now=utcnow(), settings=get_settings())


def test_a_tampered_amount_reaches_no_output(demo_engine, demo_url, tmp_path, caplog, open_board):
    before = load_board(demo_engine, "DEMO", DEMO_END)  # verified once and cached: the cache must not hide a change
    assert before.closing_fen
    _edit(demo_engine, DEMO_END, _raise_closing)
    with caplog.at_level(logging.ERROR, logger="board.public"):
        _every_output_refuses(demo_engine, tmp_path)
    logged = [r.getMessage() for r in caplog.records if r.name == "board.public"]
    assert logged and all("核验失败" in m and "DEMO" in m for m in logged)
    assert not any(find_pii(m) for m in logged)
    # The CLI's PDF refuses with the message, no traceback.
    result = run_cli(
        "export", "pdf", "--village", "DEMO", "--period", DEMO_END, "-o", str(tmp_path / "m.pdf"), db=demo_url
    )
    assert result.returncode == 2 and INTEGRITY_MESSAGE in result.stderr and "Traceback" not in result.stderr
    # Phone board and kiosk: the message instead of figures.
    for query in ({"village": "DEMO"}, {"village": "DEMO", "kiosk": "1"}):
        at = open_board(**query)
        assert not at.exception
        assert INTEGRITY_MESSAGE in board_text(at) + " ".join(e.value for e in at.error)
        assert not at.metric
    # Other months still show.
    assert load_board(demo_engine, "DEMO", "2026-09").closing_fen


def test_changed_version_or_published_at_columns_are_refused(demo_engine, tmp_path):
    # Renumbering the superseded version makes it "newest": its header no longer matches.
    _edit(demo_engine, AMENDED, lambda row: setattr(row, "version", 3), version=1)
    _every_output_refuses(demo_engine, tmp_path, AMENDED)
    _edit(demo_engine, AMENDED, lambda row: setattr(row, "version", 1), version=3)
    assert load_board(demo_engine, "DEMO", AMENDED).version == 2
    # A later publication date (what the compliance verdict reads) is refused too.
    _edit(demo_engine, "2026-09", lambda row: setattr(row, "published_at", row.published_at + timedelta(days=45)))
    with pytest.raises(IntegrityFailure):
        load_board(demo_engine, "DEMO", "2026-09")
    with unit_of_work(demo_engine) as session:
        report = verify_chain(session, get_village(session, "DEMO").id)
    assert any("2026-09" in p and "核验码不符" in p for p in report.problems)


def test_a_forged_redaction_cannot_change_what_is_shown(demo_engine):
    """A redaction keeps a part's hash by keeping the hidden text's commitment: that commitment may
    stand only for the marker, never for another text or an amount."""

    def hide(row: PublishedPeriod) -> None:
        doc = redact(json.loads(row.content_json), "finance.ledger/0", on="2026-11-30")
        doc["finance"]["ledger"][0]["summary"] = "一笔捏造的摘要"  # hidden, then shown as something else
        row.content_json = canonical_json(doc)

    def hide_amount(row: PublishedPeriod) -> None:
        doc = redact(json.loads(row.content_json), "finance.ledger/0", on="2026-11-30")
        hidden = doc["redacted"]["finance.ledger/0"]
        line = doc["finance"]["ledger"][0]
        hidden["fields"]["amount_fen"] = _commitment(hidden["salts"].pop("amount_fen"), line["amount_fen"])
        line["amount_fen"] = REDACTED
        row.content_json = canonical_json(doc)

    assert load_board(demo_engine, "DEMO", "2026-08")
    _edit(demo_engine, "2026-08", hide)
    with pytest.raises(IntegrityFailure):
        load_board(demo_engine, "DEMO", "2026-08")
    assert load_board(demo_engine, "DEMO", "2026-07")
    _edit(demo_engine, "2026-07", hide_amount)
    with pytest.raises(IntegrityFailure):
        load_board(demo_engine, "DEMO", "2026-07")


def _commitment(field_salt: str, value) -> str:
    """What an insider can compute from the stored field salt (board.commitment's rule, written out)."""
    return (
        base64.b64encode(hashlib.sha256(f"{field_salt}\n{canonical_json(value)}".encode()).digest())
        .decode()
        .rstrip("=")
    )


def test_a_deleted_previous_version_breaks_the_link_at_read_time(demo_engine):
    with unit_of_work(demo_engine) as session:
        session.delete(session.exec(select(PublishedPeriod).where(PublishedPeriod.period == "2026-08")).one())
        session.commit()
    with pytest.raises(IntegrityFailure):
        load_board(demo_engine, "DEMO", "2026-09")  # its predecessor is gone


def test_pdf_and_digest_carry_the_chain_head(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        head = latest_chain_head(session, village.id).content_hash
        older = published_snapshot(session, village, "2026-03")
    assert older.hash != head and older.chain_head == head
    with pdfplumber.open(io.BytesIO(render_pdf(older))) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert head[:12] in text and head in text.replace("\n", "")
    for short in (False, True):
        assert head in build_digest(older, base_url="https://sanwu.example.cn", short=short)


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "".join(page.extract_text() or "" for page in document.pages).replace("\n", "")


def test_a_cached_pdf_download_carries_the_current_chain_head(demo_engine):
    """The PDF file is cached per version; its witness must still be the village's newest version."""
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        newest = latest_chain_head(session, village.id)
        head, newest_id = newest.content_hash, newest.id
    assert head in _pdf_text(published_file(demo_engine, "DEMO", "2026-03", 1, "pdf"))
    with unit_of_work(demo_engine) as session:
        session.delete(session.get(PublishedPeriod, newest_id))
        session.commit()
        now = latest_chain_head(session, village.id).content_hash
    text = _pdf_text(published_file(demo_engine, "DEMO", "2026-03", 1, "pdf"))
    assert now in text and head not in text


def _rehash_from(engine, period: str) -> None:
    """What an insider with database access would do: change a month and recompute the chain after it."""

    def change(row: PublishedPeriod, doc: dict) -> None:
        if row.period == period:
            doc["finance"]["totals"]["closing_fen"] += 1

    with unit_of_work(engine) as session:
        rehash_chain(session, change)
        session.commit()


@pytest.mark.parametrize("attack", ["delete newest", "rehash"])
def test_witness_file_catches_what_verify_alone_cannot(demo_engine, demo_url, tmp_path, attack):
    witness = tmp_path / "witness.jsonl"
    result = run_cli("witness", "export", "--township", "DEMO-T", "-o", str(witness), db=demo_url)
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(x) for x in witness.read_text(encoding="utf-8").splitlines()]
    assert set(line) == {"village", "period", "version", "hash", "published_at", "exported_at"}
    with unit_of_work(demo_engine) as session:
        head = latest_chain_head(session, get_village(session, "DEMO").id)
    assert (line["village"], line["period"], line["version"], line["hash"]) == (
        "DEMO",
        head.period,
        2,
        head.content_hash,
    )
    assert run_cli("verify", "--village", "DEMO", "--witness", str(witness), db=demo_url).returncode == 0
    if attack == "delete newest":
        with unit_of_work(demo_engine) as session:
            village = get_village(session, "DEMO")
            session.delete(latest_chain_head(session, village.id))
            session.commit()
    else:
        _rehash_from(demo_engine, "2026-03")
    plain = run_cli("verify", "--village", "DEMO", db=demo_url)
    assert plain.returncode == 0  # the database alone looks consistent
    checked = run_cli("verify", "--village", "DEMO", "--witness", str(witness), db=demo_url)
    assert checked.returncode == 1
    assert "找不到" in checked.stderr and line["hash"][:12] in checked.stderr


def test_witness_file_errors_are_chinese(demo_url, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"village": "DEMO", "hash": "ab"}\nnot json\n', encoding="utf-8")
    result = run_cli("verify", "--village", "DEMO", "--witness", str(bad), db=demo_url)
    assert result.returncode == 2 and "第2行" in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("witness", "export", "--township", "DEMO-T", "-o", str(tmp_path / "no" / "w.jsonl"), db=demo_url)
    assert missing.returncode == 2 and "写不了见证文件" in missing.stderr


def test_a_renamed_village_row_does_not_reach_the_public(demo_engine, tmp_path):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        signed = published_snapshot(session, village).village.name
        village.name = "篡改村"
        session.add(village)
        session.commit()
    assert verify_chain_of_demo(demo_engine) == []  # the row is outside the hash: verify has nothing to say
    site = export_site(demo_engine, tmp_path / "site", village_codes=["DEMO"])
    exported = site.villages[0]
    pages = {
        "site index": site.index,
        "village index": exported.index,
        "kiosk": exported.kiosk,
        "latest.json": exported.latest,
        "month": exported.pages[0],
    }
    for label, path in pages.items():
        text = path.read_text(encoding="utf-8")
        assert "篡改村" not in text and signed in text, label
    assert json.loads(exported.latest.read_text(encoding="utf-8"))["name"] == signed
    assert exported.name == signed
    assert board_villages(demo_engine) == [("DEMO", signed)]
    assert load_board(demo_engine, "DEMO", DEMO_END).village_name == signed
    with unit_of_work(demo_engine) as session:
        record = published_snapshot(session, get_village(session, "DEMO"))
    assert "篡改村" not in build_digest(record, base_url="https://sanwu.example.cn")
    with pdfplumber.open(io.BytesIO(render_pdf(record))) as document:
        first_page = document.pages[0].extract_text()
    assert "篡改村" not in first_page and signed in first_page


def verify_chain_of_demo(engine) -> list[str]:
    with unit_of_work(engine) as session:
        return verify_chain(session, get_village(session, "DEMO").id).problems
