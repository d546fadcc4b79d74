"""Withdrawing one part of a published version (a leak found later, a resident's deletion request).

The part's text becomes "［已依法隐去］" while its commitment stays, so the version keeps its
hash and ``verify`` still proves everything else unchanged (``board.commitment``).  It takes an
admin and a member of the village's supervision committee, two different people, both named
in the audit row with the reason.  A version hashed before parts existed (schema 1–2) is first
re-anchored: stored again under the part-wise scheme as the village's newest link, naming
the old hash it stands for, and the old row goes (its flat hash would expose the text).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from board import audit
from board.auth import require
from board.commitment import PART_SCHEMA, REDACTED, canonical_json, parts, redact, redactable
from board.errors import BoardError, IntegrityFailure, PermissionDenied, Problem
from board.privacy import normalise, text_problems
from board.public_record import parse_snapshot
from board.snapshot import latest_chain_head, published_version, row_problems, seal_snapshot
from models import (
    AffairItem,
    AuditLog,
    Beneficiary,
    Debt,
    FixedAsset,
    LedgerEntry,
    PartyItem,
    Period,
    PublishedPeriod,
    Resource,
    Role,
    ServiceItem,
    User,
    Village,
    row_id,
)


def _part_doc(content_json: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(content_json)
    if doc.get("schema", 1) < PART_SCHEMA:
        # Ids as the re-anchored document will have them (board.redaction._reanchor).
        doc = {**parse_snapshot(doc).model_dump(mode="json", by_alias=True, exclude={"hash"}), "schema": PART_SCHEMA}
    return doc


def text_parts(content_json: str) -> list[tuple[str, dict[str, str]]]:
    """(part id, its free-text fields) of a stored version: what can be withdrawn, in a fixed order."""
    found = parts(_part_doc(content_json))
    return [(pid, {k: fields[k] for k in redactable(fields)}) for pid, fields in found if redactable(fields)]


FIXED_REASONS = {
    "published_by": "公开人的署名是其履职记录",
    "": "这是分类或汇总表里的文字；请提出更正，改正后重新公开，并隐去旧版本中含有它的明细行",
}


def fixed_mentions(content_json: str, needle: str) -> list[tuple[str, str]]:
    """(part id, why) of the parts that hold ``needle`` only where a redaction cannot reach it: a
    category kept for the figures to add up, a summary table's label, the publisher's signature."""
    found = []
    for pid, fields in parts(_part_doc(content_json)):
        free = set(redactable(fields))
        for name, value in fields.items():
            text = value if isinstance(value, str) else canonical_json(value)
            if name not in free and value != REDACTED and mentions(text, needle):
                found.append((pid, FIXED_REASONS.get(name, FIXED_REASONS[""])))
                break
    return found


_SEPARATORS = re.compile(r"[\s\-./()（）]")


def _squeezed(text: str) -> str:
    """A text as a leaked number is compared: digits read as digits, separators dropped."""
    return _SEPARATORS.sub("", normalise(text)[0])


def mentions(text: str, needle: str) -> bool:
    """Whether ``text`` holds ``needle``, however a number in it is grouped (138 1234 5678 = 13812345678)."""
    needle = needle.strip()
    return bool(needle) and (needle in text or (bool(_squeezed(needle)) and _squeezed(needle) in _squeezed(text)))


def distinctive(text: str) -> bool:
    """Long enough to replace inside a longer text without hitting other words or amounts."""
    return len(text) >= 6 or (len(text) >= 2 and not text.isascii())


def scrubbed(value: str, texts: tuple[str, ...]) -> str:
    """``value`` with every withdrawn text replaced: a whole field always, inside a text only when distinctive."""
    if value in texts:
        return REDACTED
    for text in filter(distinctive, texts):
        value = value.replace(text, REDACTED)
    return value


def _scrub_json(value: Any, texts: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return scrubbed(value, texts)
    if isinstance(value, list):
        return [_scrub_json(v, texts) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_json(v, texts) for k, v in value.items()}
    return value


def _working_rows(session: Session, period_id: int) -> list[Any]:
    rows: list[Any] = [session.get(Period, period_id)]
    for table in (LedgerEntry, FixedAsset, Debt, Resource, PartyItem, AffairItem, ServiceItem):
        rows += session.exec(select(table).where(table.period_id == period_id)).all()
    affairs = select(AffairItem.id).where(AffairItem.period_id == period_id)
    rows += session.exec(select(Beneficiary).where(col(Beneficiary.affair_id).in_(affairs))).all()
    return rows


def scrub_working_copies(session: Session, village: Village, period: str, texts: tuple[str, ...]) -> None:
    """Replace withdrawn texts in the month's draft rows and its audit entries: the next correction is
    published from the draft (and could be restored from the audit), so the text would come back."""
    texts = tuple(t for t in texts if t and t != REDACTED)
    if not texts:
        return
    month = session.exec(select(Period).where(Period.village_id == village.id, Period.period == period)).first()
    for row in _working_rows(session, row_id(month)) if month is not None else ():
        changed = False
        for column in type(row).__table__.columns:
            value = getattr(row, column.key)
            if type(value) is str and (new := scrubbed(value, texts)) != value:
                length = getattr(column.type, "length", None)
                setattr(row, column.key, new[:length] if length else new)
                changed = True
        if changed:
            session.add(row)
    entries = session.exec(select(AuditLog).where(AuditLog.village_id == village.id, AuditLog.period == period))
    for entry in entries:
        for name in ("before_json", "after_json"):
            stored = getattr(entry, name)
            if stored and any(t in stored for t in texts):
                setattr(entry, name, audit.dump(_scrub_json(json.loads(stored), texts)))
                session.add(entry)


@dataclass(frozen=True)
class Redacted:
    row: PublishedPeriod  # the row now holding the version (new for a re-anchored one)
    texts: tuple[str, ...]  # what was hidden, for scrubbing copies made before (never stored again)
    old_hash: str  # the hash the version had before (another one only when it was re-anchored)


def _check_people(session: Session, village: Village, admin: User, supervisor: User) -> None:
    if admin.role != Role.admin:
        raise PermissionDenied(f"“{admin.username}”不是管理员，不能发起依法隐去", field="管理员")
    if supervisor.role != Role.supervisor:
        raise PermissionDenied(f"“{supervisor.username}”不是村务监督委员会成员", field="监督委员会成员")
    if admin.username == supervisor.username:
        raise PermissionDenied("依法隐去须由管理员和监督委员会成员两人共同确认", field="监督委员会成员")
    require(session, supervisor, village, Role.supervisor)


def redact_version(
    session: Session,
    *,
    village: Village,
    period: str,
    version: int,
    part_id: str,
    reason: str,
    admin: User,
    supervisor: User,
    today: date,
) -> Redacted:
    """Hide one part of a published version."""
    _check_people(session, village, admin, supervisor)
    reason = (reason or "").strip()
    if not reason:
        raise BoardError("请写明依法隐去的理由（如：泄露个人信息、本人申请删除）", field="理由")
    problems = text_problems(reason)
    if problems:
        raise BoardError([Problem(0, "理由", p) for p in problems])
    # Serialise with publishing: a re-anchored version becomes the newest link of the chain.
    session.exec(select(Village.id).where(Village.id == village.id).with_for_update()).one()
    row = published_version(session, row_id(village), period, version)
    if row is None:
        raise BoardError(f"{village.name} {period} 没有第{version}版", field="版本")
    if row_problems(row, village.code):  # never re-seal a version that no longer matches its hash
        raise IntegrityFailure(f"{period} 第{version}版")
    old_hash = row.content_hash
    doc = json.loads(row.content_json)
    if doc.get("schema", 1) < PART_SCHEMA:
        row = _reanchor(session, village, row)
        doc = json.loads(row.content_json)
    try:
        fields = dict(parts(doc))[part_id]
        doc = redact(doc, part_id, on=today.isoformat())
    except (KeyError, IndexError, ValueError):
        raise BoardError(f"{period} 第{version}版没有可隐去的部分“{part_id}”", field="部分") from None
    texts = tuple(fields[k] for k in redactable(fields))
    row.content_json = canonical_json(doc)
    session.add(row)
    session.flush()
    if row_problems(row, village.code):  # the commitments must carry the hash unchanged
        raise IntegrityFailure(f"{period} 第{version}版")
    audit.record(
        session,
        username=admin.username,
        action="redact",
        village_id=village.id,
        period=period,
        entity="published_period",
        entity_id=row.id,
        before={"version": version, "hash": old_hash},
        after={
            "version": row.version,
            "hash": row.content_hash,
            "part": part_id,
            "reason": reason,
            "admin": admin.username,
            "supervisor": supervisor.username,
            "text": REDACTED,
        },
    )
    return Redacted(row, texts, old_hash)


def _reanchor(session: Session, village: Village, old: PublishedPeriod) -> PublishedPeriod:
    """A schema 1–2 version stored again part-wise as the newest link, naming the hash it replaces."""
    record = parse_snapshot(json.loads(old.content_json))
    dropped = {"hash", "prev_hash", "anchor", "anchor_prev", "redactions"}
    content = {**record.model_dump(mode="json", by_alias=True, exclude=dropped), "schema": PART_SCHEMA}
    head = latest_chain_head(session, row_id(village))
    before = session.exec(
        select(PublishedPeriod.content_hash)
        .where(PublishedPeriod.village_id == village.id, col(PublishedPeriod.id) < old.id)
        .order_by(col(PublishedPeriod.id).desc())
        .limit(1)
    ).first()
    prev_hash = head.content_hash if head is not None else ""  # ``old`` itself is in the chain
    canonical, content_hash = seal_snapshot(
        content,
        village_code=village.code,
        period=old.period,
        version=old.version,
        published_at=old.published_at,
        prev_hash=prev_hash,
        anchor=old.content_hash,
        anchor_prev=before or "",
    )
    period, version, reason, by, at = old.period, old.version, old.amendment_reason, old.published_by, old.published_at
    session.delete(old)
    session.flush()
    new = PublishedPeriod(
        village_id=row_id(village),
        period=period,
        version=version,
        amendment_reason=reason,
        published_by=by,
        published_at=at,
        content_json=canonical,
        content_hash=content_hash,
        prev_hash=prev_hash,
        anchor_hash=old.content_hash,
        anchor_prev=before or "",
    )
    session.add(new)
    session.flush()
    return new
