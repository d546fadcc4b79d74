"""`board serve` over real HTTP on loopback: compression, validators, cache headers, types, safety."""

from __future__ import annotations

import gzip
import http.client
import socket
import time

import pytest

from exports.site.build import write_file
from infra.static_server import REVALIDATE
from tests.site.conftest import StaticServer, free_port


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "public"
    write_file(root / "index.html", "<!doctype html><title>首页</title>".encode())
    write_file(root / "404.html", "<!doctype html><title>页面不存在</title>".encode())
    write_file(root / "C1" / "2026-10" / "index.html", ("<p>本月</p>" * 200).encode())
    write_file(root / "C1" / "2026-10" / "v1" / "index.html", ("<p>第1版</p>" * 200).encode())
    write_file(root / "C1" / "latest.json", b'{"hash": "abc"}\n')
    (root / "C1" / "board.pdf").write_bytes(b"%PDF-1.4 test")
    (tmp_path / "secret.txt").write_text("outside the site")
    server = StaticServer(root, free_port())
    yield root, server.port
    server.stop()


def _get(port: int, path: str, method: str = "GET", **headers) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_pages_are_sent_compressed_with_validators(server):
    root, port = server
    response, body = _get(port, "/C1/2026-10/", **{"Accept-Encoding": "gzip, br"})
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (root / "C1" / "2026-10" / "index.html").read_bytes()
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Cache-Control") == REVALIDATE
    etag = response.getheader("ETag")
    again, empty = _get(port, "/C1/2026-10/", **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status == 304 and empty == b""
    plain, body = _get(port, "/C1/2026-10/")
    assert plain.getheader("Content-Encoding") is None and body.startswith("<p>本月".encode())
    assert plain.getheader("ETag") != etag
    head, nothing = _get(port, "/C1/2026-10/", method="HEAD")
    assert head.status == 200 and nothing == b"" and int(head.getheader("Content-Length")) == len(body)


def test_cache_headers_and_types(server):
    _, port = server
    # A version page changes when a part is withdrawn (依法隐去): revalidated like every page, never immutable.
    version, _ = _get(port, "/C1/2026-10/v1/")
    assert version.getheader("Cache-Control") == REVALIDATE and version.getheader("ETag")
    latest, body = _get(port, "/C1/latest.json")
    assert latest.getheader("Content-Type") == "application/json; charset=utf-8"
    assert latest.getheader("Cache-Control") == REVALIDATE and body == b'{"hash": "abc"}\n'
    pdf, _ = _get(port, "/C1/board.pdf")
    assert pdf.getheader("Content-Type") == "application/pdf"
    robots, text = _get(port, "/robots.txt")
    assert robots.status == 200 and text.startswith(b"User-agent: *")


def test_a_changed_file_is_served_after_a_rewrite(server):
    root, port = server
    first, _ = _get(port, "/C1/latest.json")
    time.sleep(1.1)
    write_file(root / "C1" / "latest.json", b'{"hash": "def"}\n')
    response, body = _get(port, "/C1/latest.json", **{"If-None-Match": first.getheader("ETag")})
    assert response.status == 200 and body == b'{"hash": "def"}\n'


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/C1/..%2f..%2fsecret.txt", "/.hidden", "/C1/latest.json.gz"]
)
def test_nothing_outside_the_site_and_a_chinese_404(server, path):
    _, port = server
    response, body = _get(port, path)
    assert response.status == 404 and "页面不存在".encode() in body and b"outside" not in body


def test_folders_redirect_and_other_methods_are_refused(server):
    _, port = server
    response, _ = _get(port, "/C1/2026-10")
    assert response.status == 301 and response.getheader("Location") == "/C1/2026-10/"
    response, _ = _get(port, "/C1/latest.json", method="DELETE")
    assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"


def test_keep_alive_serves_many_requests_on_one_connection(server):
    _, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for _ in range(50):
        conn.request("GET", "/C1/latest.json")
        assert conn.getresponse().read() == b'{"hash": "abc"}\n'
    conn.close()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"a" * 20_000 + b"\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 431")
