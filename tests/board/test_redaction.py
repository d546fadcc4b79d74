"""依法隐去 on SQLite and PostgreSQL: one part withdrawn from every output, the hash and verify unchanged;
versions hashed before parts existed are re-anchored first."""

from __future__ import annotations

import copy
import csv
import io
import json

import openpyxl
import pdfplumber
import pytest
from sqlmodel import col, select

from board.auth import add_user, get_user
from board.commitment import PART_SCHEMA, REDACTED, canonical_json, document_hash, legacy_hash
from board.digest import build_digest
from board.entry import save_section
from board.errors import BoardError, PermissionDenied
from board.public import published_snapshot
from board.snapshot import load_snapshot, verify_chain
from board.villages import add_village, get_village
from board.workflow import amend_period, approve_period, publish_period, submit_period
from exports.downloads import snapshot_file
from exports.pdf import render_pdf
from exports.site import export_site
from exports.wechat.grids import add_grid
from exports.wechat.outbox import enqueue, plan_messages
from infra.db import unit_of_work
from models import AuditLog, LedgerEntry, OutboxMessage, PublishedPeriod, Role, utcnow
from services.admin import reset_password
from services.redaction import Signers, list_parts, redact_part
from services.users import set_own_password
from services.witness import export_witnesses, verify_village
from services.workflow import take_step
from tests.helpers import as_raw
from views.board_view import Metrics, Table, Text, load_board

LEAK = "王秀英家危房改造补助"  # a resident asked for her name to come off the board
LEDGER = [
    {
        "entry_date": "2026-10-03",
        "voucher_no": "记001",
        "summary": "门面租金",
        "category": "经营收入",
        "direction": "收入",
        "amount_fen": "1,800.00",
        "account": "银行存款",
    },
    {
        "entry_date": "2026-10-08",
        "voucher_no": "记002",
        "summary": LEAK,
        "category": "公益支出",
        "direction": "支出",
        "amount_fen": "68,000.00",
        "account": "银行存款",
    },
    {
        "entry_date": "2026-10-09",
        "voucher_no": "记003",
        "summary": "办公用品",
        "category": "管理费用",
        "direction": "支出",
        "amount_fen": "235.50",
        "account": "现金",
    },
]
BALANCES = [
    {"account": "银行存款", "opening_fen": "100,000.00", "closing_fen": "33,800.00"},
    {"account": "现金", "opening_fen": "1,000.00", "closing_fen": "764.50"},
]
NOVEMBER = [dict(LEDGER[0], entry_date="2026-11-03", voucher_no="记101")]
NOVEMBER_BALANCES = [
    {"account": "银行存款", "opening_fen": "33,800.00", "closing_fen": "35,600.00"},
    {"account": "现金", "opening_fen": "764.50", "closing_fen": "764.50"},
]
BASE = "https://sanwu.example.cn"


def publish(engine, period: str, ledger, balances) -> PublishedPeriod:
    with unit_of_work(engine) as session:
        village, clerk = get_village(session, "V1"), get_user(session, "clerk")
        save_section(session, village=village, period=period, user=clerk, section="ledger", rows=ledger)
        save_section(session, village=village, period=period, user=clerk, section="balances", rows=balances)
        submit_period(session, village=village, period=period, user=clerk)
        approve_period(session, village=village, period=period, user=get_user(session, "sup"))
        row = publish_period(session, village=village, period=period, user=get_user(session, "sup"))
        session.commit()
        return row


@pytest.fixture
def village(engine):
    with unit_of_work(engine) as session:
        add_village(session, code="V1", name="测试村", township_code="T1", hotline="0523-1234567")
        add_user(session, username="clerk", password="password1", role=Role.clerk, village_codes=("V1",))
        add_user(session, username="sup", password="password1", role=Role.supervisor, village_codes=("V1",))
        add_user(session, username="admin", password="password1", role=Role.admin)
        session.commit()
    publish(engine, "2026-10", LEDGER, BALANCES)
    return "V1"


def view_text(engine, period: str = "2026-10", *, kiosk: bool = False) -> str:
    view = load_board(engine, "V1", period, kiosk=kiosk)
    parts = [view.footer]
    for section in view.sections:
        for block in section.blocks:
            if isinstance(block, Text):
                parts.append(block.text)
            elif isinstance(block, Table):
                parts += [cell for row in block.rows for cell in row]
            elif isinstance(block, Metrics):
                parts += [m.value for m in block.items]
    return "\n".join(parts)


def every_output(engine, tmp_path, period: str = "2026-10") -> dict[str, str]:
    """The text of every public output of the month."""
    with unit_of_work(engine) as session:
        record = published_snapshot(session, get_village(session, "V1"), period)
    with pdfplumber.open(io.BytesIO(render_pdf(record, base_url=BASE))) as document:
        pdf = "".join(page.extract_text() or "" for page in document.pages)
    site = tmp_path / "site"
    export_site(engine, site, village_codes=["V1"], period=period)
    book = openpyxl.load_workbook(io.BytesIO(snapshot_file(record, "xlsx").data))
    xlsx = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)
    ledger_csv = snapshot_file(record, "csv").data.decode("utf-8-sig")
    return {
        "board": view_text(engine, period),
        "kiosk": view_text(engine, period, kiosk=True),
        "pdf": pdf,
        "html": (site / "V1" / period / "index.html").read_text(encoding="utf-8"),
        "xlsx": xlsx,
        "csv": " ".join(cell for row in csv.reader(io.StringIO(ledger_csv)) for cell in row),
        "json": snapshot_file(record, "json").data.decode("utf-8"),
        "digest": build_digest(record, base_url=BASE),
    }


def stored(engine, period: str = "2026-10") -> PublishedPeriod:
    with unit_of_work(engine) as session:
        return session.exec(
            select(PublishedPeriod).where(PublishedPeriod.period == period).order_by(PublishedPeriod.version.desc())
        ).first()


def redact(engine, part: str, *, admin="admin", supervisor="sup", reason="本人申请删除姓名", period="2026-10") -> str:
    return (
        redact_part(
            engine,
            village_code="V1",
            period=period,
            version=1,
            part_id=part,
            reason=reason,
            signers=Signers(admin, supervisor, "password1"),
        )
        .withdrawn[0]
        .hash
    )


def outbox(engine) -> list[OutboxMessage]:
    with unit_of_work(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_redacted_part_leaves_every_output_and_verify_still_passes(engine, village, tmp_path):
    with unit_of_work(engine) as session:
        village = get_village(session, "V1")
        grid = add_grid(session, village=village, name="一网格", channel="robot", key_ref="WECOM_ROBOT_TEST")
        session.commit()
        record = published_snapshot(session, village, "2026-10")
    # The digest queued for the group robot, not sent yet.
    enqueue(engine, plan_messages(grid, record, village_id=village.id, base_url=BASE, pdf=None, now=utcnow()))
    assert any(LEAK in m.payload for m in outbox(engine))
    before = every_output(engine, tmp_path)
    assert all(LEAK in text for text in before.values()), [k for k, v in before.items() if LEAK not in v]
    row = stored(engine)
    (found,) = list_parts(engine, village_code="V1", find=LEAK)
    part = found["part"]
    assert part == "finance.ledger/1"

    content_hash = redact(engine, part)

    after = every_output(engine, tmp_path)
    leaked = [name for name, text in after.items() if LEAK in text]
    assert not leaked
    messages = outbox(engine)
    assert messages and not any(LEAK in m.payload for m in messages)
    assert {m.status for m in messages} == {"failed"}  # withdrawn: a new push sends the redacted digest
    assert REDACTED in after["board"] and REDACTED in after["pdf"] and REDACTED in after["csv"]
    today = json.loads(stored(engine).content_json)["redacted"][part]["on"]
    notice = f"本月公开内容有 1 处已依法隐去（{today}）"
    shown = [name for name in ("board", "kiosk", "pdf", "html", "xlsx", "digest") if notice in after[name]]
    assert shown == ["board", "kiosk", "pdf", "html", "xlsx", "digest"]
    assert "68000.00" in after["csv"]  # the amount stays, and stays proven
    # Same hash, the chain verifies, and the download alone recomputes it.
    assert content_hash == row.content_hash == stored(engine).content_hash
    with unit_of_work(engine) as session:
        report = verify_chain(session, get_village(session, "V1").id)
        audit = session.exec(select(AuditLog).where(AuditLog.action == "redact")).one()
    assert report.ok, report.problems
    assert report.notes == (f"2026-10 第1版：{part} 于 {today} 依法隐去",)
    assert document_hash(json.loads(after["json"])) == content_hash
    who = json.loads(audit.after_json)
    assert (audit.username, who["admin"], who["supervisor"], who["part"]) == ("admin", "admin", "sup", part)
    assert who["reason"] == "本人申请删除姓名" and audit.at is not None and LEAK not in audit.after_json


def test_redaction_needs_an_admin_and_a_supervisor(engine, village):
    part = "finance.ledger/1"
    for admin, supervisor in (("admin", "admin"), ("admin", "clerk"), ("sup", "sup"), ("clerk", "sup")):
        with pytest.raises(PermissionDenied):
            redact(engine, part, admin=admin, supervisor=supervisor)
    with pytest.raises(BoardError) as info:
        redact(engine, part, reason="  ")
    assert info.value.problems[0].field == "理由"
    with pytest.raises(BoardError):
        redact(engine, "finance.ledger/9")
    with pytest.raises(BoardError):
        redact(engine, "village")  # no free text of its own to hide
    assert LEAK in view_text(engine)  # nothing was hidden by the refusals
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "redact")).first() is None


TEMPORARY = "密码由管理员重置后尚未由本人修改"


def test_an_admin_who_resets_the_supervisors_password_cannot_act_as_the_committee(engine, village):
    """One admin alone: reset jiandu's password, then sign a redaction or approve a month as jiandu."""
    (found,) = list_parts(engine, village_code="V1", find=LEAK)
    part = found["part"]
    reset_password(engine, "admin", login="sup", password="admin-chose-1")
    signers = Signers("admin", "sup", "admin-chose-1", address="198.51.100.7")
    with pytest.raises(PermissionDenied, match=f"{TEMPORARY}，不能确认依法隐去"):
        redact_part(
            engine, village_code="V1", period="2026-10", version=1, part_id=part, reason="泄露", signers=signers
        )
    assert LEAK in view_text(engine)
    with unit_of_work(engine) as session:
        refusal = session.exec(select(AuditLog).where(AuditLog.action == "redact_refused")).one()
        assert TEMPORARY in refusal.after_json
    take_step(engine, "V1", "2026-10", "clerk", "amend", "更正摘要")
    take_step(engine, "V1", "2026-10", "clerk", "submit")
    for step, label in (("approve", "审核通过"), ("reject", "退回修改")):
        with pytest.raises(PermissionDenied, match=f"{TEMPORARY}，不能进行“{label}”"):
            take_step(engine, "V1", "2026-10", "sup", step, "意见")
    # Setting it to the administrator's password again does not count; the owner's own one does.
    with pytest.raises(BoardError, match="不能与管理员设置的临时密码相同"):
        set_own_password(engine, "sup", password="admin-chose-1", repeat="admin-chose-1")
    with pytest.raises(BoardError, match="两次输入的新密码不一致"):
        set_own_password(engine, "sup", password="my-own-pass-1", repeat="my-own-pass-2")
    assert set_own_password(engine, "sup", password="my-own-pass-1", repeat="my-own-pass-1").password_temporary is False
    take_step(engine, "V1", "2026-10", "sup", "approve", "同意")
    own = Signers("admin", "sup", "my-own-pass-1", address="198.51.100.7")
    redact_part(engine, village_code="V1", period="2026-10", version=1, part_id=part, reason="泄露", signers=own)
    assert LEAK not in view_text(engine)
    with unit_of_work(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).where(AuditLog.username == "sup"))]
    assert "change_password" in actions


def _make_legacy(engine, periods: list[str]) -> None:
    """Store these versions as a schema-2 database would have: flat hashes, the chain recomputed."""
    with unit_of_work(engine) as session:
        prev = ""
        for row in session.exec(select(PublishedPeriod).order_by(PublishedPeriod.id)).all():
            if row.period in periods:
                doc = as_raw(load_snapshot(row))
                for key in ("hash", "short_hash", "prev_hash", "anchor", "anchor_prev", "redactions"):
                    doc.pop(key)
                doc["schema"] = 2
                row.content_json = canonical_json(copy.deepcopy(doc))
            row.prev_hash = prev
            row.content_hash = legacy_hash(row.content_json, prev)
            session.add(row)
            session.flush()
            prev = row.content_hash
        session.commit()


def test_an_old_scheme_version_is_re_anchored_then_redacted(engine, village, tmp_path):
    publish(engine, "2026-11", NOVEMBER, NOVEMBER_BALANCES)
    _make_legacy(engine, ["2026-10", "2026-11"])
    old = stored(engine)
    assert json.loads(old.content_json)["schema"] == 2 and LEAK in view_text(engine)
    witness = tmp_path / "witness.jsonl"
    export_witnesses(engine, township_code="T1", path=witness)

    new_hash = redact(engine, "finance.ledger/1")

    new = stored(engine)
    assert new.id != old.id and new.version == old.version == 1 and new.content_hash == new_hash
    assert (new.anchor_hash, json.loads(new.content_json)["schema"]) == (old.content_hash, PART_SCHEMA)
    with unit_of_work(engine) as session:
        assert session.get(PublishedPeriod, old.id) is None  # the flat-hashed text is gone
        report = verify_chain(session, get_village(session, "V1").id)
    assert report.ok, report.problems
    assert not any(LEAK in text for text in every_output(engine, tmp_path).values())
    assert "依法隐去" in view_text(engine)
    # November, whose link names the old hash, still reads; the township's witness still holds.
    assert "2026-11" in view_text(engine, "2026-11")
    _, checked = verify_village(engine, village_code="V1", witness=witness)
    assert checked.ok, checked.problems
    # The next publication chains onto the re-anchored version.
    publish(
        engine,
        "2026-12",
        [dict(LEDGER[0], entry_date="2026-12-03", voucher_no="记201")],
        [
            {"account": "银行存款", "opening_fen": "35,600.00", "closing_fen": "37,400.00"},
            {"account": "现金", "opening_fen": "764.50", "closing_fen": "764.50"},
        ],
    )
    with unit_of_work(engine) as session:
        assert verify_chain(session, get_village(session, "V1").id).ok


def test_a_withdrawn_part_does_not_come_back_in_the_next_correction(engine, village):
    with unit_of_work(engine) as session:
        assert session.exec(select(AuditLog).where(col(AuditLog.after_json).contains(LEAK))).first() is not None

    redact(engine, "finance.ledger/1")

    with unit_of_work(engine) as session:
        v, clerk, sup = get_village(session, "V1"), get_user(session, "clerk"), get_user(session, "sup")
        assert [e.summary for e in session.exec(select(LedgerEntry)).all()].count(REDACTED) == 1
        for entry in session.exec(select(AuditLog)).all():
            assert LEAK not in entry.before_json + entry.after_json, entry.action
        amend_period(session, village=v, period="2026-10", user=clerk, reason="更正支出摘要")
        submit_period(session, village=v, period="2026-10", user=clerk)
        approve_period(session, village=v, period="2026-10", user=sup)
        second = publish_period(session, village=v, period="2026-10", user=sup)
        session.commit()
        assert second.version == 2 and LEAK not in second.content_json
    assert list_parts(engine, village_code="V1", find=LEAK) == []
