"""Browser fixtures: a real ``streamlit run app.py`` on a free port and Debian's headless Chromium.

Waits for ``/_stcore/health`` and for ``[data-test-script-state='notRunning']`` as
Streamlit's own e2e suite does.  Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    def __init__(self, db_url: str, log_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_path.open("w")
        env = {**os.environ, "DATABASE_URL": db_url, "PUBLIC_BASE_URL": self.url}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {log_path}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium; on Ubuntu (a snap there) the build scripts/setup.sh installs via Playwright."""
    from playwright.sync_api import sync_playwright

    for candidate in (CHROMIUM, shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    with sync_playwright() as p:
        bundled = p.chromium.executable_path
    if os.path.exists(bundled):
        return bundled
    message = "no Chromium found (bash scripts/setup.sh --dev installs it)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_errors():
    """Collects console errors and page errors of a Playwright page: ``watch(page)``."""
    errors: list[str] = []

    def watch(page):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    watch.errors = errors
    return watch


@pytest.fixture
def streamlit_server(demo_url, tmp_path):
    """A fresh server on a private copy of the demo database."""
    server = StreamlitServer(demo_url, tmp_path / "streamlit.log")
    yield server
    server.stop()


def wait_for_app(page, timeout: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout, state="attached")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def log_in(page, server, username: str, password: str = "sanwu-demo") -> None:
    """Open the board, follow the login link and sign in (deep links are avoided, see docs)."""
    page.goto(server.url + "/")
    wait_for_app(page)
    page.get_by_role("link", name="工作人员登录").click()
    wait_for_app(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_timeout(500)
    wait_for_app(page)
