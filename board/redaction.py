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

from sqlmodel import Session, col, select

from board import audit
from board.auth import require
from board.commitment import PART_SCHEMA, REDACTED, canonical_json, parts, redact, redactable
from board.errors import BoardError, IntegrityFailure, PermissionDenied, Problem
from board.privacy import normalise, text_problems
from board.public_record import parse_snapshot
from board.snapshot import latest_chain_head, row_problems, seal_snapshot
from models import PublishedPeriod, Role, User, Village, row_id


def text_parts(content_json: str) -> list[tuple[str, dict[str, str]]]:
    """(part id, its free-text fields) of a stored version: what can be withdrawn, in a fixed order."""
    doc = json.loads(content_json)
    if doc.get("schema", 1) < PART_SCHEMA:
        # Ids as the re-anchored document will have them (board.redaction._reanchor).
        doc = {**parse_snapshot(doc).model_dump(mode="json", by_alias=True, exclude={"hash"}), "schema": PART_SCHEMA}
    return [(pid, {k: fields[k] for k in redactable(fields)}) for pid, fields in parts(doc) if redactable(fields)]


_SEPARATORS = re.compile(r"[\s\-./()（）]")


def _squeezed(text: str) -> str:
    """A text as a leaked number is compared: digits read as digits, separators dropped."""
    return _SEPARATORS.sub("", normalise(text)[0])


def mentions(text: str, needle: str) -> bool:
    """Whether ``text`` holds ``needle``, however a number in it is grouped (138 1234 5678 = 13812345678)."""
    needle = needle.strip()
    return bool(needle) and (needle in text or (bool(_squeezed(needle)) and _squeezed(needle) in _squeezed(text)))


def parts_containing(content_json: str, needle: str) -> list[str]:
    """Ids of the parts of a stored version whose text holds ``needle`` (to find what to withdraw)."""
    return [pid for pid, fields in text_parts(content_json) if any(mentions(v, needle) for v in fields.values())]


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
    row = session.exec(
        select(PublishedPeriod).where(
            PublishedPeriod.village_id == village.id,
            PublishedPeriod.period == period,
            PublishedPeriod.version == version,
        )
    ).first()
    if row is None:
        raise BoardError(f"{village.name} {period} 没有第{version}版", field="版本")
    if row_problems(row, village.code):
        raise IntegrityFailure()  # never re-seal a version that no longer matches its hash
    old_hash = row.content_hash
    doc = json.loads(row.content_json)
    if doc.get("schema", 1) < PART_SCHEMA:
        row = _reanchor(session, village, row)
        doc = json.loads(row.content_json)
    try:
        fields = dict(parts(doc))[part_id]
        doc = redact(doc, part_id, on=today.isoformat())
    except (KeyError, IndexError, ValueError):
        raise BoardError(f"第{version}版没有可隐去的部分“{part_id}”", field="部分") from None
    texts = tuple(fields[k] for k in redactable(fields))
    row.content_json = canonical_json(doc)
    session.add(row)
    session.flush()
    if row_problems(row, village.code):  # the commitments must carry the hash unchanged
        raise IntegrityFailure()
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
