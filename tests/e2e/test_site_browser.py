"""The static public site in headless Chromium, served by `board serve`: axe-core, phones, kiosks.

axe-core comes from npm (``package.json``; ``npm ci`` in scripts/setup.sh --dev).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import select

from board.public import published_snapshot
from board.villages import get_village
from board.workflow import amend_period, approve_period, publish_period, submit_period
from exports.site import export_site
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from models import User
from services.redaction import Signers, list_parts, redact_part
from tests.e2e.conftest import screenshot
from tests.helpers import DEMO_END, ROOT
from tests.site.conftest import StaticServer, free_port

pytestmark = pytest.mark.e2e

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
KIOSK_SCREENS = [(1280, 720), (1366, 768), (1920, 1080), (1080, 1920)]


@pytest.fixture
def axe_path() -> Path:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed (npm ci); CI must run this test", pytrace=False)
        pytest.skip("axe-core is not installed (npm ci)")
    return AXE


@pytest.fixture
def site(demo_url, tmp_path):
    """The demo site (newest month and the amended 2026-06) behind a running server."""
    root = tmp_path / "public"
    engine = get_engine(demo_url)
    port = free_port()
    export_site(engine, root, village_codes=["DEMO"], period=DEMO_END, base_url=f"http://127.0.0.1:{port}")
    export_site(engine, root, village_codes=["DEMO"], period="2026-06", base_url=f"http://127.0.0.1:{port}")
    server = StaticServer(root, port)
    server.root, server.engine = root, engine
    yield server
    server.stop()


def _axe(page, axe_path: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


def test_axe_finds_nothing_on_phone_kiosk_and_index_pages(site, browser, axe_path, page_errors):
    pages = [
        ("/DEMO/2026-10/", PHONE),
        ("/DEMO/2026-06/", PHONE),
        ("/DEMO/2026-06/v1/", PHONE),
        ("/DEMO/", PHONE),
        ("/", PHONE),
        ("/DEMO/kiosk/", {"width": 1920, "height": 1080}),
    ]
    for path, viewport in pages:
        page = page_errors(browser.new_page(viewport=viewport))
        page.goto(site.url + path)
        assert _axe(page, axe_path) == [], path
        assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
        if viewport is PHONE:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path
        page.close()
    assert page_errors.errors == []


def test_phone_page_reads_fully_without_javascript(site, browser, axe_path):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/DEMO/2026-06/")
    figures = page.locator(".fig .v")
    assert figures.count() >= 3 and figures.first.is_visible()
    assert page.locator("svg.chart[role=img]").first.is_visible()
    # Switches that need a script stay hidden instead of doing nothing.
    assert not page.locator("#big").is_visible() and not page.locator("#speak").is_visible()
    page.locator("summary", has_text="展开查看本月全部").click()
    card = page.locator("#ledger table tbody tr").first
    assert card.is_visible()
    # Cards on a phone: the header row is hidden, each cell names its column; dates and amounts unbroken.
    assert page.locator("#ledger thead").bounding_box()["height"] <= 1
    for cell in page.locator("#ledger td.n").all()[:12]:
        box = cell.bounding_box()
        font = cell.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
        assert box["height"] <= font * 1.5, cell.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 17
    page.get_by_role("link", name="账上").click()
    assert page.url.endswith("#balance")
    screenshot(page, "site-phone-nojs-390x844")
    context.close()


def test_big_text_is_remembered_and_read_aloud_speaks_chinese(site, browser, page_errors):
    context = browser.new_context(viewport=PHONE)
    # A stand-in for the phone's speech engine that records what it is asked to say.
    context.add_init_script(
        """window.__spoken = [];
        window.SpeechSynthesisUtterance = function (t) { this.text = t; };
        Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
          getVoices: () => [{lang: 'zh-CN', name: 'zh'}], cancel: () => {},
          speak: (u) => window.__spoken.push({text: u.text, lang: u.lang})}});"""
    )
    page = page_errors(context.new_page())
    page.goto(site.url + "/DEMO/2026-10/")
    page.get_by_role("button", name="大字").click()
    assert page.get_by_role("button", name="大字").get_attribute("aria-pressed") == "true"
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    page.get_by_role("button", name="朗读").click()
    spoken = page.evaluate("() => window.__spoken")
    assert spoken[0]["lang"] == "zh-CN" and "账上有" in spoken[0]["text"] and "http" not in spoken[0]["text"]
    page.goto(site.url + "/DEMO/")
    assert page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page_errors.errors == []
    context.close()


FITS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const main = box(document.getElementById('main'));
  const parts = ['head', 'main', 'side', 'foot'].map((id) => [id, box(document.getElementById(id))]);
  const problems = [];
  for (const [id, r] of parts) {
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) problems.push(id + ' off screen');
  }
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
    const [a, ra] = parts[i], [b, rb] = parts[j];
    const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (x > 1 && y > 1) problems.push(a + ' overlaps ' + b);
  }
  const slide = document.querySelector('.slide.on');
  for (const el of slide.querySelectorAll('*')) {
    const r = box(el);
    if (r.width === 0 && r.height === 0) continue;
    if (r.right > main.right + 1 || r.bottom > main.bottom + 1 || r.left < main.left - 1)
      problems.push('cut: ' + el.tagName + ' ' + (el.textContent || '').slice(0, 20));
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible' && el.tagName !== 'DIV')
      problems.push('overflow: ' + el.tagName);
  }
  for (const el of document.querySelectorAll('#head h1, #head span, #foot span, .fig .v')) {
    if (el.offsetParent && el.scrollWidth > el.clientWidth + 1) problems.push('clipped: ' + el.textContent);
  }
  return problems;
}"""


@pytest.mark.parametrize(("width", "height"), KIOSK_SCREENS)
def test_kiosk_fits_every_screen(site, browser, width, height, page_errors):
    page = page_errors(browser.new_page(viewport={"width": width, "height": height}))
    page.goto(site.url + "/DEMO/kiosk/")
    count = page.locator(".slide").count()
    seconds = int(page.locator("#board").get_attribute("data-seconds"))
    assert count * seconds <= 90
    assert 8 <= seconds
    for n in range(count):
        page.evaluate(
            "n => document.querySelectorAll('.slide').forEach((s, k) => s.classList.toggle('on', k === n))", n
        )
        assert page.evaluate(FITS) == [], (n, page.locator(".slide.on h2").inner_text())
        assert page.locator("#side svg.qr").is_visible()
        assert page.locator("#head").is_visible() and "2026年10月" in page.locator("#head").inner_text()
        if n in (0, count - 1):
            screenshot(page, f"site-kiosk-{width}x{height}-{n + 1}")
    # Legible from three metres: the headline figures are big, body text no smaller than a 1080p board's.
    assert page.eval_on_selector(".fig .v", "el => parseFloat(getComputedStyle(el).fontSize)") >= 0.06 * min(
        width, height
    )
    assert page_errors.errors == []
    page.close()


def _publish_correction(engine, reason: str) -> str:
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        users = {u.username: u for u in session.exec(select(User)).all()}
        amend_period(session, village=village, period=DEMO_END, user=users["wenshu"], reason=reason)
        submit_period(session, village=village, period=DEMO_END, user=users["wenshu"])
        approve_period(session, village=village, period=DEMO_END, user=users["jiandu"])
        publish_period(session, village=village, period=DEMO_END, user=users["jiandu"])
        session.commit()
        return published_snapshot(session, village, DEMO_END).short_hash


def test_kiosk_rotates_picks_up_a_new_version_and_keeps_the_board_offline(site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.clock.install()
    page.goto(site.url + "/DEMO/kiosk/")
    count = page.locator(".slide").count()
    seconds = int(page.locator("#board").get_attribute("data-seconds"))
    first = page.locator("#hash").inner_text()
    assert page.locator("#page").inner_text() == f"第 1 / {count} 页"
    page.clock.run_for(seconds * 1000 + 100)
    assert page.locator("#page").inner_text() == f"第 2 / {count} 页"

    page.evaluate("window.before_reload = true")
    fresh = _publish_correction(site.engine, "补录一笔漏记的收入")
    export_site(site.engine, site.root, village_codes=["DEMO"], period=DEMO_END)
    page.clock.run_for(30_000)  # the poll fetches latest.json, then the page, in the background
    # The swap happens at the next slide boundary (no flicker mid-slide), once the background fetch has come
    # back in real time: on a loaded machine that can take more than one slide.
    for _ in range(20):
        page.wait_for_timeout(500)
        page.clock.run_for(seconds * 1000)
        if page.locator("#hash").inner_text() == fresh:
            break
    assert fresh != first and page.locator(".slide.on").count() == 1
    # Reloaded as a whole (so a fixed script reaches running kiosks too), not only the board swapped.
    assert page.evaluate("window.before_reload") is None
    assert page.locator("#page").inner_text().endswith(f" / {page.locator('.slide').count()} 页")

    site.stop()
    page.clock.run_for(30_000)
    page.wait_for_function("() => !document.getElementById('net').hidden", timeout=10_000)
    page.clock.run_for(seconds * 1000)
    assert page.locator("#hash").inner_text() == fresh and page.locator(".slide.on").is_visible()
    page.close()


def test_kiosk_picks_up_a_redaction_although_the_hash_stays(site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.clock.install()
    page.goto(site.url + "/DEMO/kiosk/")
    seconds = int(page.locator("#board").get_attribute("data-seconds"))
    shown = page.locator("#board").text_content()
    rows = list_parts(site.engine, village_code="DEMO", period=DEMO_END)
    # An affair's title, shown once on the kiosk's 村务公开 slide.
    part, text = next(
        (r, t) for r in rows if r["part"].startswith("affairs/") for t in r["text"].split(" ｜ ") if shown.count(t) == 1
    )
    assert page.locator("#redacted").is_hidden()
    first = page.locator("#hash").inner_text()
    page.evaluate("window.before_reload = true")

    signers = Signers("admin", "jiandu", DEMO_PASSWORD)
    redact_part(site.engine, village_code="DEMO", period=DEMO_END, version=part["version"], part_id=part["part"],
                reason="泄露个人信息", signers=signers)  # fmt: skip
    export_site(site.engine, site.root, village_codes=["DEMO"], period=DEMO_END)
    page.clock.run_for(30_000)  # the poll sees latest.json's render key change, then fetches the page
    for _ in range(20):
        page.wait_for_timeout(500)
        page.clock.run_for(seconds * 1000)
        if page.locator("#redacted").is_visible():
            break
    assert "本月公开内容有 1 处已依法隐去" in page.locator("#redacted").inner_text()
    assert text not in page.locator("#board").text_content() and page.locator("#hash").inner_text() == first
    assert page.evaluate("window.before_reload") is None
    page.close()


def test_kiosk_qr_code_opens_the_phone_page(site, browser, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg is not installed (scripts/setup.sh --dev); CI must run this test", pytrace=False)
        pytest.skip("zbarimg is not installed")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(site.url + "/DEMO/kiosk/")
    picture = tmp_path / "qr.png"
    page.locator("#side svg.qr").screenshot(path=str(picture))
    page.close()
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(picture)], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip()
    assert url == f"{site.url}/DEMO/{DEMO_END}/"
    with urllib.request.urlopen(url) as response:
        assert "2026年10月 三务公开" in response.read().decode("utf-8")
