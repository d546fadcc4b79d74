"""A bounded soak: kiosk and phone sessions, a publish every minute and hostile uploads, against one server.

Run: .venv/bin/python bench/bench_soak.py [--minutes 30] [--kiosks 4] [--phones 4] [--port N]

A temporary SQLite demo database (``python -m board init-db`` + ``seed-demo``) is served by a real
``streamlit run app.py`` on 127.0.0.1.  Headless Chromium keeps the kiosk and phone pages open for the
whole run (each phone page reloads every 30 s).  Every minute the CLI publishes, alternately, a new
month (a two-sheet journal imported with ``import ledger``, then submit/approve/publish) and a
correction of the newest month (amend/submit/approve/publish), all ``--as-admin`` except the approval,
which only the committee may give (the demo supervisor, with its password).  Every minute the
demo clerk uploads one hostile spreadsheet through the import page, in turn: a 1.5 KB xlsx whose only
cell is at XFD200000, a ~2 MB deflate bomb and a zip with 100k entries.  The server's process tree is
sampled every 5 s from /proc (RSS, CPU).  A death is the server exiting, its health check failing for
longer than --hang-seconds, or its RSS passing --rss-limit-mb (killed so that a bomb cannot take the
shared machine down); the server is then restarted on the same port and database, and the soak goes on.
Exits 1 if the server died at least once.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
CLERK, SUPERVISOR, PASSWORD = "wenshu", "jiandu", "sanwu-demo"
VILLAGE = "DEMO"
SAMPLE_EVERY = 5
PHONE_RELOAD_EVERY = 30
EVENT_EVERY = 60
UPLOAD_WAIT = 120
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------- hostile files


def _xlsx(sheet_writer, extra=()) -> bytes:
    """A minimal one-sheet workbook; ``sheet_writer(stream)`` writes xl/worksheets/sheet1.xml."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        book.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="收支明细" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet {ns}>'.encode())
            sheet_writer(sheet)
            sheet.write(b"</worksheet>")
        for name in extra:
            book.writestr(name, b"")
    return out.getvalue()


def huge_dimension() -> bytes:
    """One cell at XFD200000: tiny on disk, 200,000 × 16,384 cells if a reader sizes its grid by it."""

    def write(sheet):
        sheet.write(b'<dimension ref="A1:XFD200000"/><sheetData>')
        sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&#26085;&#26399;</t></is></c></row>')
        sheet.write(b'<row r="200000"><c r="XFD200000"><v>1</v></c></row></sheetData>')

    return _xlsx(write)


def deflate_bomb(target_bytes: int = 2 * 1024 * 1024) -> tuple[bytes, int]:
    """Millions of identical rows; returns the file and the sheet's inflated size."""
    row = b"<row><c><v>1</v></c></row>"
    chunk = row * (4 * 1024 * 1024 // len(row))
    # ~410:1 for this row (measured with zlib level 9), so this many chunks give ~target_bytes.
    chunks = max(1, target_bytes * 410 // len(chunk))

    def write(sheet):
        sheet.write(b"<sheetData>")
        for _ in range(chunks):
            sheet.write(chunk)
        sheet.write(b"</sheetData>")

    return _xlsx(write), chunks * len(chunk)


def many_entries(count: int = 100_000) -> bytes:
    """A valid workbook carrying ``count`` empty extra entries."""

    def write(sheet):
        sheet.write(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>')

    return _xlsx(write, extra=[f"xl/media/image{i}.png" for i in range(count)])


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def _proc_stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, cpu ticks including waited-for children, rss bytes) from /proc, or None if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17, rss 24.
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return int(fields[1]), ticks, int(fields[21]) * PAGE


def tree_usage(root: int) -> tuple[int, int] | None:
    """CPU ticks and RSS of ``root`` and all its live descendants."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat:
                stats[int(entry)] = stat
    if root not in stats:
        return None
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, s in stats.items() if s[0] == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(stats[p][1] for p in tree), sum(stats[p][2] for p in tree)


class Server:
    """``streamlit run app.py`` in its own process group, watched and restarted after a death."""

    def __init__(self, db_url: str, port: int, workdir: Path, hang_seconds: float, rss_limit: int):
        self.db_url, self.port, self.workdir = db_url, port, workdir
        self.url = f"http://127.0.0.1:{port}"
        self.hang_seconds, self.rss_limit = hang_seconds, rss_limit
        self.proc: subprocess.Popen | None = None
        self.deaths: list[tuple[float, str]] = []
        self.rss: list[int] = []
        self.cpu: list[float] = []
        self.starts = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def start(self) -> None:
        self.starts += 1
        log = (self.workdir / f"streamlit-{self.starts}.log").open("w")
        env = {**os.environ, "DATABASE_URL": self.db_url, "PUBLIC_BASE_URL": self.url}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(self.port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if healthy(self.url):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"streamlit did not start; see {self.workdir}/streamlit-{self.starts}.log")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=30)

    def stop(self, watcher: threading.Thread | None) -> None:
        self.stopping.set()
        if watcher:
            watcher.join(timeout=180)  # a restart under way finishes first, so nothing outlives the soak
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()

    def died_since(self, moment: float) -> str | None:
        with self.lock:
            return next((why for when, why in self.deaths if when >= moment), None)

    def _death(self, why: str) -> None:
        with self.lock:
            self.deaths.append((time.monotonic(), why))
        print(f"[{time.strftime('%H:%M:%S')}] server death: {why}; restarting", flush=True)
        self.kill()
        if not self.stopping.is_set():
            try:
                self.start()
            except RuntimeError as error:
                with self.lock:
                    self.deaths.append((time.monotonic(), f"restart failed: {error}"))

    def watch(self) -> None:
        """Every SAMPLE_EVERY s: RSS and CPU% of the process tree, exit, health and the RSS limit."""
        last: tuple[float, int] | None = None
        unhealthy_since: float | None = None
        while not self.stopping.wait(SAMPLE_EVERY):
            code = self.proc.poll()
            if code is not None:
                self._death(f"process exited with {code}")
                last, unhealthy_since = None, None
                continue
            usage = tree_usage(self.proc.pid)
            now = time.monotonic()
            if usage:
                ticks, rss = usage
                self.rss.append(rss)
                if last:
                    self.cpu.append(100 * (ticks - last[1]) / TICK / (now - last[0]))
                last = (now, ticks)
                if rss > self.rss_limit:
                    self._death(f"RSS {rss / 2**20:.0f} MB over the {self.rss_limit / 2**20:.0f} MB limit (killed)")
                    last, unhealthy_since = None, None
                    continue
            if healthy(self.url):
                unhealthy_since = None
            elif unhealthy_since is None:
                unhealthy_since = now
            elif now - unhealthy_since > self.hang_seconds:
                self._death(f"health check failing for {now - unhealthy_since:.0f} s")
                last, unhealthy_since = None, None


# ---------------------------------------------------------------- publishing through the CLI


def _journal(period: str, cash_fen: int, bank_fen: int) -> bytes:
    """现金日记账 and 银行日记账 sheets opening with 上月结转; one expense and one income."""
    year, month = int(period[:4]), int(period[5:])
    book = openpyxl.Workbook()
    cash = book.active
    cash.title = "现金日记账"
    cash.append([f"幸福社区{year}年{month}月现金日记账"])
    cash.append(["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"])
    cash.append([date(year, month, 1), None, "上月结转", None, None, None, cash_fen / 100])
    cash.append(
        [date(year, month, 12), f"现{period}-1", "购买办公用品", "管理费用", None, 150.4, cash_fen / 100 - 150.4]
    )
    bank = book.create_sheet("银行日记账")
    bank.append([f"幸福社区{year}年{month}月银行存款日记账"])
    bank.append(["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"])
    bank.append([date(year, month, 1), None, "上月结转", None, None, None, bank_fen / 100])
    bank.append(
        [date(year, month, 3), f"银{period}-1", "收到门面房租金", "经营收入", 12000, None, bank_fen / 100 + 12000]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12}-{month % 12 + 1:02d}"


class Publisher:
    """Alternately a new month and a correction of the newest one, through ``python -m board``."""

    def __init__(self, db_url: str, workdir: Path, latest: str):
        self.env = {**os.environ, "DATABASE_URL": db_url, "SANWU_PASSWORD": PASSWORD}
        self.workdir, self.latest = workdir, latest
        self.balances: dict[str, int] | None = None
        self.done: list[tuple[str, float]] = []
        self.failed: list[str] = []
        self.turn = 0

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "board", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(args[:2])}: {(result.stderr or result.stdout).strip()[-300:]}")
        return result.stdout

    def workflow(self, period: str, *steps: str) -> None:
        for step in steps:
            actor = ["--by", SUPERVISOR] if step == "approve" else ["--as-admin"]
            self.cli("period", step, "--village", VILLAGE, "--period", period, *actor)

    def once(self) -> None:
        start = time.monotonic()
        self.turn += 1
        try:
            if self.turn % 2:
                if self.balances is None:
                    shown = json.loads(
                        self.cli("period", "show", "--village", VILLAGE, "--period", self.latest, "--json")
                    )
                    self.balances = {a["account"]: a["closing_fen"] for a in shown["accounts"]}
                period = _next_period(self.latest)
                path = self.workdir / f"journal-{period}.xlsx"
                path.write_bytes(_journal(period, self.balances["cash"], self.balances["bank"]))
                self.cli("import", "ledger", str(path), "--village", VILLAGE, "--period", period, "--as-admin")
                self.workflow(period, "submit", "approve", "publish")
                self.balances = {"cash": self.balances["cash"] - 15040, "bank": self.balances["bank"] + 1_200_000}
                self.latest, what = period, f"new month {period}"
            else:
                self.cli(
                    "period",
                    "amend",
                    "--village",
                    VILLAGE,
                    "--period",
                    self.latest,
                    "--as-admin",
                    "--comment",
                    "浸泡测试更正",
                )
                self.workflow(self.latest, "submit", "approve", "publish")
                what = f"correction of {self.latest}"
            self.done.append((what, time.monotonic() - start))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            self.failed.append(str(error))
            print(f"[{time.strftime('%H:%M:%S')}] publish failed: {error}", flush=True)


# ---------------------------------------------------------------- the browser


def wait_for_app(page, timeout: int = 60_000) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout, state="attached")


def _problems(page) -> list[str]:
    """The messages in the problem table under an error (drawn on a canvas: read through its CSV download)."""
    grid = page.locator("[data-testid='stDataFrame']")
    try:
        grid.first.wait_for(timeout=15_000)
        grid.first.hover()
        with page.expect_download(timeout=10_000) as download:
            grid.first.get_by_label("Download as CSV").click()
        rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()))
    except Exception:  # noqa: BLE001 - the alert's own text is still reported
        return ["(problem table unreadable)"]
    return [row[-1] for row in rows[1:] if row]


def upload_hostile(browser, server: Server, name: str, data: bytes, workdir: Path) -> str:
    """Log in as the clerk, upload ``data`` on the import page; what the page or the server answered."""
    path = workdir / name
    path.write_bytes(data)
    started = time.monotonic()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    # Headless Chromium has no save dialog: the problem table's "Download as CSV" falls back to a download.
    page.add_init_script("delete window.showSaveFilePicker")
    try:
        page.goto(server.url + "/")
        wait_for_app(page)
        page.get_by_role("link", name="工作人员登录").click()
        wait_for_app(page)
        page.get_by_label("用户名").fill(CLERK)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_timeout(500)
        wait_for_app(page)
        page.get_by_role("link", name="Excel导入").click()
        wait_for_app(page)
        start = page.get_by_role("button", name=re.compile("^开始录入"))
        if start.count():  # a month exists only once the clerk starts it
            start.first.click()
            wait_for_app(page)
        page.wait_for_selector("[data-testid='stFileUploader'] input[type='file']", timeout=60_000, state="attached")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
        page.wait_for_timeout(1000)
        while time.monotonic() - started < UPLOAD_WAIT:
            died = server.died_since(started)
            if died:
                return f"server died ({died})"
            for selector, label in (
                ("[data-testid='stAlertContentError']", ""),
                ("[data-testid='stException']", "traceback: "),
            ):
                found = page.locator(selector)
                if found.count():
                    return label + " ".join([found.first.inner_text(), *_problems(page)]).replace("\n", " ")[:300]
            if page.get_by_text("识别为").count() and page.locator("[data-test-script-state='notRunning']").count():
                notes = page.locator("[data-testid='stAlert']")
                first = " ".join(notes.first.inner_text().split())[:120] if notes.count() else ""
                return f"accepted: read and previewed, no refusal ({first})"
            page.wait_for_timeout(1000)
        page.screenshot(path=str(workdir / f"upload-{int(started)}.png"))
        return f"no answer within {UPLOAD_WAIT} s"
    except Exception as error:  # noqa: BLE001 - a dying server breaks the page in many ways; report, go on
        died = server.died_since(started)
        if not died:
            page.screenshot(path=str(workdir / f"upload-{int(started)}.png"))
        return f"server died ({died})" if died else f"browser error: {str(error).splitlines()[0][:120]}"
    finally:
        context.close()


def upload_loop(server: Server, hostile: list[tuple[str, bytes]], workdir: Path, begin: float, end: float, uploads):
    """One hostile upload a minute, in turn, from its own browser (Playwright's sync API is per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        minute = 0
        while time.monotonic() < end:
            started = time.monotonic()
            name, data = hostile[minute % len(hostile)]
            answered = upload_hostile(browser, server, name, data, workdir)
            uploads.append((name, answered, time.monotonic() - started))
            print(f"[{time.strftime('%H:%M:%S')}] upload {name}: {answered}", flush=True)
            minute += 1
            time.sleep(max(0.0, min(begin + minute * EVENT_EVERY, end) - time.monotonic()))
        browser.close()


# ---------------------------------------------------------------- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--phones", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--hang-seconds", type=float, default=10, help="failing health checks for longer = a death")
    parser.add_argument("--rss-limit-mb", type=int, default=4096, help="kill the server above this RSS (a death)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, database)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="sanwu-soak-"))
    db_url = f"sqlite:///{workdir / 'soak.db'}"
    env = {**os.environ, "DATABASE_URL": db_url}
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "board", *command], cwd=ROOT, env=env, check=True, capture_output=True)

    t0 = time.monotonic()
    bomb, bomb_inflated = deflate_bomb()
    hostile = [
        ("坐标XFD200000.xlsx", huge_dimension()),
        ("压缩炸弹.xlsx", bomb),
        ("十万个文件.xlsx", many_entries()),
    ]
    print(f"hostile files built in {time.monotonic() - t0:.1f} s:", flush=True)
    for name, data in hostile:
        extra = f", sheet inflates to {bomb_inflated / 2**30:.2f} GiB" if data is bomb else ""
        print(f"  {name}: {len(data):,} bytes{extra}", flush=True)

    server = Server(db_url, args.port or _free_port(), workdir, args.hang_seconds, args.rss_limit_mb * 2**20)
    publisher = Publisher(db_url, workdir, latest="2026-10")
    uploads: list[tuple[str, str, float]] = []
    phone_reloads = {"ok": 0, "failed": 0}
    threads: list[threading.Thread] = []
    watcher = None
    try:
        server.start()
        watcher = threading.Thread(target=server.watch, daemon=True)
        watcher.start()
        print(f"server on {server.url}, data in {workdir}", flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            kiosks = [browser.new_page(viewport={"width": 1920, "height": 1080}) for _ in range(args.kiosks)]
            for i, page in enumerate(kiosks):
                page.goto(f"{server.url}/?village={VILLAGE}&kiosk=1&rotate={10 + i}")
            phones = [browser.new_page(viewport={"width": 390, "height": 844}) for _ in range(args.phones)]
            for page in phones:
                page.goto(f"{server.url}/?village={VILLAGE}")
            begin = time.monotonic()
            end = begin + args.minutes * 60
            uploader = threading.Thread(
                target=upload_loop, args=(server, hostile, workdir, begin, end, uploads), daemon=True
            )
            uploader.start()
            threads.append(uploader)
            next_reload, reloaded = begin + PHONE_RELOAD_EVERY / max(1, args.phones), 0
            next_publish, publishing = begin, None
            while time.monotonic() < end:
                now = time.monotonic()
                if phones and now >= next_reload:
                    page = phones[reloaded % len(phones)]
                    reloaded += 1
                    try:
                        page.reload(timeout=60_000)
                        wait_for_app(page)
                        phone_reloads["ok"] += 1
                    except Exception:  # noqa: BLE001 - counted; a dead server is reported by the watcher
                        phone_reloads["failed"] += 1
                    next_reload = time.monotonic() + PHONE_RELOAD_EVERY / len(phones)
                if now >= next_publish:
                    # A publish still running when the minute comes round delays the next one.
                    if publishing is None or not publishing.is_alive():
                        publishing = threading.Thread(target=publisher.once, daemon=True)
                        publishing.start()
                        threads.append(publishing)
                        next_publish += EVENT_EVERY
                time.sleep(min(1.0, max(0.0, min(next_reload, next_publish, end) - time.monotonic())))
            alive = 0
            for page in kiosks + phones:
                try:
                    alive += page.locator("[data-testid='stApp']").count() > 0
                except Exception:  # noqa: BLE001
                    pass
            browser.close()
        for thread in threads:
            thread.join(timeout=UPLOAD_WAIT + 300)
        duration = time.monotonic() - begin  # an upload or publish under way at the end is let finish
    finally:
        server.stop(watcher)
        for thread in threads:
            thread.join(timeout=1)

    print("\n== soak summary ==")
    print(
        f"duration: {duration / 60:.1f} min; sessions: {args.kiosks} kiosk + {args.phones} phone ({alive} open at the end)"
    )
    print(f"phone reloads: {phone_reloads['ok']} ok, {phone_reloads['failed']} failed")
    print(f"publishes done: {len(publisher.done)}, failed: {len(publisher.failed)}")
    for what, seconds in publisher.done:
        print(f"  {what} ({seconds:.0f} s)")
    for error in publisher.failed:
        print(f"  failed: {error}")
    print(f"hostile uploads done: {len(uploads)}")
    for name, answered, seconds in uploads:
        print(f"  {name}: {answered} ({seconds:.0f} s)")
    if server.rss:
        rss = sorted(server.rss)
        print(
            f"server RSS (process tree, {len(rss)} samples): peak {rss[-1] / 2**20:.0f} MB, median {statistics.median(rss) / 2**20:.0f} MB"
        )
    if server.cpu:
        print(f"server CPU: mean {statistics.mean(server.cpu):.1f}% of one core, peak {max(server.cpu):.0f}%")
    print(f"server deaths: {len(server.deaths)}")
    for when, why in server.deaths:
        print(f"  at {(when - begin) / 60:.1f} min: {why}")
    if args.keep:
        print(f"kept: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if server.deaths else 0


if __name__ == "__main__":
    sys.exit(main())
