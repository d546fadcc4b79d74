"""The static public site: layout, versions, escaping, sizes, and the same numbers as the live board."""

from __future__ import annotations

import gzip
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
from exports.site import export_site, render_month_page
from exports.site.svg import axis_unit, bar_chart, nice_ticks
from infra.db import get_engine, unit_of_work
from models import Account, Direction, LedgerEntry, User
from tests.board_view.conftest import board_text
from tests.helpers import DEMO_END, as_raw, as_record, published_hashes, run_cli, without_hashes

MAX_PAGE_GZIP_BYTES = 150_000  # the whole transfer budget of a month page on a phone


def _visible(page: Path) -> str:
    """The page's text without tags and scripts."""
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"<script.*?</script>", "", source, flags=re.S)
    source = re.sub(r'<div id="speech" hidden>.*?</div>', "", source, flags=re.S)
    # A chart's axis numbers run together without their layout: keep its sentence instead.
    source = re.sub(r'<svg[^>]*aria-label="([^"]*)".*?</svg>', r" \1 ", source, flags=re.S)
    return re.sub(r"<[^>]+>", " ", source)


def _overview(url: str, period: str, capsys) -> dict:
    capsys.readouterr()
    assert cli_main(["--db", url, "period", "show", "--village", "DEMO", "--period", period, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_export_writes_a_folder_per_village_with_every_version(demo_url, tmp_path):
    out = tmp_path / "site"
    result = run_cli("export", "html", "-o", str(out), db=demo_url, env={"PUBLIC_BASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert "24 个月份" in result.stdout and "村（社区）目录" in result.stdout
    assert "居民的手机上都打不开" in result.stderr  # links would point at this machine
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="DEMO/"' in index and "青禾镇幸福社区" in index
    months = sorted(p.parent.name for p in (out / "DEMO").glob("*/index.html") if p.parent.name[0].isdigit())
    assert len(months) == 24
    versions = sorted(p.parent.name for p in (out / "DEMO" / "2026-06").glob("v*/index.html"))
    assert versions == ["v1", "v2"]
    assert [p.name for p in (out / "DEMO" / "2026-05").glob("v*")] == ["v1"]
    with unit_of_work(get_engine(demo_url)) as session:
        hashes = published_hashes(session)
    for page in out.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        twin = page.with_name(page.name + ".gz")
        assert gzip.decompress(twin.read_bytes()).decode("utf-8") == source
        assert len(twin.read_bytes()) <= MAX_PAGE_GZIP_BYTES
        # Nothing to fetch: no scripts, styles, fonts or images from anywhere, no chart library.
        assert not re.search(r"""src=["']|<link (?!rel="icon" href="data:,")|@import|url\(""", source), page
        assert "plotly" not in source.lower()
        assert '<html lang="zh-CN">' in source
        assert find_pii(without_hashes(_visible(page), hashes)) == []
    assert not list(out.rglob("*.js"))
    village = (out / "DEMO" / "index.html").read_text(encoding="utf-8")
    assert village.index('href="2026-10/"') < village.index('href="2024-11/"')
    latest = json.loads((out / "DEMO" / "latest.json").read_text(encoding="utf-8"))
    assert latest["period"] == DEMO_END and latest["version"] == 1 and len(latest["hash"]) == 64
    assert latest["chain_head"]["hash"]
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    amended = _visible(out / "DEMO" / "2026-06" / "index.html")
    assert "更正说明" in amended and "签到表人数 41 人" in amended


def test_export_writes_nothing_when_nothing_changed(demo_url, tmp_path):
    engine = get_engine(demo_url)
    export_site(engine, tmp_path, village_codes=["DEMO"], period=DEMO_END)
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    export_site(engine, tmp_path, village_codes=["DEMO"], period=DEMO_END)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == stamps
    assert not list(tmp_path.rglob(".tmp-*"))


def test_cli_export_one_month_and_errors(demo_url, tmp_path):
    out = tmp_path / "site"
    for period in ("2026-09", DEMO_END):
        result = run_cli("export", "html", "--village", "DEMO", "--period", period, "-o", str(out), db=demo_url)
        assert result.returncode == 0, result.stderr
    assert sorted(p.parent.name for p in (out / "DEMO").glob("20*/index.html")) == ["2026-09", DEMO_END]
    newest = (out / "DEMO" / DEMO_END / "index.html").read_text(encoding="utf-8")
    assert 'href="../../DEMO/2026-09/"' in newest
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
    export_site(engine, tmp_path, village_codes=["DEMO"], period=DEMO_END)
    for page in tmp_path.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        assert "草稿里的测试支出" not in source and format_yuan(98_765_432) not in source
        assert "草稿更正" not in source


def test_templates_escape_hostile_user_text(demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        snapshot = as_raw(published_snapshot(session, village, DEMO_END))
    snapshot["village"]["name"] = "<script>alert(1)</script>社区"
    snapshot["village"]["hotline"] = '0523"><img src=x onerror=alert(3)>'
    snapshot["finance"]["largest_expenses"][0]["summary"] = "</script><img src=x onerror=alert(2)>"
    snapshot["finance"]["ledger"][0]["summary"] = "<b>粗</b>"
    snapshot["finance"]["expense_by_category"][0]["category"] = "<svg onload=alert(4)>"
    snapshot["amendment_reason"] = "{{ 7*7 }}<i>斜</i>"
    page = render_month_page(as_record(snapshot))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;社区" in page
    assert "<img" not in page and "onerror=alert(2)" in page  # only as escaped text
    assert "<b>粗</b>" not in page and "&lt;b&gt;粗&lt;/b&gt;" in page
    assert "<svg onload" not in page and "&lt;svg onload=alert(4)&gt;" in page
    assert "<i>斜</i>" not in page and "49" not in re.findall(r"更正原因：[^<]*", page)
    # The tel: link keeps digits only; the shown text is escaped.
    assert 'href="tel:05233"' in page and "&#34;&gt;&lt;img" in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;社区 2026年10月 三务公开</title>" in page


def test_month_page_for_phones(demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        record = published_snapshot(session, get_village(session, "DEMO"), DEMO_END)
    page = render_month_page(record)
    totals = record.finance.totals
    assert f"<title>{record.village.name} 2026年10月 三务公开</title>" in page
    assert '<meta name="description" content="' in page
    first = page.index('<div class="figs">')
    assert page.index(format_wan(totals.closing_fen), first) < page.index('<nav class="toc"')
    for label in ("账上有多少", "收了多少", "花了多少"):
        assert page.index(label, first) < page.index('<nav class="toc"')
    assert re.search(r'<a href="tel:[0-9]+">监督电话', page)
    assert 'id="big" aria-pressed="false" hidden' in page and 'id="speak" hidden' in page
    headings = [int(h) for h in re.findall(r"<h([1-6])", page)]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))
    # Dates and amounts in tables never break inside.
    assert re.search(r'<td data-label="日期" class="n">2026-10-\d\d</td>', page)
    assert re.search(r'<td data-label="金额" class="n">[\d,]+\.\d\d元', page)


def test_amended_month_links_every_earlier_version_with_its_hash(demo_url, tmp_path):
    engine = get_engine(demo_url)
    export_site(engine, tmp_path, village_codes=["DEMO"], period="2026-06")
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        first = published_snapshot(session, village, "2026-06", version=1)
        second = published_snapshot(session, village, "2026-06", version=2)
    month = tmp_path / "DEMO" / "2026-06"
    latest = (month / "index.html").read_text(encoding="utf-8")
    assert 'href="../../DEMO/2026-06/v1/"' in latest and first.hash in latest and second.hash in latest
    old = (month / "v1" / "index.html").read_text(encoding="utf-8")
    assert "旧版" in old and 'href="../../../DEMO/2026-06/"' in old and first.short_hash in old
    assert (month / "v2" / "index.html").read_text(encoding="utf-8") == latest.replace("../../", "../../../")


def test_chart_axes_start_at_zero_in_one_unit():
    assert nice_ticks(166.21)[0] == 0 and nice_ticks(166.21)[-1] >= 166.21
    assert axis_unit(2_790_000).name == "万元" and axis_unit(304_800).name == "元"
    svg = str(bar_chart([("公益支出", 2_790_000, "expense"), ("办公", 304_800, "expense")], label="图"))
    assert "单位：万元" in svg and ">2.79<" in svg and ">0.3<" in svg
    assert "3,048" not in svg and "元<" not in svg.split("单位：万元", 1)[1]
    assert 'role="img" aria-label="图"' in svg


def test_same_numbers_everywhere_for_all_demo_months(demo_url, tmp_path, open_board, capsys):
    engine = get_engine(demo_url)
    export_site(engine, tmp_path, village_codes=["DEMO"])
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
        page = tmp_path / "DEMO" / period / "index.html"
        static = _visible(page)
        for figure in expected:
            assert figure in live, (period, figure)
            assert figure in static, (period, figure)
        headline = format_wan(overview["closing_fen"])
        assert at.metric[0].value.replace("\\", "") == headline
        assert f'<div class="v">{headline}</div>' in page.read_text(encoding="utf-8")
        assert overview["snapshot_hash"][:12] in live and overview["snapshot_hash"] in static
