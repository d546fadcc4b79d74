"""A deep link to a staff page on a fresh server shows no staff data."""

import pytest

from tests.e2e.conftest import log_in, wait_for_app

pytestmark = pytest.mark.e2e


def test_staff_deep_link_shows_no_staff_data(streamlit_server, browser, page_errors):
    page = page_errors(browser.new_page())
    page.goto(streamlit_server.url + "/overview")
    wait_for_app(page)
    body = page.inner_text("body")
    # First run of a fresh server: Streamlit sees a pages/ folder, reports "Page not found"
    # for the deep link and runs the main script, which shows only public pages.
    # The overview table of a logged-in clerk would show 月份总览 and statuses.
    assert "月份总览" not in body
    assert "已公开" not in body
    assert "工作人员登录" in body
    page.close()


def test_login_then_overview(streamlit_server, browser):
    page = browser.new_page()
    log_in(page, streamlit_server, "wenshu")
    page.get_by_role("link", name="月份总览").click()
    wait_for_app(page)
    page.wait_for_selector("text=月份总览")
    page.wait_for_selector("[data-testid='stDataFrame']")
    page.close()
