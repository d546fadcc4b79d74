"""deploy/nginx.conf with Debian's nginx on loopback: the static board and the staff proxy."""

from __future__ import annotations

import gzip
import http.client
import json
import shutil
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from exports.site import export_site
from infra.db import get_engine
from tests.exports.conftest import require_tool
from tests.helpers import DEMO_END, ROOT
from tests.site.conftest import free_port


class _Staff(BaseHTTPRequestHandler):
    """Stands in for Streamlit: answers with the headers nginx forwarded."""

    def do_GET(self):
        body = json.dumps({k.lower(): v for k, v in self.headers.items()} | {"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx(demo_url):
    binary = require_tool("nginx")
    # nginx's workers run as an unprivileged user: the site must be readable by anyone, unlike tmp_path.
    tmp_path = Path(tempfile.mkdtemp(prefix="sanwu-nginx-"))
    tmp_path.chmod(0o755)
    site = tmp_path / "public"
    export_site(get_engine(demo_url), site, village_codes=["DEMO"], period=DEMO_END)
    staff = ThreadingHTTPServer(("127.0.0.1", 0), _Staff)
    threading.Thread(target=staff.serve_forever, daemon=True).start()
    port, prefix = free_port(), tmp_path / "nginx"
    prefix.mkdir()
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for key, value in {
        "ROOT": str(site),
        "PORT": str(port),
        "PREFIX": str(prefix),
        "STAFF": f"127.0.0.1:{staff.server_address[1]}",
    }.items():
        config = config.replace("{{" + key + "}}", value)
    (prefix / "nginx.conf").write_text(config, encoding="utf-8")
    subprocess.run([binary, "-t", "-c", str(prefix / "nginx.conf"), "-p", str(prefix)], check=True, capture_output=True)
    subprocess.run([binary, "-c", str(prefix / "nginx.conf"), "-p", str(prefix)], check=True)
    yield port
    subprocess.run([binary, "-c", str(prefix / "nginx.conf"), "-p", str(prefix), "-s", "stop"], check=False)
    staff.shutdown()
    shutil.rmtree(tmp_path)


def _get(port: int, path: str, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_nginx_serves_the_board_compressed_with_the_right_headers(nginx):
    response, body = _get(nginx, f"/DEMO/{DEMO_END}/", **{"Accept-Encoding": "gzip"})
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert "2026年10月 三务公开" in gzip.decompress(body).decode("utf-8")
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Cache-Control") == "public, no-cache"
    again, _ = _get(
        nginx, f"/DEMO/{DEMO_END}/", **{"If-None-Match": response.getheader("ETag"), "Accept-Encoding": "gzip"}
    )
    assert again.status == 304
    version, _ = _get(nginx, f"/DEMO/{DEMO_END}/v1/")
    # A version page changes when a part is withdrawn (依法隐去): revalidated, never immutable.
    assert version.status == 200 and version.getheader("Cache-Control") == "public, no-cache"
    assert version.getheader("ETag")
    latest, body = _get(nginx, "/DEMO/latest.json")
    assert latest.getheader("Content-Type").startswith("application/json") and json.loads(body)["period"] == DEMO_END
    missing, body = _get(nginx, "/DEMO/1999-01/")
    assert missing.status == 404 and "页面不存在" in body.decode("utf-8")
    robots, body = _get(nginx, "/robots.txt")
    assert robots.status == 200 and body.startswith(b"User-agent: *")


def test_nginx_passes_staff_pages_and_websockets_to_streamlit(nginx):
    response, body = _get(nginx, "/staff/_stcore/stream", Upgrade="websocket", Connection="Upgrade")
    forwarded = json.loads(body)
    assert response.status == 200 and forwarded["path"] == "/staff/_stcore/stream"
    assert forwarded["upgrade"] == "websocket" and forwarded["connection"] == "upgrade"
    assert forwarded["x-forwarded-for"] == "127.0.0.1"
