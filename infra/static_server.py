"""A small static file server for the public site (`python -m board serve`), standard library only.

Built for many phones and kiosks on one small machine: asyncio with HTTP/1.1 keep-alive,
files kept in memory with their gzip twin (``x.html.gz`` written by the exporter), strong
ETags and ``304 Not Modified``, ``Cache-Control: public, no-cache`` on everything (even a version
page ``vN/`` changes when a part is withdrawn by 依法隐去, so a browser or proxy revalidates it, and a
304 costs next to nothing), the right content types, a
Chinese 404 page and ``robots.txt``.  A file is re-read when its modification time or size
changes (checked at most once a second), so a re-export shows up without a restart.
Only GET and HEAD; paths never leave the site folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import signal
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REVALIDATE = "public, no-cache"
ROBOTS = b"User-agent: *\nAllow: /\n"
NOT_FOUND = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title></head>'
    '<body><h1>页面不存在</h1><p><a href="/">回到三务公开栏首页</a></p></body></html>'
).encode()
MAX_HEAD = 16 * 1024
RECHECK_SECONDS = 1.0
KEEP_ALIVE_SECONDS = 30


@dataclass
class Entry:
    body: bytes
    gzip: bytes | None
    etag: str
    gzip_etag: str
    content_type: str
    stamp: tuple[int, int, int, int]  # mtime_ns and size of the file and of its .gz twin
    checked: float


def _stamp(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    twin = path.with_name(path.name + ".gz")
    try:
        gz = twin.stat()
        return st.st_mtime_ns, st.st_size, gz.st_mtime_ns, gz.st_size
    except OSError:
        return st.st_mtime_ns, st.st_size, 0, 0


class Site:
    """The files under ``root`` as HTTP responses, cached in memory."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._cache: dict[str, Entry] = {}

    def resolve(self, url_path: str) -> tuple[str, Path | None]:
        """(kind, file): kind is "file", "redirect" (a folder without its slash) or "missing"."""
        path = unquote(url_path)
        if "\x00" in path or "\\" in path:
            return "missing", None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or p.startswith(".") for p in parts):
            return "missing", None
        target = self.root.joinpath(*parts)
        if target.is_dir():
            if not path.endswith("/"):
                return "redirect", None
            target = target / "index.html"
        if not target.is_file() or target.suffix == ".gz":
            return "missing", None
        return "file", target

    def lookup(self, url_path: str) -> tuple[str, Entry | None]:
        """(kind, entry) for a request path; the file system is asked at most once a second per path."""
        now = time.monotonic()
        # One key per file however the path is spelled ("//", "%44EMO"): the cache holds at most the site's files.
        decoded = unquote(url_path)
        url_path = "/" + "/".join(p for p in decoded.split("/") if p) + ("/" if decoded.endswith("/") else "")
        cached = self._cache.get(url_path)
        if cached is not None and now - cached.checked < RECHECK_SECONDS:
            return "file", cached
        kind, file = self.resolve(url_path)
        if file is None:
            self._cache.pop(url_path, None)
            return kind, None
        return "file", self._load(url_path, file, cached, now)

    def _load(self, key: str, path: Path, cached: Entry | None, now: float) -> Entry:
        stamp = _stamp(path)
        if cached is not None and cached.stamp == stamp:
            cached.checked = now
            return cached
        body = path.read_bytes()
        twin = path.with_name(path.name + ".gz")
        gz = twin.read_bytes() if twin.is_file() else None
        digest = hashlib.sha256(body).hexdigest()[:20]
        content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        entry = Entry(body, gz, f'"{digest}"', f'"{digest}-gz"', content_type, stamp, now)
        self._cache[key] = entry
        return entry


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Date:
    """The Date header, formatted once a second."""

    value = ""
    at = 0.0

    @classmethod
    def now(cls) -> str:
        t = time.time()
        if t - cls.at >= 1:
            cls.value, cls.at = formatdate(t, usegmt=True), t
        return cls.value


class HttpProtocol(asyncio.Protocol):
    def __init__(self, site: Site):
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.idle: asyncio.TimerHandle | None = None

    def connection_made(self, transport):
        self.transport = transport
        self._arm()

    def _arm(self):
        if self.idle:
            self.idle.cancel()
        self.idle = asyncio.get_running_loop().call_later(KEEP_ALIVE_SECONDS, self._close)

    def _close(self):
        if self.transport and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc):
        if self.idle:
            self.idle.cancel()

    def data_received(self, data: bytes):
        self.buffer += data
        while self.transport and not self.transport.is_closing():
            end = self.buffer.find(b"\r\n\r\n")
            if end > MAX_HEAD or (end < 0 and len(self.buffer) > MAX_HEAD):
                self._reply(False, "431 Request Header Fields Too Large", b"", "text/plain; charset=utf-8")
                return
            if end < 0:
                return
            head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4 :]
            self._arm()
            self.handle(head)

    def handle(self, head: str) -> None:
        lines = head.split("\r\n")
        try:
            method, target, version = lines[0].split(" ")
        except ValueError:
            self._reply(False, "400 Bad Request", b"", "text/plain; charset=utf-8")
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        keep = connection == "keep-alive" if version == "HTTP/1.0" else connection != "close"
        if "content-length" in headers or "transfer-encoding" in headers:
            keep = False  # no request bodies here: drop the connection rather than parse one
        if method not in ("GET", "HEAD"):
            self._reply(
                keep, "405 Method Not Allowed", b"", "text/plain; charset=utf-8", extra=[("Allow", "GET, HEAD")]
            )
            return
        path = urlsplit(target).path or "/"
        if path == "/robots.txt" and not (self.site.root / "robots.txt").is_file():
            self._reply(keep, "200 OK", ROBOTS, TYPES[".txt"], head_only=method == "HEAD")
            return
        kind, entry = self.site.lookup(path)
        if kind == "redirect":
            self._reply(keep, "301 Moved Permanently", b"", TYPES[".txt"], extra=[("Location", path + "/")])
            return
        if entry is None:
            page = self.site.root / "404.html"
            body = page.read_bytes() if page.is_file() else NOT_FOUND
            self._reply(keep, "404 Not Found", body, TYPES[".html"], head_only=method == "HEAD")
            return
        use_gzip = entry.gzip is not None and "gzip" in headers.get("accept-encoding", "")
        etag = entry.gzip_etag if use_gzip else entry.etag
        extra = [("ETag", etag), ("Cache-Control", REVALIDATE)]
        if entry.gzip is not None:
            extra.append(("Vary", "Accept-Encoding"))
        match = headers.get("if-none-match")
        if match and (match == "*" or etag in [m.strip().removeprefix("W/") for m in match.split(",")]):
            self._reply(keep, "304 Not Modified", b"", None, extra=extra)
            return
        if use_gzip:
            extra.append(("Content-Encoding", "gzip"))
        body = entry.gzip if use_gzip and entry.gzip is not None else entry.body
        self._reply(keep, "200 OK", body, entry.content_type, extra=extra, head_only=method == "HEAD")

    def _reply(
        self,
        keep: bool,
        status: str,
        body: bytes,
        content_type: str | None,
        *,
        extra: Sequence[tuple[str, str]] = (),
        head_only: bool = False,
    ) -> None:
        headers = [("Server", "sanwu"), ("Date", _Date.now())]
        if content_type:
            headers.append(("Content-Type", content_type))
        headers.append(("Content-Length", str(len(body))))
        headers.append(("X-Content-Type-Options", "nosniff"))
        headers.extend(extra)
        headers.append(("Connection", "keep-alive" if keep else "close"))
        transport = self.transport
        assert transport is not None  # replies are made only on an open connection
        transport.write(_head(status, headers) + (b"" if head_only or status.startswith("304") else body))
        if not keep:
            transport.close()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket that several worker processes can share (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def _serve(sock: socket.socket, root: Path) -> None:
    site = Site(root)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpProtocol(site), sock=sock, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def serve(root: Path, *, host: str = "127.0.0.1", port: int = 8502, workers: int = 1, ready=None) -> None:
    """Serve ``root`` until SIGINT/SIGTERM; ``workers`` processes share one listening socket."""
    sock = bind(host, port)
    if ready:
        ready(sock.getsockname()[1])
    children = []
    for _ in range(max(1, workers) - 1):
        pid = os.fork()
        if pid == 0:
            try:
                asyncio.run(_serve(sock, root))
            finally:
                os._exit(0)
        children.append(pid)
    try:
        asyncio.run(_serve(sock, root))
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
