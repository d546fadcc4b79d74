"""Hostile spreadsheets, built in memory in milliseconds (shared by the tests and bench/bench_hostile.py)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe6\x97\xa5\xe6\x9c\x9f</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>\xe6\x91\x98\xe8\xa6\x81</t></is></c></row>'
)


def _parts() -> list[tuple[str, bytes]]:
    return [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
    ]


def workbook(sheet_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _parts():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def far_cell_xlsx(ref: str = "XFD200000") -> bytes:
    """About 1.5 KB: a header row and one cell far away, which makes a parser allocate the whole area."""
    row = "".join(ch for ch in ref if ch.isdigit())
    sheet = SHEET_OPEN + f'<sheetData>{HEADER_ROW.decode()}<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
    return workbook(sheet + b"</sheetData></worksheet>")


def huge_dimension_xlsx() -> bytes:
    """A small sheet that declares the whole Excel grid as its area."""
    return workbook(
        SHEET_OPEN + b'<dimension ref="A1:XFD1048576"/><sheetData>' + HEADER_ROW + b"</sheetData></worksheet>"
    )


def many_entries_xlsx(count: int = 5_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in _parts():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_OPEN + b"<sheetData/></worksheet>")
        for i in range(count):
            archive.writestr(f"xl/media/x{i}.bin", b"")
    return out.getvalue()


def slow_xlsx(rows: int = 60_000) -> bytes:
    """A plain, valid sheet that simply takes a while to parse (for a short time limit)."""
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>x%d</t></is></c></row>' % (i, i, i, i, i)
        for i in range(2, rows + 2)
    )
    return workbook(SHEET_OPEN + b"<sheetData>" + HEADER_ROW + body + b"</sheetData></worksheet>")


def deflate_bomb_xlsx(unpacked_mb: int = 2_000, *, honest: bool = True) -> bytes:
    """A sheet whose deflate stream (about 2 MB) unpacks to ``unpacked_mb`` MB of blanks.

    Built from one fully flushed block repeated, so it costs milliseconds.  ``honest=False``
    declares a small unpacked size in the zip headers, as a real attacker would, so only
    the child's memory and the reader's own checks stand in the way.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(SHEET_OPEN + b"<sheetData>" + HEADER_ROW) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b" " * 1024 * 1024) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(b"</sheetData></worksheet>") + compressor.flush()
    stream = head + block * unpacked_mb + tail
    size = unpacked_mb * 1024 * 1024 + 200 if honest else 4096
    return zip_with(_parts(), ("xl/worksheets/sheet1.xml", stream, size))


def blank_deflate(unpacked_mb: int) -> bytes:
    """A raw deflate stream (about 1 KB per unpacked MB) of ``unpacked_mb`` MB of blanks."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * 1024 * 1024) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * unpacked_mb + compressor.flush()


def zip_with(parts: list[tuple[str, bytes]], raw: tuple[str, bytes, int]) -> bytes:
    """``parts`` deflated normally plus one pre-deflated member with the declared size given."""
    out = io.BytesIO()
    central = []
    members = [(name, zlib.compress(content, 9)[2:-4], zlib.crc32(content), len(content)) for name, content in parts]
    name, stream, size = raw
    members.append((name, stream, 0, size))
    for filename, data, crc, unpacked in members:
        encoded = filename.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), unpacked, len(encoded), 0))
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                unpacked,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def allocate(megabytes: int) -> int:
    """Run in a limited child by the tests: asks for more memory than the child may have."""
    return len(bytearray(megabytes * 1024 * 1024))


def long_text_xlsx(characters: int = 200_000) -> bytes:
    """One text longer than an Excel cell may hold: a parser copies it into every cell that points at it."""
    text = b"x" * characters
    return workbook(
        SHEET_OPEN
        + b"<sheetData>"
        + HEADER_ROW
        + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
        + text
        + b"</t></is></c></row></sheetData></worksheet>"
    )


def many_sparse_sheets_xlsx(sheets: int = 40) -> bytes:
    """Sheets each holding A1 and Z99999 only: small alone, a workbook's worth of cells together."""
    names = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    sheet = SHEET_OPEN + b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    sheet += b'<row r="99999"><c r="Z99999"><v>1</v></c></row></sheetData></worksheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr(
            "xl/workbook.xml", _WORKBOOK.replace(b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/>', names.encode())
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.split(b"<Relationship ")[0] + rels.encode() + b"</Relationships>",
        )
        for i in range(1, sheets + 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    return out.getvalue()


def backtracking_xlsx(repeats: int = 1_000) -> bytes:
    """About 1.5 KB: an unclosed ``<c r="A1"`` repeated in a comment, after one formula saved without its result.

    Valid XML that every reader skips, but a formula scan whose attribute pattern may run past a
    ``<`` tries each cell start against each ``r=`` after it: the regex it replaced took 21 s here.
    """
    formula = b'<row r="2"><c r="A2"><v>1</v></c><c r="C2"><f>1+1</f></c></row>'
    comment = b"<!--" + b'<c r="A1"' * repeats + b"-->"
    return workbook(SHEET_OPEN + b"<sheetData>" + HEADER_ROW + formula + b"</sheetData>" + comment + b"</worksheet>")


def shared_string_xlsx(characters: int, cells: int, columns: int = 26) -> bytes:
    """One shared string of ``characters`` referenced by ``cells`` cells: a few KB that a parser
    expands into ``characters × cells`` of text (calamine copies it per cell, pickle does not share)."""
    content_types = _CONTENT_TYPES.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = _WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="1" uniqueCount="1"><si><t>' + b"x" * characters + b"</t></si></sst>"
    )
    rows = []
    for r in range(2, cells // columns + 2):
        refs = b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (bytes([65 + c]), r) for c in range(columns))
        rows.append(b'<row r="%d">%s</row>' % (r, refs))
    sheet = SHEET_OPEN + b"<sheetData>" + HEADER_ROW + b"".join(rows) + b"</sheetData></worksheet>"
    parts = {**dict(_parts()), "[Content_Types].xml": content_types, "xl/_rels/workbook.xml.rels": rels}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()
