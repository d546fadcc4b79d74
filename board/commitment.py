"""How a published snapshot is hashed: one scheme per snapshot schema.

Schemas 1 and 2 hash the canonical JSON byte for byte together with the previous hash
(``legacy_hash``): nothing in such a document can be withdrawn without breaking the chain,
and columns outside the JSON (version, published_at) are only checked against the document.

Schema 3 hashes a header and a Merkle root over the document's parts::

    hash = sha256("sanwu-snapshot-3\\n" + canonical header + "\\n" + Merkle root)
    header = {schema, village (code), period, version, published_at, previous (hash),
              anchor, anchor_prev (the old hash a re-anchored version replaces, and its predecessor)}

The stored document repeats every header field, so its open-data download alone recomputes
the hash (``document_hash``); the verifier also checks them against the table's columns.

A part is one row of a row section (a ledger line, an asset, a debt, a resource, a Party
item, an affair, one beneficiary of an affair, a service) or one top-level key of what
remains (totals, accounts, history…, with the row lists cut down to their length).  Rows,
not whole sections, because a leak sits in one row: withdrawing it hides that row only and
everything else stays provable.  Inside a part every field is committed separately
(``sha256(field salt + value)``) with a field salt derived from the part's random salt, so a
redacted part drops its salt, keeps the salts of its other fields and the commitments of
the hidden ones: the leaf, and so the chained hash, stay the same while the hidden text is
gone and cannot be guessed back from its commitment (an ID number has few enough values to
be brute-forced from an unsalted hash).  Derived copies of ledger lines (largest expenses,
major payments) are stored as line numbers, so a line exists once and is hidden everywhere.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import string
from datetime import UTC, datetime
from typing import Any

PART_SCHEMA = 3  # the first schema hashed part-wise
REDACTED = "［已依法隐去］"
ROW_SECTIONS = (
    "finance.ledger",
    "finance.assets.items",
    "finance.debts.receivable",
    "finance.debts.payable",
    "finance.resources",
    "party",
    "affairs",
    "services",
)
NESTED_ROWS = {"affairs": "beneficiaries"}  # rows inside rows: each beneficiary is its own part
LINE_REFS = ("largest_expenses", "major_payments")  # finance keys holding copies of ledger lines
HEADER_KEYS = (
    "schema",
    "period",
    "version",
    "published_at",
    "prev_hash",
    "anchor",
    "anchor_prev",
)  # hashed in the header
SEAL_KEYS = ("salts", "redacted")  # how the parts are committed, outside the parts themselves
# Fields a redaction leaves in place: they carry no free text, and the record needs them to parse and add up.
KEEP_FIELDS = frozenset(
    {
        "direction",
        "account",
        "category",
        "date",
        "due_on",
        "acquired_on",
        "contract_start",
        "contract_end",
        "published_on",
        "kind",
    }
)

# Fields that stay because they are someone's accountability, not information about residents.
SIGNATURE_FIELDS = frozenset({"published_by"})


# One encoder for every call: json.dumps builds a new one per call when given options.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(content: Any) -> str:
    return _CANONICAL.encode(content)


def _sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def _b64(raw: bytes) -> str:
    """Salts and commitments as stored: base64 rather than hex, so no long run of digits
    in a public document looks like a phone or ID number to a reader or a scanner."""
    return base64.b64encode(raw).decode().rstrip("=")


def new_salt() -> str:
    """A part's random salt: 24 letters (137 bits). Letters only: base64 noise such as "…1335/8114+150…"
    reads as a mobile number to a scanner of the open-data JSON."""
    return "".join(secrets.choice(string.ascii_letters) for _ in range(24))


def _sha64(text: str) -> str:
    return _b64(hashlib.sha256(text.encode()).digest())


def legacy_hash(canonical: str, prev_hash: str) -> str:
    """Schemas 1–2: the canonical JSON with the previous hash in front."""
    return _sha(f"{prev_hash}\n{canonical}")


def utc_iso(moment: datetime) -> str:
    """``published_at`` as hashed: UTC ISO 8601 (a naive value from the database is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _section(doc: dict[str, Any], path: str) -> list[Any]:
    node: Any = doc
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _cut(rest: dict[str, Any], path: str) -> None:
    """Replace the row list at ``path`` by its length (the rows are parts of their own), copying
    only the dicts on the way so the document itself stays as it is."""
    *parents, last = path.split(".")
    node = rest
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            return
        node[key] = node = dict(child)
    if isinstance(node.get(last), list):
        node[last] = len(node[last])


def parts(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(part id, fields) of a schema-3 document, in a fixed order."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in ROW_SECTIONS:
        nested = NESTED_ROWS.get(path)
        for i, row in enumerate(_section(doc, path)):
            found.append((f"{path}/{i}", {k: v for k, v in row.items() if k != nested}))
            for j, sub in enumerate(row.get(nested) or () if nested else ()):
                found.append((f"{path}/{i}/{nested}/{j}", dict(sub)))
    rest = {k: v for k, v in doc.items() if k not in HEADER_KEYS and k not in SEAL_KEYS}
    for path in ROW_SECTIONS:
        _cut(rest, path)
    found += [(key, {key: rest[key]}) for key in sorted(rest)]
    return found


def _field_salt(salt: str, field: str) -> str:
    return _sha64(f"{salt}\n{field}")


def _commit(field_salt: str, value: Any) -> str:
    return _sha64(f"{field_salt}\n{canonical_json(value)}")


def leaf_hash(part_id: str, fields: dict[str, Any], *, salt: str | None, redacted: dict[str, Any] | None = None) -> str:
    """One part's leaf: its id and the commitment of each field.

    Raises KeyError for a field without a salt, ValueError for a hidden field that does not read
    ``REDACTED``: a stored commitment stands in for text that is gone, never for a value shown.
    """
    hidden = (redacted or {}).get("fields", {})
    salts = (redacted or {}).get("salts", {})
    commitments = {}
    for name, value in fields.items():
        if name in hidden:
            if value != REDACTED or name in KEEP_FIELDS:
                raise ValueError(f"{part_id}.{name}")
            commitments[name] = hidden[name]
        else:
            commitments[name] = _commit(_field_salt(salt, name) if salt else salts[name], value)
    return _sha(b"\x00" + f"{part_id}\n{canonical_json(commitments)}".encode())


def merkle_root(leaves: list[str]) -> str:
    """Binary Merkle tree (an odd node moves up unchanged); leaves and nodes are domain-separated."""
    level = list(leaves) or [_sha(b"")]
    while len(level) > 1:
        paired = [_sha(b"\x01" + bytes.fromhex(a) + bytes.fromhex(b)) for a, b in zip(level[::2], level[1::2])]
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def document_root(doc: dict[str, Any]) -> str:
    salts, redacted = doc.get("salts") or {}, doc.get("redacted") or {}
    return merkle_root(
        [leaf_hash(pid, fields, salt=salts.get(pid), redacted=redacted.get(pid)) for pid, fields in parts(doc)]
    )


def header(
    *,
    village_code: str,
    period: str,
    version: int,
    published_at: datetime,
    prev_hash: str,
    anchor: str = "",
    anchor_prev: str = "",
) -> str:
    return canonical_json(
        {
            "schema": PART_SCHEMA,
            "village": village_code,
            "period": period,
            "version": version,
            "published_at": utc_iso(published_at),
            "previous": prev_hash,
            "anchor": anchor,
            "anchor_prev": anchor_prev,
        }
    )


def chained_hash(header_json: str, root: str) -> str:
    return _sha(f"sanwu-snapshot-{PART_SCHEMA}\n{header_json}\n{root}")


def document_hash(doc: dict[str, Any]) -> str:
    """The schema-3 hash recomputed from a stored (or downloaded) document alone."""
    doc = {k: v for k, v in doc.items() if k not in ("hash", "short_hash")}  # what a download adds
    head = header(
        village_code=doc["village"]["code"],
        period=doc["period"],
        version=doc["version"],
        published_at=datetime.fromisoformat(doc["published_at"]),
        prev_hash=doc.get("prev_hash", ""),
        anchor=doc.get("anchor", ""),
        anchor_prev=doc.get("anchor_prev", ""),
    )
    return chained_hash(head, document_root(doc))


def seal(content: dict[str, Any]) -> dict[str, Any]:
    """A fresh schema-3 document ready to store: ledger copies as line numbers, one random salt per part."""
    doc = copy.deepcopy(content)
    finance = doc.get("finance") or {}
    for key in LINE_REFS:
        finance[key] = [x["line"] if isinstance(x, dict) else x for x in finance.get(key, [])]
    doc.pop("salts", None)
    doc.pop("redacted", None)
    doc["salts"] = {pid: new_salt() for pid, _ in parts(doc)}
    return doc


def redactable(fields: dict[str, Any]) -> list[str]:
    """Fields of a part a redaction replaces: free text that is not empty nor already hidden."""
    kept = KEEP_FIELDS | SIGNATURE_FIELDS
    return [k for k, v in fields.items() if isinstance(v, str) and v and v != REDACTED and k not in kept]


def redact(doc: dict[str, Any], part_id: str, *, on: str) -> dict[str, Any]:
    """The document with one part's text replaced by ``REDACTED``; its leaf (and the hash) unchanged.

    Raises KeyError for an unknown part and ValueError when the part has no text left to hide.
    """
    doc = copy.deepcopy(doc)
    found = dict(parts(doc))
    fields = found[part_id]
    names = redactable(fields)
    if not names:
        raise ValueError(part_id)
    salts, redacted = doc.setdefault("salts", {}), doc.setdefault("redacted", {})
    before = redacted.get(part_id, {"salts": {}, "fields": {}})
    salt = salts.pop(part_id, None)
    field_salts = {k: (_field_salt(salt, k) if salt else before["salts"][k]) for k in fields}
    hidden = dict(before["fields"])
    for name in names:
        hidden[name] = _commit(field_salts[name], fields[name])
    redacted[part_id] = {
        "on": on,
        "fields": hidden,
        "salts": {k: s for k, s in field_salts.items() if k not in hidden},
    }
    row = _locate(doc, part_id)
    for name in names:
        row[name] = REDACTED
    return doc


def _locate(doc: dict[str, Any], part_id: str) -> dict[str, Any]:
    """The dict a part's fields live in (the row itself, or the document for a top-level part)."""
    pieces = part_id.split("/")
    if len(pieces) == 1:
        return doc
    row: dict[str, Any] = _section(doc, pieces[0])[int(pieces[1])]
    if len(pieces) == 4:
        row = row[pieces[2]][int(pieces[3])]
    return row
