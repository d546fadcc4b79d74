"""Uploaded files are hostile until parsed: cheap structural checks first, then parsing in a child process.

A 1.5 KB workbook can declare a cell at XFD200000 (the parser then asks for 100 GB) and a
2 MB deflate bomb unpacks to gigabytes.  The checks here refuse the obvious cases with a
clear message; whatever slips past them runs in a forked child process with an address-space limit (``RLIMIT_AS``) and a time limit, so the worst a
file can do is kill that child.  The server process never parses an upload itself.
"""

from __future__ import annotations

import faulthandler
import io
import logging
import multiprocessing
import os
import pickle
import re
import resource
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from board.errors import BoardError, Problem

MAX_ZIP_ENTRIES = 2_000
MAX_UNPACKED = 200 * 1024 * 1024
# Spreadsheet XML deflates 10–30×; a bomb deflates about 1000×.  Small parts may compress better.
MAX_RATIO = 150
_RATIO_FLOOR = 1024 * 1024
# Column ZZ: no clerk's journal is wider, and a wide declared area is what makes a parser allocate.
MAX_COLUMNS = 702
# A parser lays a sheet out densely, then as Python objects: 6 million cells measured 520 MB peak,
# so 4 million (200,000 lines × 20 columns, more than any journal has) keeps the server under 1 GB.
MAX_CELLS = 4_000_000
CHILD_MEMORY = 1024 * 1024 * 1024
CHILD_SECONDS = 60.0
# Two cores serve the whole deployment: at most two uploads are parsed at once.
_slots = threading.BoundedSemaphore(2)

log = logging.getLogger(__name__)

_EOCD = b"PK\x05\x06"
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,4})?(\d{1,9})?(?::([A-Z]{1,4})(\d{1,9}))?"')
# References with two or more column letters, or a six-digit row: the only ones that can widen the area much.
_FAR_CELL = re.compile(rb'r="(?:([A-Z]{2,})(\d+)|[A-Z]?(\d{6,}))"')
_ROW_REF = re.compile(rb'r="[A-Z]*(\d+)"')
_CHUNK = 1024 * 1024
# Excel's own limit for one cell's text (32,767 characters), in UTF-8 bytes: no real file has a longer text node.
MAX_TEXT_BYTES = 32_767 * 4
# What a parser may copy out of the workbook: (cells of every sheet) × (longest text). Calamine and openpyxl
# copy a shared string into every cell that points at it, so a few cells can point at one huge string.
MAX_TEXT_COPIES_BYTES = 1024**3
# What the child may send back (pickled): 200,000 journal rows take about 20 MB.
MAX_RESULT_BYTES = 64 * 1024**2


def column_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _declared_entries(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, read before building the entry list."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_558))
    if at < 0 or at + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return None if total == 0xFFFF else total  # 0xFFFF: a zip64 count; the entry list check covers it


_RESAVE = "请在 Excel/WPS 中打开后另存为新文件再上传"


def check_zip(data: bytes, *, what: str, field: str, advice: str = _RESAVE) -> None:
    """Refuse a zip container (xlsx, docx) with too many parts, too much unpacked data or a bomb's ratio."""
    declared = _declared_entries(data)
    if declared is not None and declared > MAX_ZIP_ENTRIES:
        raise BoardError(
            f"{what}包含 {declared} 个部件，结构异常（正常文件不超过 {MAX_ZIP_ENTRIES} 个），已拒绝", field=field
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: the parser gives its own message
    if len(entries) > MAX_ZIP_ENTRIES:
        raise BoardError(
            f"{what}包含 {len(entries)} 个部件，结构异常（正常文件不超过 {MAX_ZIP_ENTRIES} 个），已拒绝", field=field
        )
    unpacked = sum(e.file_size for e in entries)
    bomb = any(e.file_size > _RATIO_FLOOR and e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries)
    if unpacked > MAX_UNPACKED or bomb:
        raise BoardError(
            f"{what}解压后有 {unpacked // 2**20} MB，压缩比异常（疑似“压缩炸弹”），已拒绝。{advice}",
            field=field,
        )


def check_sheet_area(data: bytes, *, max_rows: int, field: str) -> None:
    """Refuse an xlsx that lies about its parts or whose cells reach beyond ``max_rows``, column ZZ or MAX_CELLS.

    Runs in the child.  Every part is inflated in bounded chunks and must end exactly at its
    declared size, so a parser given the same bytes afterwards meets no surprise; the
    worksheets' cell references bound the area a parser lays out (rows × columns).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return
    with archive:
        cells, longest = 0, 0  # over the whole workbook: a parser lays out every sheet
        for info in archive.infolist():
            xml = info.filename.endswith(".xml")  # images and printer settings are binary: no text nodes
            sheet = xml and info.filename.startswith("xl/worksheets/")
            rows, columns, run = 0, 0, 0
            for position, chunk in enumerate(_inflate(data, info, field)):
                if sheet and position == 0:
                    _check_dimension(chunk, max_rows, field)
                if sheet:
                    for wide, wide_row, deep in _FAR_CELL.findall(chunk):
                        columns = max(columns, column_number(wide) if wide else 0)
                        digits = deep or (wide_row if len(wide_row) >= 6 else "")
                        rows = max(rows, int(digits) if digits else 0)
                if not xml:
                    continue
                # A text node cannot hold "<": the longest run between two is the longest text (chunks overlap a little).
                pieces = chunk.split(b"<")
                run += len(pieces[0])
                if len(pieces) > 1:
                    longest, run = max(longest, run, *(len(x) for x in pieces[1:-1])), len(pieces[-1])
                if max(longest, run) > MAX_TEXT_BYTES:
                    raise BoardError(
                        f"文件“{info.filename}”里有一段超过 {MAX_TEXT_BYTES // 4} 个字的文字（超过 Excel 单元格的上限），"
                        "已拒绝。请在 Excel/WPS 中打开后另存为新文件再上传",
                        field=field,
                    )
            if sheet:
                columns = columns or 26
                rows = rows or _rows_used(data, info, field)
                _check_area(columns, rows, max_rows, field)
                cells += rows * columns
        if cells > MAX_CELLS:
            raise BoardError(
                f"文件的各工作表合计达 {cells} 个单元格，超过 {MAX_CELLS // 10_000} 万个的上限，已拒绝。"
                "请只保留本月的数据后再导入",
                field=field,
            )
        if cells * max(longest, 1) > MAX_TEXT_COPIES_BYTES:
            raise BoardError(
                "文件里很长的文字被大量单元格引用，读取时会占用过多内存，已拒绝。请在 Excel/WPS 中打开后另存为新文件再上传",
                field=field,
            )


def check_parts(data: bytes, *, field: str) -> None:
    """Refuse a zip whose parts do not inflate to their declared sizes (a bomb that lies in its directory).

    Runs in the child, before a parser that trusts the declared sizes reads the parts.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return
    with archive:
        for info in archive.infolist():
            for _ in _inflate(data, info, field):
                pass


def _rows_used(data: bytes, info: zipfile.ZipInfo, field: str) -> int:
    """The deepest row a sheet without six-digit references reaches (its cells are added up over the workbook)."""
    return max((max(map(int, _ROW_REF.findall(chunk)), default=0) for chunk in _inflate(data, info, field)), default=0)


def _inflate(data: bytes, info: zipfile.ZipInfo, field: str) -> Iterator[bytes]:
    """The part's bytes in chunks of at most _CHUNK (with a little overlap), checked against its declared size."""
    broken = BoardError("文件已损坏（压缩数据与目录不符），已拒绝。请另存为新文件后再上传", field=field)
    if info.flag_bits & 1:
        return  # encrypted part: the parser refuses it
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BoardError("文件使用了不常见的压缩方式，已拒绝。请在 Excel/WPS 中另存为 .xlsx 再上传", field=field)
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30:
        raise broken
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start = info.header_offset + 30 + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) != info.file_size:
            raise broken
        for at in range(0, len(raw), _CHUNK):
            yield raw[max(0, at - 32) : at + _CHUNK]
        return
    inflater, produced, tail = zlib.decompressobj(-15), 0, b""
    pending = raw
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > info.file_size:
                raise broken
            yield tail + chunk
            tail = chunk[-32:]
    except zlib.error:
        raise broken from None
    if produced != info.file_size or not inflater.eof:
        raise broken


def _too_big(columns: int, rows: int, max_rows: int) -> str | None:
    if columns > MAX_COLUMNS:
        return f"用到了第 {columns} 列，超过 {MAX_COLUMNS} 列的上限"
    if rows > max_rows:
        return f"用到了第 {rows} 行，超过 {max_rows} 行的上限"
    if rows * columns > MAX_CELLS:
        return f"范围达 {rows} 行 × {columns} 列，超过 {MAX_CELLS // 10_000} 万个单元格的上限"
    return None


def _check_dimension(text: bytes, max_rows: int, field: str) -> None:
    match = _DIMENSION.search(text[:65_536])
    if match is None:
        return
    columns = column_number(match[3] or match[1] or b"A")
    rows = int(match[4] or match[2] or 1)
    reason = _too_big(columns, rows, max_rows)
    if reason:
        raise BoardError(f"表格声明的范围过大，{reason}，已拒绝。请只复制有数据的区域到新表格后再导入", field=field)


def _check_area(columns: int, rows: int, max_rows: int, field: str) -> None:
    reason = _too_big(columns, rows, max_rows)
    if reason:
        raise BoardError(
            f"表格里有远离数据区域的单元格，{reason}，已拒绝。请只复制有数据的区域到新表格后再导入", field=field
        )


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory: int, seconds: float) -> None:
    # A parser that runs out of memory prints a long native backtrace: keep it out of the server's log.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    faulthandler.disable()
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (baseline + memory, baseline + memory))
    cpu = int(seconds) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except BoardError as error:
        outcome = ("refused", [(p.row, p.field, p.message) for p in error.problems])
    except MemoryError:
        outcome = ("memory", None)
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    if len(payload) > MAX_RESULT_BYTES:
        # A small file can still expand to much text (one long string in many cells): the server
        # would hold all of it, so the child refuses before sending.
        payload = pickle.dumps(("large", len(payload)))
    conn.send_bytes(payload)
    conn.close()


# Forked, not spawned: a spawned child re-imports the server's main module and our packages
# (seconds on a busy machine); a forked one starts in milliseconds and runs only ``fn``, which
# imports nothing and takes no lock another thread could hold.
_context = multiprocessing.get_context("fork")


def run_limited(
    fn: Callable[..., Any],
    *args: Any,
    what: str,
    field: str,
    memory: int = CHILD_MEMORY,
    seconds: float = CHILD_SECONDS,
    advice: str = "请在 Excel/WPS 中只复制有数据的区域到新表格，另存后再上传",
) -> Any:
    """``fn(*args)`` in a child process limited to ``memory`` bytes more than it starts with and ``seconds``.

    ``fn``'s BoardError comes back as a BoardError, and a
    child that runs out of memory, dies or takes too long becomes a Chinese refusal.
    """
    with _slots:
        receiver, sender = _context.Pipe(duplex=False)
        process = _context.Process(target=_child, args=(sender, fn, args, memory, seconds), daemon=True)
        process.start()
        sender.close()
        try:
            if receiver.poll(seconds):
                # Our own forked code pickled this; the length is bounded before anything is read.
                outcome = pickle.loads(receiver.recv_bytes(maxlength=MAX_RESULT_BYTES + 1024))
            else:
                outcome = ("timeout", None)
        except (EOFError, OSError):
            outcome = ("died", None)
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()
    kind, value = outcome
    if kind == "ok":
        return value
    log.warning("upload refused (%s)", kind)
    if kind == "refused":
        raise BoardError([Problem(*p) for p in value or []])
    if kind == "large":
        raise BoardError(
            f"{what}读出的内容有 {value // 2**20} MB，超过 {MAX_RESULT_BYTES // 2**20} MB 的上限（很长的文字被大量单元格引用），"
            f"已拒绝。{advice}",
            field=field,
        )
    if kind == "timeout":
        raise BoardError(
            f"{what}处理超过 {seconds:g} 秒仍未完成，结构异常，已停止。请另存为新文件后再上传", field=field
        )
    raise BoardError(
        f"{what}处理时所需内存超过上限（{memory // 2**20} MB），结构异常，已拒绝。{advice}",
        field=field,
    )
