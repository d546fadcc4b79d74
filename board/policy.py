"""政策问答 services: write, correct and approve explainers; read what the public may see.

A grid worker, clerk or township user writes an explainer for a township or for chosen
villages.  A township user approves it (or, for one village only, that village's 监督委员会),
never its own author.  Approval freezes the text into an immutable, hashed version chained
to the township's previous one (``board.snapshot``'s canonical JSON and SHA-256); the
first approval gives the explainer its number, 第 N 期, counted per township.  A
correction reopens the draft with a note; the next approval is a new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from board import audit
from board.auth import ROLE_LABELS, visible_village_ids
from board.commitment import canonical_json
from board.errors import BoardError, ConflictError, PermissionDenied, Problem
from board.policy_check import MAX_ONE_SENTENCE_CHARS, CheckResult, check_explainer
from board.policy_fields import ANSWERS, FIELD_LABELS, QUESTIONS
from board.privacy import find_pii
from board.snapshot import SHANGHAI, mask_public_text, short_hash, snapshot_hash
from board.villages import get_township, get_village
from models import (
    AuditLog,
    ExplainerStatus,
    PolicyExplainer,
    PolicyExplainerVersion,
    PolicyExplainerVillage,
    Role,
    Township,
    User,
    Village,
    row_id,
    utcnow,
)

SCHEMA_VERSION = 1
AUTHOR_ROLES = (Role.grid, Role.clerk, Role.township)
TEXT_FIELDS = ("title", "issuer", "doc_number", *(f for f, _, _ in ANSWERS))
DATE_FIELDS = ("issued_on", "effective_on", "deadline_on")
LIMITS = {"title": 200, "issuer": 100, "doc_number": 60, "one_sentence": MAX_ONE_SENTENCE_CHARS}
MAX_ANSWER_CHARS = 2000
STATUS_LABELS = {ExplainerStatus.draft: "草稿", ExplainerStatus.approved: "已审核公开"}


def today_shanghai(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(SHANGHAI).date()


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Stripped text fields and dates; problems listed all at once, each naming its field."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(fields.get(name) or "").strip()
        limit = LIMITS.get(name, MAX_ANSWER_CHARS)
        if len(value) > limit:
            problems.append(Problem(0, FIELD_LABELS[name], f"最多 {limit} 个字，现在 {len(value)} 个字"))
        out[name] = value
    if not out["title"]:
        problems.append(Problem(0, "标题", "不能为空"))
    for name in DATE_FIELDS:
        day = fields.get(name)
        if day is not None and not isinstance(day, date):
            problems.append(Problem(0, FIELD_LABELS[name], "不是有效日期"))
            day = None
        out[name] = day
    if out["issued_on"] and out["deadline_on"] and out["deadline_on"] < out["issued_on"]:
        problems.append(Problem(0, "截止日期", "早于发文日期，请核对"))
    if problems:
        raise BoardError(problems)
    return out


def _pii_problems(explainer: PolicyExplainer) -> list[Problem]:
    """Every public text of an explainer must be free of personal numbers (no field is exempt)."""
    return [
        Problem(0, FIELD_LABELS[name], f"含有未遮挡的{m.kind}，不能公开：请删掉（找谁问请写办事窗口或座机）")
        for name in TEXT_FIELDS
        for m in find_pii(getattr(explainer, name) or "")
    ]


def _scope_villages(session: Session, explainer_id: int) -> list[Village]:
    return list(
        session.exec(
            select(Village)
            .join(PolicyExplainerVillage, col(PolicyExplainerVillage.village_id) == Village.id)
            .where(PolicyExplainerVillage.explainer_id == explainer_id)
            .order_by(col(Village.code))
        )
    )


def _resolve_scope(
    session: Session, user: User, township_code: str | None, village_codes: tuple[str, ...]
) -> tuple[Township, list[Village]]:
    if bool(township_code) == bool(village_codes):
        raise BoardError("请给出整个乡镇（--township），或者给出具体的村/社区（--village），二选一", field="范围")
    visible = visible_village_ids(session, user)
    if township_code:
        township = get_township(session, township_code)
        if user.role not in (Role.township, Role.admin):
            raise PermissionDenied("面向整个乡镇的政策问答只能由乡镇工作人员编写", field="权限")
        if user.role == Role.township and user.township_id != township.id:
            raise PermissionDenied(f"您没有“{township.name}”的权限", field="权限")
        return township, []
    villages = [get_village(session, code) for code in dict.fromkeys(village_codes)]
    for village in villages:
        if visible is not None and village.id not in visible:
            raise PermissionDenied(f"您没有“{village.name}”的权限", field="权限")
    townships = {v.township_id for v in villages}
    if None in townships:
        raise BoardError("村/社区还没有归属乡镇，不能编号发布政策问答", field="范围")
    if len(townships) > 1:
        raise BoardError("一期政策问答只能面向同一个乡镇的村/社区", field="范围")
    owner = session.get(Township, townships.pop())
    if owner is None:
        raise BoardError("村/社区所属的乡镇不存在", field="范围")
    return owner, villages


def _require_author(user: User) -> None:
    if user.role not in AUTHOR_ROLES and user.role != Role.admin:
        allowed = "、".join(ROLE_LABELS[r] for r in AUTHOR_ROLES)
        raise PermissionDenied(f"政策问答只能由{allowed}编写", field="权限")


def _require_sees(session: Session, user: User, explainer: PolicyExplainer) -> None:
    """The user works for the explainer's township or for one of its villages."""
    if user.role == Role.admin:
        return
    if user.role == Role.township:
        if user.township_id != explainer.township_id:
            raise PermissionDenied("您没有这个乡镇的权限", field="权限")
        return
    mine = visible_village_ids(session, user) or set()
    scope = {v.id for v in explainer_villages(session, row_id(explainer))}
    if not scope & mine:
        raise PermissionDenied("您没有这期政策问答的权限", field="权限")


def get_explainer(session: Session, explainer_id: int) -> PolicyExplainer:
    row = session.get(PolicyExplainer, explainer_id)
    if row is None:
        raise BoardError(f"没有编号为 {explainer_id} 的政策问答", field="政策问答")
    return row


def _snapshot_fields(row: PolicyExplainer) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (*TEXT_FIELDS, *DATE_FIELDS)}


def create_explainer(
    session: Session,
    *,
    user: User,
    fields: dict[str, Any],
    township_code: str | None = None,
    village_codes: tuple[str, ...] = (),
    source_name: str = "",
    source_file: bytes | None = None,
    source_text: str = "",
) -> PolicyExplainer:
    """A new draft; the original document (bytes and extracted text) is kept with it."""
    _require_author(user)
    township, villages = _resolve_scope(session, user, township_code, village_codes)
    clean = _clean(fields)
    row = PolicyExplainer(
        township_id=row_id(township),
        source_name=(source_name or "")[:200],
        source_sha256=hashlib.sha256(source_file).hexdigest() if source_file else "",
        source_file=source_file,
        source_text=source_text or "",
        created_by=user.username,
        **clean,
    )
    session.add(row)
    session.flush()
    for village in villages:
        session.add(PolicyExplainerVillage(explainer_id=row_id(row), village_id=row_id(village)))
    audit.record(
        session,
        username=user.username,
        action="policy:create",
        entity="policy",
        entity_id=row.id,
        after={"title": row.title, "villages": [v.code for v in villages], "township": township.code},
    )
    session.flush()
    return row


def update_explainer(
    session: Session, explainer_id: int, *, user: User, fields: dict[str, Any], row_version: int
) -> PolicyExplainer:
    """Save a draft's answers; refused when someone saved first or it is approved (correct it instead)."""
    _require_author(user)
    row = get_explainer(session, explainer_id)
    _require_sees(session, user, row)
    if row.status != ExplainerStatus.draft:
        raise BoardError("已审核公开的政策问答不能直接修改，请先点“更正”", field="状态")
    if row.row_version != row_version:
        raise ConflictError("别人刚刚保存过这期政策问答，请刷新后再改", field="政策问答")
    clean = _clean(fields)
    before = _snapshot_fields(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.row_version += 1
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        username=user.username,
        action="policy:save",
        entity="policy",
        entity_id=row.id,
        before=before,
        after=_snapshot_fields(row),
    )
    return row


_EDIT_ACTIONS = ("policy:create", "policy:save", "policy:amend")


def draft_editors(session: Session, explainer: PolicyExplainer) -> set[str]:
    """Who wrote the current draft: its creator and everyone who saved or reopened it since the last approval.

    Read from the audit rows, which are written in the same unit of work as each change.
    """
    since = (
        session.exec(
            select(func.max(AuditLog.id)).where(
                AuditLog.entity == "policy", AuditLog.entity_id == explainer.id, AuditLog.action == "policy:approve"
            )
        ).one()
        or 0
    )
    names = session.exec(
        select(AuditLog.username).where(
            AuditLog.entity == "policy",
            AuditLog.entity_id == explainer.id,
            col(AuditLog.action).in_(_EDIT_ACTIONS),
            col(AuditLog.id) > since,
        )
    ).all()
    return {explainer.created_by, *names}


def can_approve(session: Session, user: User, explainer: PolicyExplainer) -> str | None:
    """Why ``user`` may not approve ``explainer`` (Chinese), or None when they may."""
    if user.username == explainer.created_by:
        return "不能审核自己写的政策问答，请另一位同事审核"
    if user.username in draft_editors(session, explainer):
        return "您修改过这一稿（保存或更正），不能再审核它，请另一位同事审核"
    if user.role == Role.admin:
        return None
    if user.role == Role.township:
        return None if user.township_id == explainer.township_id else "您不是这个乡镇的工作人员"
    if user.role == Role.supervisor:
        scope = _scope_villages(session, row_id(explainer))
        if len(scope) != 1:
            return "面向多个村或整个乡镇的政策问答由乡镇工作人员审核"
        return None if scope[0].id in (visible_village_ids(session, user) or set()) else "您不是这个村的监督委员会成员"
    return "政策问答由乡镇工作人员审核（只发一个村的，也可由该村监督委员会审核）"


def _next_number(session: Session, township_id: int) -> int:
    top = session.exec(select(func.max(PolicyExplainer.number)).where(PolicyExplainer.township_id == township_id)).one()
    return (top or 0) + 1


def _display_name(session: Session, username: str) -> str:
    user = session.exec(select(User).where(User.username == username)).first()
    return user.display_name if user else username


def build_explainer_content(
    session: Session, row: PolicyExplainer, *, version: int, approved_by: str, approved_at: datetime
) -> dict[str, Any]:
    """The public document of one explainer version, personal numbers masked."""
    township = session.get(Township, row.township_id)
    if township is None:
        raise BoardError("政策问答所属的乡镇不存在", field="范围")
    villages = _scope_villages(session, row_id(row))
    content: dict[str, Any] = mask_public_text(
        {
            "schema": SCHEMA_VERSION,
            "kind": "policy",
            "township": {"code": township.code, "name": township.name},
            "villages": [{"code": v.code, "name": v.name} for v in villages],
            "number": row.number,
            "version": version,
            "title": row.title,
            "issuer": row.issuer,
            "doc_number": row.doc_number,
            "issued_on": row.issued_on.isoformat() if row.issued_on else None,
            "effective_on": row.effective_on.isoformat() if row.effective_on else None,
            "deadline_on": row.deadline_on.isoformat() if row.deadline_on else None,
            "source": {"name": row.source_name, "sha256": row.source_sha256},
            "one_sentence": row.one_sentence,
            "answers": [{"key": key, "question": label, "answer": getattr(row, key)} for key, label, _ in QUESTIONS],
            "ask": row.ask,
            "correction_note": row.correction_note if version > 1 else "",
            "approved_by": _display_name(session, approved_by),
            "approved_at": approved_at.astimezone(UTC).isoformat(),
            "approved_on": today_shanghai(approved_at).isoformat(),
        }
    )
    return content


def approve_explainer(
    session: Session, explainer_id: int, *, user: User, row_version: int | None, now: datetime | None = None
) -> PolicyExplainerVersion:
    """Freeze the draft into a new immutable version (and give it its 第 N 期 the first time).

    ``row_version`` is the draft the approver read; a newer save refuses the approval, so nobody
    publishes text they have not seen.  ``None`` only for the CLI, whose approver reads nothing first.
    """
    row = get_explainer(session, explainer_id)
    # Serialise approvals per township on PostgreSQL: numbers and the chain stay gap-free.
    session.exec(select(Township.id).where(Township.id == row.township_id).with_for_update()).one()
    session.refresh(row)
    if row.status != ExplainerStatus.draft:
        raise BoardError("这期政策问答已经审核公开了", field="状态")
    if row_version is not None and row.row_version != row_version:
        raise ConflictError("您看到的不是最新稿：有人刚刚保存了修改，请刷新、读过新稿后再审核", field="审核")
    refusal = can_approve(session, user, row)
    if refusal:
        raise PermissionDenied(refusal, field="权限")
    _clean(_snapshot_fields(row))  # a draft saved before a limit existed is held to it now
    problems = _pii_problems(row)
    if problems:
        raise BoardError(problems)
    previous = latest_version(session, row_id(row))
    version = previous.version + 1 if previous else 1
    if version > 1 and not row.correction_note.strip():
        raise BoardError("更正版必须写明更正说明", field="更正说明")
    if row.number is None:
        row.number = _next_number(session, row.township_id)
    now = now or utcnow()
    content = build_explainer_content(session, row, version=version, approved_by=user.username, approved_at=now)
    canonical = canonical_json(content)
    head = session.exec(
        select(PolicyExplainerVersion)
        .where(PolicyExplainerVersion.township_id == row.township_id)
        .order_by(col(PolicyExplainerVersion.id).desc())
    ).first()
    prev_hash = head.content_hash if head else ""
    frozen = PolicyExplainerVersion(
        explainer_id=row_id(row),
        township_id=row.township_id,
        version=version,
        content_json=canonical,
        content_hash=snapshot_hash(canonical, prev_hash),
        prev_hash=prev_hash,
        approved_by=user.username,
        approved_at=now,
    )
    session.add(frozen)
    row.status = ExplainerStatus.approved
    row.approved_by, row.approved_at, row.updated_at = user.username, now, now
    row.row_version += 1
    session.add(row)
    audit.record(
        session,
        username=user.username,
        action="policy:approve",
        entity="policy",
        entity_id=row.id,
        before={"status": "draft"},
        after={"status": "approved", "number": row.number, "version": version, "hash": frozen.content_hash},
    )
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            "刚才有人同时审核了本乡镇的政策问答，这次没有保存，请重新点“审核通过”", field="审核"
        ) from None
    return frozen


def amend_explainer(session: Session, explainer_id: int, *, user: User, note: str) -> PolicyExplainer:
    """Reopen an approved explainer as a draft; the approved version stays public until the next one."""
    _require_author(user)
    row = get_explainer(session, explainer_id)
    _require_sees(session, user, row)
    if row.status != ExplainerStatus.approved:
        raise BoardError("只有已审核公开的政策问答需要更正；草稿可以直接修改", field="状态")
    note = (note or "").strip()
    if not note:
        raise BoardError("请写明更正说明（改了什么、为什么），它会随新版本一起公开", field="更正说明")
    if len(note) > 1000:
        raise BoardError("更正说明最多 1000 个字", field="更正说明")
    row.status, row.correction_note = ExplainerStatus.draft, note
    row.approved_by = row.approved_at = None
    row.row_version += 1
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        username=user.username,
        action="policy:amend",
        entity="policy",
        entity_id=row.id,
        before={"status": "approved"},
        after={"status": "draft", "note": note},
    )
    return row


def latest_version(session: Session, explainer_id: int) -> PolicyExplainerVersion | None:
    return session.exec(
        select(PolicyExplainerVersion)
        .where(PolicyExplainerVersion.explainer_id == explainer_id)
        .order_by(col(PolicyExplainerVersion.version).desc())
    ).first()


VERIFY_FAILED = "核验失败：内容与存证不一致，请联系镇经管站"


def version_intact(session: Session, row: PolicyExplainerVersion) -> bool:
    """The stored text still gives its hash, and it chains to the township's previous and next versions."""
    if snapshot_hash(row.content_json, row.prev_hash) != row.content_hash:
        return False
    previous = session.exec(
        select(PolicyExplainerVersion.content_hash)
        .where(PolicyExplainerVersion.township_id == row.township_id, col(PolicyExplainerVersion.id) < row.id)
        .order_by(col(PolicyExplainerVersion.id).desc())
    ).first()
    following = session.exec(
        select(PolicyExplainerVersion.prev_hash)
        .where(PolicyExplainerVersion.township_id == row.township_id, col(PolicyExplainerVersion.id) > row.id)
        .order_by(col(PolicyExplainerVersion.id))
    ).first()
    return (previous or "") == row.prev_hash and following in (None, row.content_hash)


def load_version(session: Session, row: PolicyExplainerVersion) -> dict[str, Any]:
    """An approved version for rendering; one that fails verification shows only the failure.

    Its texts are replaced (not its shape), so every renderer shows the failure and nothing else.
    """
    content: dict[str, Any] = json.loads(row.content_json)
    content["id"] = row.explainer_id
    content["hash"] = row.content_hash
    content["short_hash"] = short_hash(row.content_hash)
    if not version_intact(session, row):
        blank = dict.fromkeys(("issuer", "doc_number", "one_sentence", "ask", "correction_note"), "")
        content.update(
            blank,
            title=VERIFY_FAILED,
            verify_error=VERIFY_FAILED,
            source={"name": "", "sha256": ""},
            answers=[{**a, "answer": VERIFY_FAILED} for a in content.get("answers", [])],
        )
    return content


def published_explainer(session: Session, explainer_id: int) -> dict[str, Any]:
    """The newest approved version, for pushing and printing: refused when it fails verification."""
    row = latest_version(session, explainer_id)
    if row is None:
        raise BoardError(f"编号为 {explainer_id} 的政策问答还没有审核公开", field="政策问答")
    content = load_version(session, row)
    if content.get("verify_error"):
        raise BoardError(VERIFY_FAILED, field="核验")
    return content


def explainer_villages(session: Session, explainer_id: int) -> list[Village]:
    """The villages an explainer reaches: its chosen villages, or every village of its township."""
    scope = _scope_villages(session, explainer_id)
    if scope:
        return scope
    row = get_explainer(session, explainer_id)
    return list(session.exec(select(Village).where(Village.township_id == row.township_id).order_by(col(Village.code))))


def public_explainers(session: Session, village: Village) -> list[dict[str, Any]]:
    """Newest approved version of every explainer that concerns ``village``, newest number first."""
    if village.township_id is None:
        return []
    chosen = select(PolicyExplainerVillage.explainer_id).where(PolicyExplainerVillage.village_id == village.id)
    any_scope = select(PolicyExplainerVillage.explainer_id)
    ids = session.exec(
        select(PolicyExplainer.id).where(
            PolicyExplainer.township_id == village.township_id,
            col(PolicyExplainer.number).is_not(None),
            or_(col(PolicyExplainer.id).in_(chosen), col(PolicyExplainer.id).not_in(any_scope)),
        )
    ).all()
    rows = [latest_version(session, i) for i in ids if i is not None]
    contents = [load_version(session, r) for r in rows if r is not None]
    return sorted(contents, key=lambda c: -c["number"])


@dataclass(frozen=True)
class ExplainerRow:
    id: int
    number: int | None
    title: str
    status: str
    township: str
    scope: str
    deadline_on: date | None
    created_by: str
    version: int
    short_hash: str


def list_explainers(
    session: Session, *, user: User | None = None, township_code: str | None = None
) -> list[ExplainerRow]:
    """Explainers for staff (drafts included), newest first; only those ``user`` may see."""
    query = select(PolicyExplainer, Township).join(Township, col(Township.id) == PolicyExplainer.township_id)
    if township_code:
        query = query.where(PolicyExplainer.township_id == get_township(session, township_code).id)
    out = []
    for row, township in session.exec(query.order_by(col(PolicyExplainer.id).desc())):
        if user is not None:
            try:
                _require_sees(session, user, row)
            except PermissionDenied:
                continue
        scope = _scope_villages(session, row_id(row))
        head = latest_version(session, row_id(row))
        out.append(
            ExplainerRow(
                id=row_id(row),
                number=row.number,
                title=row.title,
                status=STATUS_LABELS[row.status],
                township=township.name,
                scope="、".join(v.name for v in scope) or f"{township.name}全镇",
                deadline_on=row.deadline_on,
                created_by=row.created_by,
                version=head.version if head else 0,
                short_hash=short_hash(head.content_hash) if head else "",
            )
        )
    return out


def explainer_fields(row: PolicyExplainer) -> dict[str, Any]:
    """The editable fields of a draft as plain data (for pages and the checker)."""
    return _snapshot_fields(row)


def check_row(row: PolicyExplainer) -> CheckResult:
    return check_explainer(_snapshot_fields(row), deadline_on=row.deadline_on)
