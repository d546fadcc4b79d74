"""The public board page (phone view and kiosk) through AppTest on a demo copy."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from board.money import format_wan, format_yuan
from board.privacy import find_pii
from board.public import published_snapshot
from board.records import get_or_create_period
from board.villages import get_village
from board.workflow import amend_period
from exports.downloads import DOWNLOAD_KINDS, download_label, published_file
from infra.db import get_engine, unit_of_work
from models import Account, Direction, LedgerEntry, User
from tests.board_view.conftest import board_text
from tests.helpers import DEMO_END, as_raw

DRAFT_SUMMARY = "草稿里的测试支出"
DRAFT_FEN = 98_765_432


def _snapshot(url: str, period: str | None = None) -> dict:
    """The published document as plain data, for reading expected figures."""
    with unit_of_work(get_engine(url)) as session:
        return as_raw(published_snapshot(session, get_village(session, "DEMO"), period))


def test_latest_month_by_default_with_charts_and_captions(open_board, demo_url):
    at = open_board(village="DEMO")
    assert not at.exception
    snapshot = _snapshot(demo_url)
    totals = snapshot["finance"]["totals"]
    assert at.metric[0].label == "月末账上共有"
    assert at.metric[0].value.replace("\\", "") == format_wan(totals["closing_fen"])
    text = board_text(at)
    assert format_yuan(totals["closing_fen"]) in text
    assert snapshot["short_hash"] in text and "公开日期" in text
    charts = at.get("plotly_chart")
    assert len(charts) == 5
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert "Microsoft YaHei" in spec["layout"]["font"]["family"]
        assert json.loads(chart.proto.config)["displayModeBar"] is False
    captions = [c.value for c in at.caption]
    assert any(c.startswith("本月花钱最多的类别是") for c in captions)


def test_draft_numbers_never_appear(open_board, demo_url):
    published = _snapshot(demo_url, DEMO_END)
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        clerk = session.exec(select(User).where(User.username == "wenshu")).one()
        amend_period(session, village=village, period=DEMO_END, user=clerk, reason="测试：补录一笔支出")
        row = get_or_create_period(session, village, DEMO_END)
        session.add(
            LedgerEntry(
                period_id=row.id,
                line_no=999,
                entry_date=date(2026, 10, 31),
                summary=DRAFT_SUMMARY,
                category="公益支出",
                direction=Direction.expense,
                amount_fen=DRAFT_FEN,
                account=Account.bank,
            )
        )
        draft_only = get_or_create_period(session, village, "2026-11")
        session.add(
            LedgerEntry(
                period_id=draft_only.id,
                line_no=1,
                entry_date=date(2026, 11, 2),
                summary=DRAFT_SUMMARY,
                category="公益支出",
                direction=Direction.expense,
                amount_fen=DRAFT_FEN,
                account=Account.bank,
            )
        )
        session.commit()

    at = open_board(village="DEMO")
    text = board_text(at)
    assert published["period"] == DEMO_END and "2026年10月" in text
    assert format_yuan(published["finance"]["totals"]["expense_fen"]) in text
    assert DRAFT_SUMMARY not in text and format_yuan(DRAFT_FEN) not in text
    assert "测试：补录一笔支出" not in text

    at = open_board(village="DEMO", period="2026-11")
    assert not at.exception
    assert [i.value.replace("\\", "") for i in at.info][0].startswith("青禾镇幸福社区（演示数据） 2026-11 还没有公开")
    assert DRAFT_SUMMARY not in board_text(at)


def test_beneficiaries_are_masked(open_board, demo_url):
    at = open_board(village="DEMO")
    text = board_text(at)
    snapshot = _snapshot(demo_url)
    people = snapshot["affairs"][0]["beneficiaries"]
    assert people and all(p["name"] in text for p in people)
    assert find_pii(text) == []
    assert not any(p["id_number"] in text or p["phone"] in text for p in people)
    table = next(t.value for t in at.table if "姓名" in t.value.columns)
    assert list(table.columns) == ["姓名", "组别", "金额", "备注"]


def test_amendment_notice(open_board):
    at = open_board(village="DEMO", period="2026-06")
    assert at.subheader[0].value == "更正说明"
    warning = at.warning[0].value.replace("\\", "")
    assert "第2版" in warning and "签到表人数 41 人" in warning
    assert "已更正" in board_text(at)


def test_unknown_village_and_bad_month_are_friendly(open_board):
    at = open_board(village="NOPE")
    assert not at.exception
    assert "没有代码为“NOPE”的村/社区" in at.info[0].value
    at = open_board(village="DEMO", period="2026-13")
    assert not at.exception and "格式不对" in at.info[0].value
    at = open_board(village="[x](javascript:alert(1))")
    assert not at.exception
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in at.info[0].value


def test_no_village_parameter_shows_the_only_board(open_board):
    at = open_board()
    assert not at.exception
    assert at.title[0].value.endswith("三务公开栏") and at.metric


def test_kiosk_shows_one_slide_without_toolbar(open_board, demo_url):
    at = open_board(village="DEMO", kiosk="1", slide="0", rotate="20")
    assert not at.exception
    assert [h.value for h in at.header] == ["账上有多少钱"]
    closing = _snapshot(demo_url)["finance"]["totals"]["closing_fen"]
    assert at.metric[0].value.replace("\\", "") == format_wan(closing)
    assert any("核验码" in m.value for m in at.markdown)
    assert any("font-size: 84px" in m.value for m in at.markdown)
    at = open_board(village="DEMO", kiosk="1", slide="2")
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert all(json.loads(c.proto.config)["staticPlot"] is True for c in charts)
    assert json.loads(charts[0].proto.spec)["layout"]["font"]["size"] >= 26


def test_phone_board_offers_the_four_downloads_of_the_shown_version(open_board, demo_url):
    at = open_board(village="DEMO", period="2026-06")
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == [download_label(kind) for kind in DOWNLOAD_KINDS]
    # Each button's file is made on demand from the same published version the page shows.
    engine = get_engine(demo_url)
    data = json.loads(published_file(engine, "DEMO", "2026-06", 2, "json"))
    assert data["version"] == 2 and data["amendment_reason"]
    assert published_file(engine, "DEMO", "2026-06", 2, "pdf").startswith(b"%PDF")
    assert published_file(engine, "DEMO", "2026-06", 1, "csv").startswith("\ufeff".encode())


def test_pdf_font_problem_is_shown_next_to_the_download_buttons(open_board, monkeypatch):
    at = open_board(village="DEMO")
    assert not at.exception
    assert not [w for w in at.warning if "字体" in w.value]
    monkeypatch.setenv("SANWU_FONT_PATH", "/nonexistent/font.ttf")
    at = open_board(village="DEMO")
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("字体文件不存在：/nonexistent/font.ttf" in w for w in warnings), warnings
