"""Snapshot hashing, chaining and the demo's published history (SQLite and PostgreSQL)."""

import json
import re

from sqlmodel import select

from board.snapshot import canonical_json, snapshot_hash, verify_chain
from board.villages import get_village
from infra.db import unit_of_work
from models import PublishedPeriod


def test_canonical_json_is_order_independent():
    a = {"b": 1, "a": {"y": [1, 2], "x": "村"}}
    b = {"a": {"x": "村", "y": [1, 2]}, "b": 1}
    assert canonical_json(a) == canonical_json(b)
    assert "村" in canonical_json(a)  # UTF-8, not \\u escapes


def test_hash_is_stable_and_sensitive():
    content = canonical_json({"period": "2026-10", "closing_fen": 100})
    assert snapshot_hash(content, "") == snapshot_hash(content, "")
    assert snapshot_hash(content, "") != snapshot_hash(content, "a" * 64)
    changed = canonical_json({"period": "2026-10", "closing_fen": 101})
    assert snapshot_hash(content, "") != snapshot_hash(changed, "")


def test_demo_chain_verifies(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        report = verify_chain(session, village.id)
    assert report.ok, report.problems
    assert report.checked == 25  # 24 months plus one amendment


def test_tampering_is_detected(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        row = session.exec(select(PublishedPeriod).where(PublishedPeriod.period == "2026-03")).one()
        content = json.loads(row.content_json)
        content["finance"]["totals"]["closing_fen"] += 1
        row.content_json = canonical_json(content)
        session.add(row)
        session.commit()
        report = verify_chain(session, village.id)
    assert not report.ok
    assert any("2026-03" in p and "核验码不符" in p for p in report.problems)


def test_broken_chain_is_detected(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        rows = session.exec(select(PublishedPeriod).order_by(PublishedPeriod.id)).all()
        session.delete(rows[5])  # a snapshot removed from the middle of the history
        session.commit()
        report = verify_chain(session, village.id)
    assert not report.ok
    assert any("链条断开" in p for p in report.problems)


def test_snapshot_masks_beneficiaries_and_keeps_totals(demo_engine):
    with unit_of_work(demo_engine) as session:
        row = session.exec(select(PublishedPeriod).where(PublishedPeriod.period == "2026-10")).one()
    text = row.content_json
    content = json.loads(text)
    people = [p for a in content["affairs"] for p in a["beneficiaries"]]
    assert people and all("*" in p["id_number"] and "*" in p["phone"] for p in people)
    assert not re.search(r"3299\d{14}", text)  # no full demo ID number anywhere
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)  # no full mobile number
    finance = content["finance"]
    # Village totals are the ledger's lines, internal transfers (提现) left out.
    ledger_in = sum(x["amount_fen"] for x in finance["ledger"] if x["direction"] == "in" and not x["transfer"])
    ledger_out = sum(x["amount_fen"] for x in finance["ledger"] if x["direction"] == "out" and not x["transfer"])
    assert finance["totals"]["income_fen"] == ledger_in
    assert finance["totals"]["expense_fen"] == ledger_out
    per_account = {k: sum(a[k] for a in finance["accounts"]) for k in ("income_fen", "expense_fen")}
    assert per_account["income_fen"] - ledger_in == finance["transfers"]["amount_fen"] > 0
    assert per_account["expense_fen"] - ledger_out == finance["transfers"]["amount_fen"]
    lines = {x["line"]: x for x in finance["ledger"]}  # schema 3 stores the largest expenses as line numbers
    largest = [lines[n] for n in finance["largest_expenses"]]
    assert all(x["category"] != "内部转账" for x in finance["expense_by_category"] + largest)
    t = finance["totals"]
    assert t["opening_fen"] + t["income_fen"] - t["expense_fen"] == t["closing_fen"]
    assert content["village"]["demo"] is True
    assert content["history"][-1]["period"] == "2026-10" and len(content["history"]) == 24
    assert content["previous"]["period"] == "2026-09"
