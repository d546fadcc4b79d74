"""The public board in headless Chromium: kiosk (1920×1080), phone (390×844) and the static export."""

from __future__ import annotations

import pytest
from sqlmodel import select

from board.money import format_wan
from board.public import published_snapshot
from board.villages import get_village
from board.workflow import amend_period, approve_period, publish_period, submit_period
from exports.site import export_site
from infra.db import get_engine, unit_of_work
from models import User
from tests.e2e.conftest import screenshot, wait_for_app
from tests.helpers import DEMO_END, as_raw
from views.board_view import kiosk_slides, load_board

pytestmark = pytest.mark.e2e

KIOSK = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


def _closing(url: str) -> str:
    with unit_of_work(get_engine(url)) as session:
        snapshot = as_raw(published_snapshot(session, get_village(session, "DEMO"), DEMO_END))
    return format_wan(snapshot["finance"]["totals"]["closing_fen"])


def _fits(page) -> bool:
    """The kiosk slide needs no scrolling."""
    return page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); "
        "return m.scrollHeight <= m.clientHeight + 1; }"
    )


def _font_px(page, selector: str) -> float:
    return page.eval_on_selector(selector, "el => parseFloat(getComputedStyle(el).fontSize)")


def test_kiosk_and_phone_views(streamlit_server, browser, page_errors, demo_url):
    closing = _closing(demo_url)
    kiosk = page_errors(browser.new_page(viewport=KIOSK))
    kiosk.goto(streamlit_server.url + "/?village=DEMO&kiosk=1&slide=0&rotate=600")
    wait_for_app(kiosk)
    value = kiosk.locator("[data-testid='stMetricValue'] p").first
    value.wait_for()
    assert value.inner_text() == closing
    assert _font_px(kiosk, "[data-testid='stMetricValue'] p") >= 72
    assert _font_px(kiosk, "[data-testid='stMarkdownContainer'] p") >= 28
    assert not kiosk.locator("[data-testid='stSidebar']").is_visible()
    assert kiosk.get_by_text("监督电话").is_visible()
    # No scrolling within a slide, even the one with two charts.
    assert _fits(kiosk)
    screenshot(kiosk, "board-kiosk-1920x1080")
    kiosk.goto(streamlit_server.url + "/?village=DEMO&kiosk=1&slide=2&rotate=600")
    wait_for_app(kiosk)
    kiosk.wait_for_selector(".js-plotly-plot .main-svg")
    assert kiosk.locator(".modebar").count() == 0
    assert _fits(kiosk)
    screenshot(kiosk, "board-kiosk-spending-1920x1080")
    # A table slide whose rows wrap (便民服务: long lists of materials).
    slides = kiosk_slides(load_board(get_engine(demo_url), "DEMO", kiosk=True))
    services = next(i for i, s in enumerate(slides) if s.key.startswith("services_"))
    kiosk.goto(streamlit_server.url + f"/?village=DEMO&kiosk=1&slide={services}&rotate=600")
    wait_for_app(kiosk)
    kiosk.get_by_text(slides[services].title).wait_for()
    rows = kiosk.locator("[data-testid='stTable'] tr")
    rows.nth(4).wait_for()
    assert _fits(kiosk)
    screenshot(kiosk, "board-kiosk-services-1920x1080")

    phone = page_errors(browser.new_page(viewport=PHONE))
    phone.goto(streamlit_server.url + "/?village=DEMO")
    wait_for_app(phone)
    phone.locator("[data-testid='stMetricValue']").filter(has_text=closing).first.wait_for()
    phone.wait_for_timeout(500)  # let Streamlit's fade-in finish before the screenshot
    assert phone.evaluate("() => document.documentElement.scrollWidth <= 390")
    # Chinese voice for screen readers; each chart named by its sentence.
    assert phone.evaluate("() => document.documentElement.lang") == "zh-CN"
    phone.locator("[aria-label*='本月收入']").first.wait_for()  # charts render after the metrics
    screenshot(phone, "board-phone-390x844")
    assert page_errors.errors == []
    kiosk.close()
    phone.close()


def test_kiosk_picks_up_a_newly_published_version(streamlit_server, browser, page_errors, demo_url):
    page = page_errors(browser.new_page(viewport=KIOSK))
    page.goto(streamlit_server.url + "/?village=DEMO&kiosk=1&slide=0&rotate=5")
    wait_for_app(page)
    page.get_by_text("账上有多少钱").wait_for()
    reason = "浏览器测试：补正一笔支出的类别"
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        users = {u.username: u for u in session.exec(select(User))}
        amend_period(session, village=village, period=DEMO_END, user=users["wenshu"], reason=reason)
        submit_period(session, village=village, period=DEMO_END, user=users["wenshu"])
        approve_period(session, village=village, period=DEMO_END, user=users["jiandu"])
        publish_period(session, village=village, period=DEMO_END, user=users["jiandu"])
        session.commit()
    # The next tick (≤ 5 s) re-reads the newest snapshot: the correction notice leads the rotation.
    page.get_by_text(reason, exact=False).wait_for(timeout=15_000)
    assert page.get_by_text("第2版（已更正）", exact=False).is_visible()
    assert page_errors.errors == []
    page.close()


def test_static_export_offline(demo_url, tmp_path, browser, page_errors):
    export_site(get_engine(demo_url), tmp_path, village_codes=["DEMO"], period=DEMO_END)
    closing = _closing(demo_url)
    for name, viewport in (("phone-390x844", PHONE), ("desktop-1920x1080", KIOSK)):
        page = page_errors(browser.new_page(viewport=viewport))
        remote = []
        page.on("request", lambda r, remote=remote: remote.append(r.url) if not r.url.startswith("file://") else None)
        page.goto((tmp_path / "DEMO" / DEMO_END / "index.html").as_uri())
        # Charts are drawn on the server: inline SVG, each named by a sentence.
        assert page.locator("svg.chart[role=img][aria-label]").count() >= 3
        assert page.locator(".fig .v").first.inner_text() == closing
        # Nothing (the 64-character 完整核验码 included) pushes the page sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"board-static-{name}")
        assert remote == []
        page.close()
    assert page_errors.errors == []
