"""The audit log query, and two clerks saving the same month at the same time."""

import threading
from datetime import date

import pytest
from sqlmodel import select

from board.audit_query import audit_rows
from board.auth import get_user
from board.entry import save_section, section_rows
from board.errors import BoardError, ConflictError
from board.records import find_period
from board.villages import get_village
from board.workflow import open_period
from infra.db import unit_of_work
from models import Period
from tests.entry.conftest import ledger_line


def _save(engine, code, username, period, summary, amount=1_000):
    with unit_of_work(engine) as session:
        save_section(
            session,
            village=get_village(session, code),
            period=period,
            user=get_user(session, username),
            section="ledger",
            rows=[ledger_line(date(int(period[:4]), int(period[5:]), 2), summary, amount)],
        )
        session.commit()


def test_audit_rows_filter_by_village_and_month_and_respect_visibility(village_setup):
    engine, _ = village_setup
    _save(engine, "V1", "clerk1", "2026-03", "电费", 100)
    _save(engine, "V1", "clerk1", "2026-03", "电费", 250)
    _save(engine, "V1", "clerk1", "2026-04", "水费")
    _save(engine, "V2", "clerk2", "2026-03", "二村电费")
    with unit_of_work(engine) as session:
        clerk1, v1 = get_user(session, "clerk1"), get_village(session, "V1")
        march = audit_rows(session, user=clerk1, village=v1, period="2026-03")
        everything_visible = audit_rows(session, user=clerk1)
        v2_for_clerk1 = audit_rows(session, user=clerk1, village=get_village(session, "V2"))
        v2_for_clerk2 = audit_rows(session, user=get_user(session, "clerk2"))
        with pytest.raises(BoardError):
            audit_rows(session, user=clerk1, period="2026-3")
    assert [(r["action_label"], r["period"], r["village"]) for r in march] == [("保存收支明细", "2026-03", "一村")] * 2
    newest = march[0]
    assert newest["detail"] == "1 行 → 1 行；金额合计 1.00元 → 2.50元"
    assert newest["username"] == "clerk1" and len(newest["at"]) == 19
    assert {r["period"] for r in everything_visible} == {"2026-03", "2026-04"}
    assert v2_for_clerk1 == []
    assert [r["village"] for r in v2_for_clerk2] == ["二村"]


def test_two_clerks_save_the_same_month_concurrently(village_setup):
    """Both load version N, both save; exactly one wins, the other gets ConflictError, nothing is mixed."""
    engine, _ = village_setup
    with unit_of_work(engine) as session:
        open_period(session, village=get_village(session, "V1"), period="2026-05", user=get_user(session, "clerk1"))
        session.commit()
    loaded = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def clerk(name: str, amount: int) -> None:
        with unit_of_work(engine) as session:
            village, user = get_village(session, "V1"), get_user(session, "clerk1")
            version = find_period(session, village, "2026-05").row_version
            loaded.wait(timeout=10)
            try:
                save_section(
                    session,
                    village=village,
                    period="2026-05",
                    user=user,
                    section="ledger",
                    rows=[
                        ledger_line(date(2026, 5, 2), f"{name}的录入", amount),
                        ledger_line(date(2026, 5, 3), f"{name}的第二行", amount),
                    ],
                    expected_version=version,
                )
                session.commit()
                outcome[name] = "saved"
            except ConflictError as error:
                outcome[name] = error

    threads = [threading.Thread(target=clerk, args=(n, a)) for n, a in (("甲", 111), ("乙", 222))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(str(type(v).__name__) if v != "saved" else v for v in outcome.values()) == ["ConflictError", "saved"]
    winner = next(n for n, v in outcome.items() if v == "saved")
    loser_error = next(v for v in outcome.values() if v != "saved")
    assert "刚被别人修改过" in str(loser_error)
    with unit_of_work(engine) as session:
        period = session.exec(select(Period).where(Period.period == "2026-05")).one()
        rows = section_rows(session, period_row=period, section="ledger")
    assert period.row_version == 2
    assert [r["summary"] for r in rows] == [f"{winner}的录入", f"{winner}的第二行"]


def test_audit_rows_read_as_sentences(village_setup):
    engine, _ = village_setup
    with unit_of_work(engine) as session:
        village, clerk, sup = get_village(session, "V1"), get_user(session, "clerk1"), get_user(session, "sup1")
        save_section(
            session, village=village, period="2026-03", user=clerk, section="services", rows=[{"name": "办证"}]
        )
        session.commit()
        [row] = audit_rows(session, user=sup, village=village)
    assert row["sentence"].endswith("文书 clerk1 保存便民服务 一村 2026年3月")
    assert row["sentence"][: row["sentence"].index("日")].split("月")[0].isdigit()
    assert row["detail"] == "0 行 → 1 行"
    assert "{" not in row["sentence"] + row["detail"]
