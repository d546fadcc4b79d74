"""The grid worker's 网格转发 page: parts to copy, PDF and QR, “已转发”, failures with a retry button."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from board.public import published_snapshot
from board.villages import get_village
from exports.wechat.grids import add_grid
from exports.wechat.outbox import enqueue, message_rows, plan_messages, send_due
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from models import AuditLog, Role
from pages.shared.session import USER_KEY, StaffUser
from services.redaction import Signers, list_parts, redact_part
from tests.helpers import DEMO_END, ROOT
from tests.wechat.conftest import FAST, NOW


def test_grid_worker_copies_parts_marks_forwarded_and_sees_failures(demo_url, wecom_env, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = get_engine(demo_url)
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        add_grid(session, village=village, name="三网格", channel="manual", worker="wangge")
        robot = add_grid(session, village=village, name="一网格", channel="robot", key_ref="UNSET_ROBOT_KEY")
        customer = add_grid(
            session,
            village=village,
            name="四网格",
            channel="customer_group",
            key_ref="GRID_APP_SECRET",
            sender="wangge",
        )
        snapshot = published_snapshot(session, village, DEMO_END)
        session.commit()
    ids = [
        i
        for grid in (robot, customer)
        for i in enqueue(
            engine,
            plan_messages(grid, snapshot, village_id=village.id, base_url=settings.public_base_url, pdf=None, now=NOW),
        )
    ]
    send_due(engine, now=NOW, settings=settings, timeout=FAST, only_ids=ids)  # robot fails: the key is not configured

    at = AppTest.from_file(str(ROOT / "pages" / "staff" / "share.py"), default_timeout=60)
    at.session_state[USER_KEY] = StaffUser("wangge", "网格员", Role.grid)
    at.run()
    assert not at.exception
    codes = [c.value for c in at.code]
    assert any("【钱】" in c for c in codes) and any("详情：" in c for c in codes)
    assert "https://sanwu.example.cn/DEMO/2026-10/v1/" in codes[0]
    labels = [b.label for b in at.get("download_button")]
    assert "下载 PDF" in labels and "下载二维码图片" in labels and len(at.image) == 1
    assert any("UNSET_ROBOT_KEY" in e.value.replace("\\", "") for e in at.error)  # shown escaped
    assert "重新发送" in [b.label for b in at.button]

    next(b for b in at.button if b.label == "三网格：已转发").click().run()
    assert not at.exception
    assert any("三网格：已转发" in s.value for s in at.success)
    statuses = {(r["grid"], r["status"]) for r in message_rows(engine, period=DEMO_END)}
    assert ("三网格", "manual_done") in statuses and ("一网格", "failed") in statuses

    # The customer-group task: the worker tapped 发送 in WeCom and confirms it here.
    assert ("四网格", "manual_pending") in statuses
    next(b for b in at.button if b.label == "已在企业微信确认发送").click().run()
    assert not at.exception
    assert ("四网格", "manual_done") in {(r["grid"], r["status"]) for r in message_rows(engine, period=DEMO_END)}
    assert "已在企业微信确认发送" not in [b.label for b in at.button]
    with unit_of_work(engine) as session:
        actions = session.exec(select(AuditLog.action).where(AuditLog.username == "wangge")).all()
    assert actions.count("wechat:confirm") == 2  # 已转发 and the task confirmation


def test_a_redaction_leaves_the_share_pack_at_once(demo_url, wecom_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = get_engine(demo_url)
    at = AppTest.from_file(str(ROOT / "pages" / "staff" / "share.py"), default_timeout=60)
    at.session_state[USER_KEY] = StaffUser("wangge", "网格员", Role.grid)
    at.run()
    shown = " ".join(c.value for c in at.code)
    # A text of the month that the digest quotes (a large expense's summary, an affair's title…).
    row, text = next(
        (r, t)
        for r in list_parts(engine, village_code="DEMO", period=DEMO_END)
        for t in r["text"].split(" ｜ ")
        if len(t) >= 4 and t in shown
    )
    redact_part(
        engine,
        village_code="DEMO",
        period=DEMO_END,
        version=row["version"],
        part_id=row["part"],
        reason="泄露个人信息",
        signers=Signers("admin", "jiandu", DEMO_PASSWORD),
    )
    at.run()  # within the cache's five minutes
    assert not at.exception and text not in " ".join(c.value for c in at.code)
