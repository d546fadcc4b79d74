"""Every gallery layout through the real import page: the same figures as the CLI, without choosing columns."""

import time

import pytest

from board.importers import KIND_LABELS, earlier_months, totals_text
from board.periods import period_label
from board.villages import get_village
from infra.db import get_engine, unit_of_work
from tests.e2e.conftest import log_in, screenshot, wait_for_app
from tests.importers.gallery import LAYOUTS, PERIOD, for_history

pytestmark = pytest.mark.e2e


def _wait_for_texts(page, texts: list[str], timeout: float = 30) -> str:
    deadline = time.time() + timeout
    while True:
        body = page.inner_text("body")
        if all(t in body for t in texts) or time.time() > deadline:
            return body
        page.wait_for_timeout(300)


def test_every_gallery_layout_previews_on_the_import_page(streamlit_server, browser, page_errors, tmp_path, demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        earlier = earlier_months(session, village=get_village(session, "DEMO"), period=PERIOD)
    page = page_errors(browser.new_page(viewport={"width": 1400, "height": 1000}))
    log_in(page, streamlit_server, "wenshu")
    page.get_by_role("link", name="Excel导入").click()
    wait_for_app(page)
    page.get_by_role("button", name=f"开始录入 {period_label(PERIOD)}").click()  # a month exists once started
    wait_for_app(page)
    page.wait_for_selector("text=选择文件")
    kind = "ledger"
    # The beneficiary list last: it is then imported, filed under a new 村务 item.
    for layout in sorted((for_history(x, earlier) for x in LAYOUTS), key=lambda x: x.kind == "beneficiaries"):
        if layout.kind != kind:
            page.get_by_label("导入内容").click()
            page.get_by_role("option", name=KIND_LABELS[layout.kind], exact=True).click()
            wait_for_app(page)
            kind = layout.kind
        path = tmp_path / layout.filename
        path.write_bytes(layout.data())
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        expected = [f"{label} {value}" for label, value in totals_text(layout.totals)] + ["识别为"]
        body = _wait_for_texts(page, expected)
        assert all(t in body for t in expected), (layout.name, [t for t in expected if t not in body])
        assert "文件中没有找到这些列" not in body and "个问题" not in body, layout.name
        if layout.name.startswith("three_column"):
            assert "本年累计”行未核对" not in body and "以来各月明细之和" not in body
    screenshot(page, "import-gallery-beneficiaries")
    page.get_by_role("button", name="导入", exact=True).click()
    body = _wait_for_texts(page, ["已导入"])
    # Starting the month copied last month's 低保 item, so the list is filed under it (no new item is named).
    assert "已导入 2 行补贴名单到 2026-11" in body
    assert not [e for e in page_errors.errors if "Error" in e], page_errors.errors
    page.close()
