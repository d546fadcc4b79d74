"""A resident asks in Chromium, gets a 查询码, and the clerk finds it in the inbox."""

import re

import pytest

from tests.e2e.conftest import log_in, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_resident_request_reaches_the_clerks_inbox(streamlit_server, browser, page_errors):
    page = page_errors(browser.new_page())
    page.goto(streamlit_server.url + "/")
    wait_for_app(page)
    page.get_by_role("link", name="依申请公开").click()
    wait_for_app(page)
    page.get_by_label("标题").fill("排水沟工程款")
    page.locator("textarea").first.fill("今年5万元的排水沟工程款用在了哪里？")
    page.get_by_label("联系电话（只用于答复，不会公开）").fill("13812345678")
    label = page.locator("label", has_text="验证题").inner_text()
    a, b = map(int, re.search(r"(\d+) 加 (\d+)", label).groups())
    page.get_by_label(re.compile("验证题")).fill(str(a + b))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=已收到您的申请", timeout=30_000)
    wait_for_app(page)
    code = page.locator("[data-testid='stCode'] code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    screenshot(page, "request-code")
    assert not page_errors.errors
    page.close()

    clerk = browser.new_page()
    log_in(clerk, streamlit_server, "wenshu")
    clerk.get_by_role("link", name="居民申请").click()
    wait_for_app(clerk)
    clerk.wait_for_selector("[data-testid='stDataFrame']")
    # The code also stands in the data grid's hidden accessibility cells: wait for a visible one.
    clerk.locator(f"text={code} >> visible=true").first.wait_for(timeout=30_000)
    body = clerk.inner_text("body")
    assert "排水沟工程款" in body and "剩 20 个工作日" in body
    assert "13812345678" not in body
    screenshot(clerk, "request-inbox")
    clerk.close()
