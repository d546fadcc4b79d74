"""Static HTML export, and the same numbers on the live board, the static pages and the CLI."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from sqlmodel import select

from board.money import format_wan, format_yuan
from board.privacy import find_pii
from board.public import published_periods, published_snapshot
from board.records import get_or_create_period
from board.villages import get_village
from board.workflow import amend_period
from cli.main import main as cli_main
from exports.html import PLOTLY_FILE, export_html, render_month_page
from infra.db import get_engine, unit_of_work
from models import Account, Direction, LedgerEntry, User
from tests.board_view.conftest import board_text
from tests.helpers import DEMO_END, as_raw, as_record, run_cli
from views.board_view import build_board

MAX_PAGE_BYTES = 1_500_000


def _visible(page: Path) -> str:
    """The page's text without tags and without the chart specs."""
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"<script.*?</script>", "", source, flags=re.S)
    return re.sub(r"<[^>]+>", " ", source)


def _overview(url: str, period: str, capsys) -> dict:
    capsys.readouterr()
    assert cli_main(["--db", url, "period", "show", "--village", "DEMO", "--period", period, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_export_writes_small_self_contained_pages(demo_url, tmp_path):
    out = tmp_path / "site"
    result = run_cli("export", "html", "--village", "DEMO", "-o", str(out), db=demo_url)
    assert result.returncode == 0, result.stderr
    assert "已导出 24 个月份" in result.stdout
    pages = sorted(out.glob("*/index.html"))
    assert len(pages) == 24
    assert [p.name for p in out.glob("*.js")] == [PLOTLY_FILE]
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert len(source.encode("utf-8")) <= MAX_PAGE_BYTES
        assert '<script src="../plotly.min.js"></script>' in source
        # Nothing to fetch: no remote scripts, styles or fonts (the "在线版" link is only a link).
        assert not re.search(r"""src=["']https?://|<link |@import|url\(""", source)
        assert find_pii(_visible(page)) == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("2026-10/index.html") < index.index("2024-11/index.html")
    amended = _visible(out / "2026-06" / "index.html")
    assert "更正说明" in amended and "签到表人数 41 人" in amended


def test_cli_export_one_month_and_errors(demo_url, tmp_path):
    out = tmp_path / "site"
    assert (
        run_cli("export", "html", "--village", "DEMO", "--period", "2026-09", "-o", str(out), db=demo_url).returncode
        == 0
    )
    assert (
        run_cli("export", "html", "--village", "DEMO", "--period", DEMO_END, "-o", str(out), db=demo_url).returncode
        == 0
    )
    assert sorted(p.parent.name for p in out.glob("*/index.html")) == ["2026-09", DEMO_END]
    newest = (out / DEMO_END / "index.html").read_text(encoding="utf-8")
    assert 'href="../2026-09/index.html"' in newest
    unknown = run_cli("export", "html", "--village", "NOPE", "-o", str(out), db=demo_url)
    assert unknown.returncode == 2 and "没有代码为“NOPE”的村/社区" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    unpublished = run_cli("export", "html", "--village", "DEMO", "--period", "2030-01", "-o", str(out), db=demo_url)
    assert unpublished.returncode == 2 and "还没有公开" in unpublished.stderr


def test_export_skips_drafts(demo_url, tmp_path):
    engine = get_engine(demo_url)
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        clerk = session.exec(select(User).where(User.username == "wenshu")).one()
        amend_period(session, village=village, period=DEMO_END, user=clerk, reason="草稿更正")
        row = get_or_create_period(session, village, DEMO_END)
        session.add(
            LedgerEntry(
                period_id=row.id,
                line_no=999,
                entry_date=date(2026, 10, 31),
                summary="草稿里的测试支出",
                category="公益支出",
                direction=Direction.expense,
                amount_fen=98_765_432,
                account=Account.bank,
            )
        )
        session.commit()
    export_html(engine, "DEMO", tmp_path, period=DEMO_END)
    source = (tmp_path / DEMO_END / "index.html").read_text(encoding="utf-8")
    assert "草稿里的测试支出" not in source and format_yuan(98_765_432) not in source
    assert "草稿更正" not in source


def test_month_page_escapes_user_text(demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        snapshot = as_raw(published_snapshot(session, village, DEMO_END))
        periods = published_periods(session, village)
    snapshot["village"]["name"] = "<script>alert(1)</script>社区"
    snapshot["finance"]["largest_expenses"][0]["summary"] = "</script><img src=x onerror=alert(2)>"
    snapshot["finance"]["ledger"][0]["summary"] = "<b>粗</b>"
    page = render_month_page(build_board(as_record(snapshot), periods), available={DEMO_END})
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;社区" in page
    assert "<img" not in page and "onerror=alert(2)" in page  # only as escaped text
    assert "<b>粗</b>" not in page and "&lt;b&gt;粗&lt;/b&gt;" in page


def test_same_numbers_everywhere_for_all_demo_months(demo_url, tmp_path, open_board, capsys):
    engine = get_engine(demo_url)
    export_html(engine, "DEMO", tmp_path)
    with unit_of_work(engine) as session:
        periods = published_periods(session, get_village(session, "DEMO"))
    assert len(periods) == 24
    for period in periods:
        overview = _overview(demo_url, period, capsys)
        assert overview["status"] == "published"
        expected = [format_yuan(overview[k]) for k in ("opening_fen", "income_fen", "expense_fen", "closing_fen")]
        expected += [format_yuan(a["closing_fen"]) for a in overview["accounts"]]
        at = open_board(village="DEMO", period=period)
        live = board_text(at)
        static = _visible(tmp_path / period / "index.html")
        for figure in expected:
            assert figure in live, (period, figure)
            assert figure in static, (period, figure)
        headline = format_wan(overview["closing_fen"])
        assert at.metric[0].value.replace("\\", "") == headline
        assert f'<div class="value">{headline}</div>' in (tmp_path / period / "index.html").read_text(encoding="utf-8")
        assert overview["snapshot_hash"][:12] in live and overview["snapshot_hash"] in static
