"""Serving the public site: `board serve` against Debian's nginx, same page, same machine, same run.

Run: .venv/bin/python bench/bench_serve.py [--requests 20000] [--kiosk-seconds 125] [--workers 2]
Installs nginx-light and apache2-utils (ab) with apt-get when missing.  Everything stays on
loopback and every loop is bounded by a request count or a duration.

Prints, for 100 and 500 concurrent clients fetching one month page (gzip asked for, a new
connection per request as phones make them), requests per second and p50/p95 latency from ab;
the ratio board serve / nginx; then 1,000 simulated kiosks each polling latest.json once every
60 s with If-None-Match (a 304 when nothing changed), and the CPU the server used meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exports.site import export_site  # noqa: E402
from infra.db import get_engine, migrate, unit_of_work  # noqa: E402
from infra.demo import DEMO_VILLAGE, seed_demo  # noqa: E402

END = "2026-10"
CODE = DEMO_VILLAGE[0]
PAGE = f"/{CODE}/{END}/"
LATEST = f"/{CODE}/latest.json"
KIOSKS = 1_000
POLL_SECONDS = 60


def ensure_tools() -> None:
    missing = [pkg for tool, pkg in (("nginx", "nginx-light"), ("ab", "apache2-utils")) if not shutil.which(tool)]
    if missing:
        print(f"installing {' '.join(missing)}", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (from /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid, *map(int, out)]


def ab(url: str, requests: int, concurrency: int) -> dict:
    result = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-s", "30", "-H", "Accept-Encoding: gzip", url],
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = result.stdout
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", text).group(1))
    failed = int(re.search(r"Failed requests:\s+(\d+)", text).group(1))
    p50 = int(re.search(r"\n\s+50%\s+(\d+)", text).group(1))
    p95 = int(re.search(r"\n\s+95%\s+(\d+)", text).group(1))
    return {"rps": rps, "p50": p50, "p95": p95, "failed": failed}


async def _kiosk(port: int, start: float, offset: float, until: float, stats: dict) -> None:
    etag = ""
    t = start + offset
    while t < until:
        await asyncio.sleep(max(0.0, t - time.monotonic()))
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = f"GET {LATEST} HTTP/1.1\r\nHost: kiosk\r\nConnection: close\r\nAccept-Encoding: gzip\r\n"
            if etag:
                head += f"If-None-Match: {etag}\r\n"
            writer.write((head + "\r\n").encode())
            response = await reader.read()
            writer.close()
            status = response[9:12].decode()
            match = re.search(rb"(?i)\r\netag: ([^\r]+)", response)
            if match:
                etag = match.group(1).decode()
            stats[status] = stats.get(status, 0) + 1
        except OSError:
            stats["error"] = stats.get("error", 0) + 1
        t += POLL_SECONDS


async def kiosks(port: int, seconds: float) -> dict:
    start = time.monotonic()
    stats: dict = {}
    rng = random.Random(1)
    # Offsets spread over the first poll interval: kiosks switched on at different times.
    await asyncio.gather(
        *(_kiosk(port, start, rng.uniform(0, POLL_SECONDS), start + seconds, stats) for _ in range(KIOSKS))
    )
    return stats


def measure(name: str, port: int, pids: list[int], args) -> dict:
    url = f"http://127.0.0.1:{port}{PAGE}"
    figures = {}
    for concurrency in (100, 500):
        ab(url, min(2_000, args.requests), concurrency)  # warm up
        figures[concurrency] = result = ab(url, args.requests, concurrency)
        print(
            f"{name:12s} c={concurrency:3d}: {result['rps']:8.0f} req/s  p50 {result['p50']} ms  "
            f"p95 {result['p95']} ms  failed {result['failed']}",
            flush=True,
        )
    before, wall = cpu_seconds(pids), time.monotonic()
    stats = asyncio.run(kiosks(port, args.kiosk_seconds))
    used, wall = cpu_seconds(pids) - before, time.monotonic() - wall
    figures["kiosk_cpu"] = used / wall * 100
    print(
        f"{name:12s} {KIOSKS} kiosks polling every {POLL_SECONDS} s for {wall:.0f} s: {stats} "
        f"CPU {used:.2f} s = {figures['kiosk_cpu']:.2f}% of one core",
        flush=True,
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--kiosk-seconds", type=float, default=125)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    ensure_tools()
    work = Path(tempfile.mkdtemp(prefix="sanwu-bench-serve-"))
    work.chmod(0o755)  # nginx's workers read the site as an unprivileged user
    procs = []
    try:
        engine = get_engine(f"sqlite:///{work / 'demo.db'}")
        migrate(engine)
        with unit_of_work(engine) as session:
            seed_demo(session, end_period=END)
            session.commit()
        site = work / "public"
        export_site(engine, site, period=END)
        page = site / PAGE.strip("/") / "index.html"
        print(
            f"month page {PAGE}: {page.stat().st_size / 1024:.1f} KB, "
            f"{page.with_name('index.html.gz').stat().st_size / 1024:.1f} KB gzipped",
            flush=True,
        )
        ours = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "board", "serve", "--dir", str(site), "--port", str(ours)]
            + ["--workers", str(args.workers)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        procs.append(server)
        wait_up(f"http://127.0.0.1:{ours}/robots.txt")
        nginx_port, prefix = free_port(), work / "nginx"
        prefix.mkdir()
        config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        for key, value in {"ROOT": str(site), "PORT": str(nginx_port), "PREFIX": str(prefix)}.items():
            config = config.replace("{{" + key + "}}", value)
        (prefix / "nginx.conf").write_text(config.replace("{{STAFF}}", "127.0.0.1:9"), encoding="utf-8")
        subprocess.run(["nginx", "-c", str(prefix / "nginx.conf"), "-p", str(prefix)], check=True)
        wait_up(f"http://127.0.0.1:{nginx_port}/robots.txt")
        master = int((prefix / "nginx.pid").read_text())
        ngx = measure("nginx", nginx_port, children(master), args)
        our = measure("board serve", ours, children(server.pid), args)
        for concurrency in (100, 500):
            ratio = our[concurrency]["rps"] / ngx[concurrency]["rps"]
            print(f"board serve / nginx at c={concurrency}: {ratio:.2f} (target ≥ 0.20)", flush=True)
        subprocess.run(["nginx", "-c", str(prefix / "nginx.conf"), "-p", str(prefix), "-s", "stop"], check=False)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
