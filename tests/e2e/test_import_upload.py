"""A clerk uploads an Excel file through the real import page and sees the preview."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import log_in, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _ledger_xlsx(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["幸福社区2026年11月收支明细"])
    sheet.append(["日期", "凭证号", "摘要", "科目", "收入", "支出", "账户"])
    sheet.append([date(2026, 11, 5), "记11-001", "11月门面房租金", "经营收入", 18000, None, "银行存款"])
    sheet.append([date(2026, 11, 15), "记11-002", "11月社区干部基本报酬", "管理费用", None, 19200.5, "银行存款"])
    book.save(path)
    return path


def test_clerk_uploads_xlsx_and_sees_the_preview(streamlit_server, browser, page_errors, tmp_path):
    page = page_errors(browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True))
    # Headless Chromium has no save dialog: let Streamlit fall back to a plain download.
    page.add_init_script("delete window.showSaveFilePicker")
    log_in(page, streamlit_server, "wenshu")
    page.get_by_role("link", name="Excel导入").click()
    wait_for_app(page)
    page.get_by_role("button", name="开始录入 2026年11月").click()  # a month exists only once the clerk starts it
    wait_for_app(page)
    page.wait_for_selector("text=选择文件")

    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        str(_ledger_xlsx(tmp_path / "十一月收支.xlsx"))
    )
    page.wait_for_selector("text=收入合计", timeout=30_000)
    wait_for_app(page)
    body = page.inner_text("body")
    assert "第 2 行为表头" in body
    assert "18,000.00元" in body and "19,200.50元" in body
    screenshot(page, "import-preview")
    # The preview grid is drawn on a canvas; its own "Download as CSV" gives the rows it shows.
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.hover()
    with page.expect_download() as download:
        grid.get_by_label("Download as CSV").click()
    shown = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "11月门面房租金" in shown and "18,000.00" in shown and "记11-002" in shown
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_selector("text=已导入 2 行收支明细到 2026-11", timeout=30_000)
    assert not [e for e in page_errors.errors if "Error" in e], page_errors.errors
    page.close()
