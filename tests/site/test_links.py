"""Links reach the site: a printed PDF's QR code opens the static page of exactly that version; settings."""

from __future__ import annotations

import subprocess

import pytest

from board.links import board_url, is_local_url
from board.public import published_snapshot
from board.villages import get_village
from exports.pdf import render_pdf
from exports.site import export_site
from infra.db import get_engine, unit_of_work
from infra.settings import SettingsError, get_settings, local_link_warning
from tests.exports.conftest import require_tool
from tests.helpers import run_cli

BASE = "https://gongkai.example.cn"


def test_a_printed_pdf_qr_code_opens_the_static_page_of_that_version(demo_url, tmp_path):
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    engine = get_engine(demo_url)
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        first = published_snapshot(session, village, "2026-06", version=1)
    (tmp_path / "v1.pdf").write_bytes(render_pdf(first, base_url=BASE))
    subprocess.run([pdftoppm, "-r", "150", "-f", "1", "-l", "1", "-png", "v1.pdf", "page"], cwd=tmp_path, check=True)
    (picture,) = tmp_path.glob("page*.png")
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(picture)], capture_output=True, text=True, check=True)
    url, head = decoded.stdout.strip().split("#head=")
    assert url == board_url(BASE, "DEMO", "2026-06", version=1) == f"{BASE}/DEMO/2026-06/v1/"
    assert head == first.chain_head and len(head) == 64  # the witness travels with the paper
    site = tmp_path / "site"
    export_site(engine, site, village_codes=["DEMO"], period="2026-06", base_url=BASE)
    page = (site / url.removeprefix(BASE + "/") / "index.html").read_text(encoding="utf-8")
    assert first.hash in page and "第1版" in page and "查看最新的第2版" in page


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://localhost:8502", True),
        ("http://127.0.0.1:8502/", True),
        ("http://[::1]:8502", True),
        ("", True),
        ("https://gongkai.example.cn", False),
        ("http://192.0.2.10:8502", False),
    ],
)
def test_local_addresses_are_recognised(url, local):
    assert is_local_url(url) is local


def test_settings_environment_first_then_secrets(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('PUBLIC_BASE_URL = "https://from-secrets.example.cn/"\nSANWU_DEADLINE_DAY = 15\n')
    monkeypatch.setenv("SANWU_SECRETS_FILE", str(secrets))
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("SANWU_DEADLINE_DAY", raising=False)
    settings = get_settings()
    assert settings.public_base_url == "https://from-secrets.example.cn" and settings.deadline_day == 15
    assert local_link_warning(settings) is None
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost:8502")
    monkeypatch.setenv("SANWU_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")
    settings = get_settings()
    assert settings.public_base_url == "http://localhost:8502"
    assert settings.trusted_proxies == frozenset({"10.0.0.1", "10.0.0.2"})
    assert "居民的手机上都打不开" in local_link_warning(settings)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("SANWU_DEADLINE_DAY", "十", "1 到 28 之间的整数"),
        ("SANWU_DEADLINE_DAY", "40", "1 到 28 之间的整数"),
        ("PUBLIC_BASE_URL", "gongkai.example.cn", "http:// 或 https://"),
    ],
)
def test_a_bad_setting_stops_with_a_chinese_message(monkeypatch, demo_url, name, value, words):
    monkeypatch.setenv("SANWU_SECRETS_FILE", "/nonexistent/secrets.toml")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        get_settings()
    assert name in str(error.value) and words in str(error.value)
    result = run_cli("digest", "--village", "DEMO", "--period", "2026-10", db=demo_url, env={name: value})
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
