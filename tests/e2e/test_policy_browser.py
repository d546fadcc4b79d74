"""The public 政策问答 in headless Chromium: the board page with its 朗读 buttons, and the static page's search."""

from __future__ import annotations

import pytest

from exports.site import export_site
from infra.db import get_engine
from tests.e2e.conftest import screenshot, wait_for_app
from tests.helpers import DEMO_END
from tests.policy.test_board_page import publish_demo_explainers

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
# Headless Chromium has no voices: record what the button asks the phone to say instead.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push({text: u.text, lang: u.lang}); };
}
"""


def test_phone_board_shows_explainers_with_read_aloud_buttons(demo_url, streamlit_server, browser, page_errors):
    publish_demo_explainers(demo_url)
    page = page_errors(browser.new_page(viewport=PHONE))
    page.add_init_script(RECORD_SPEECH)
    page.goto(streamlit_server.url + "/?village=DEMO")
    wait_for_app(page)
    page.get_by_role("heading", name="政策问答").wait_for()
    page.get_by_text("第 1 期｜明年的居民医保，现在开始交钱了").wait_for()
    frames = page.locator("iframe")
    frames.nth(2).wait_for()
    labels = []
    for i in range(frames.count()):
        button = page.frame_locator("iframe").nth(i).locator("#read-aloud")
        button.wait_for()
        labels.append(button.inner_text().strip())
        assert button.get_attribute("lang") == "zh-CN"
    assert labels.count("▶ 朗读本月摘要") == 1 and labels.count("▶ 朗读这期问答") == 2
    policy = labels.index("▶ 朗读这期问答")
    page.frame_locator("iframe").nth(policy).locator("#read-aloud").click()
    spoken = [said for frame in page.frames for said in frame.evaluate("() => window.__spoken || []")]
    assert len(spoken) == 1 and spoken[0]["lang"] == "zh-CN"
    assert spoken[0]["text"].startswith("【政策问答 第 2 期】") and "https://" not in spoken[0]["text"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= 390")
    screenshot(page, "policy-phone-390x844")
    assert page_errors.errors == []
    page.close()


def test_static_policy_page_searches_offline(demo_url, tmp_path, browser, page_errors):
    publish_demo_explainers(demo_url)
    site = export_site(
        get_engine(demo_url), tmp_path, village_codes=["DEMO"], period=DEMO_END, base_url="https://sanwu.example.cn"
    )
    result = site.villages[0]
    assert result.policy == tmp_path / "DEMO" / "policy" / "index.html"
    assert "政策问答（2 期，可搜索）" in (tmp_path / "DEMO" / "index.html").read_text(encoding="utf-8")
    page = page_errors(browser.new_page(viewport=PHONE))
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith("file://") else None)
    page.goto(result.policy.as_uri())
    articles = page.locator("article")
    assert articles.count() == 2
    assert "第 2 期" in articles.nth(0).locator("h3").inner_text()
    assert page.locator("#count").inner_text() == "共 2 期"
    assert "已截止" in articles.nth(0).locator(".deadline").inner_text()
    assert "已截止" not in articles.nth(1).locator(".deadline").inner_text()
    page.locator("#q").fill("尊老金")
    assert page.locator("#count").inner_text() == "找到 1 期"
    assert articles.nth(0).is_visible() and not articles.nth(1).is_visible()
    page.locator("#q").fill("医保 400元")
    assert not articles.nth(0).is_visible() and articles.nth(1).is_visible()
    page.locator("#q").fill("没有这个词")
    assert page.locator("#count").inner_text() == "找到 0 期"
    assert page.evaluate("() => document.documentElement.scrollWidth <= 390")
    screenshot(page, "policy-static-390x844")
    assert remote == [] and page_errors.errors == []
    page.close()
