"""依法隐去: an admin and a supervision-committee member withdraw parts of published versions.

The admin is the caller's authenticated user: the logged-in staff page, or the CLI's ``--by``
checked with its password (``--as-admin``: the server's operator, for the admin only). The
supervisor confirms here with their own password (``board.auth.authenticate``, throttled); the
two are never the same person. A refusal of either is audited in its own transaction, so it stays
although nothing was withdrawn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from board.auth import authenticate, get_user, operator_user, require_own_password
from board.commitment import REDACTED
from board.errors import INTEGRITY_MESSAGE, BoardError, PermissionDenied
from board.periods import check_period
from board.policy import today_shanghai
from board.redaction import (
    Redacted,
    distinctive,
    fixed_mentions,
    mentions,
    redact_version,
    scrub_working_copies,
    text_parts,
)
from board.snapshot import row_problems
from board.villages import get_village
from exports.cache import drop_cached
from exports.site import export_site
from infra.db import transaction, unit_of_work
from infra.settings import get_settings
from models import OutboxMessage, OutboxStatus, PublishedPeriod, User, Village, utcnow
from services.audit import record_refusal

log = logging.getLogger(__name__)
UNSENT = ("pending", "retry", "manual_pending")
REFUSED = "redact_refused"


class PartRow(TypedDict):
    period: str
    version: int
    part: str
    text: str  # the part's free-text fields, joined with " ｜ "
    fixed: str  # why the text found there cannot be withdrawn ("" for a part that can)


@dataclass(frozen=True)
class Withdrawn:
    period: str
    version: int
    part: str
    hash: str  # the version's hash afterwards (unchanged unless it was re-anchored)


@dataclass(frozen=True)
class Signers:
    """The two people who confirm a redaction."""

    admin: str  # authenticated by the caller (see the module docstring)
    supervisor: str
    supervisor_password: str
    operator: bool = False  # ``admin`` is the server's operator (CLI --as-admin), not an account
    address: str = ""  # the client address, for the login throttle


def _versions(session: Session, village: Village, period: str | None, version: int | None) -> list[PublishedPeriod]:
    query = select(PublishedPeriod).where(PublishedPeriod.village_id == village.id)
    if period is not None:
        query = query.where(PublishedPeriod.period == period)
    if version is not None:
        query = query.where(PublishedPeriod.version == version)
    return list(session.exec(query.order_by(col(PublishedPeriod.period), col(PublishedPeriod.version))))


def list_parts(
    engine: Engine, *, village_code: str, period: str | None = None, version: int | None = None, find: str = ""
) -> list[PartRow]:
    """The parts with text of a village's published versions (every month and version unless narrowed),
    with the ids a redaction names; with ``find``, only the parts that mention it, including those that
    mention it where it cannot be withdrawn (``fixed`` says why)."""
    if period is not None:
        check_period(period)
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        rows = _versions(session, village, period, version)
    found: list[PartRow] = []
    for row in rows:
        for part, fields in text_parts(row.content_json):
            if find.strip() and not any(mentions(v, find) for v in fields.values()):
                continue
            text = " ｜ ".join(fields.values())
            found.append(PartRow(period=row.period, version=row.version, part=part, text=text, fixed=""))
        if find.strip():
            for part, why in fixed_mentions(row.content_json, find):
                if not any(
                    f["part"] == part and f["version"] == row.version and f["period"] == row.period for f in found
                ):
                    found.append(PartRow(period=row.period, version=row.version, part=part, text=find, fixed=why))
    return found


def _refusal(engine: Engine, signers: Signers, village_code: str, reason: str) -> None:
    record_refusal(
        engine,
        username=signers.admin,
        action=REFUSED,
        entity="published_period",
        after={"村/社区": village_code, "原因": reason},
        typed={"监督委员会成员": signers.supervisor},
        operator=signers.operator,
    )


def _confirm_supervisor(engine: Engine, signers: Signers, village_code: str) -> None:
    """The supervisor's own password; the failure count and the login are kept whatever follows."""
    user = None
    with transaction(engine) as session:
        try:
            if signers.supervisor_password:
                user = authenticate(
                    session, username=signers.supervisor, password=signers.supervisor_password, address=signers.address
                )
            reason = (
                "监督委员会成员的用户名或密码错误，或账号已停用"
                if signers.supervisor_password
                else "没有输入监督委员会成员的密码"
            )
            if user is not None:
                require_own_password(user, "确认依法隐去")
        except PermissionDenied as refusal:
            user, reason = None, refusal.problems[0].message
    if user is None:
        _refusal(engine, signers, village_code, reason)
        raise PermissionDenied(f"{reason}：依法隐去未执行", field="监督委员会成员")


def _scrub_outbox(
    session: Session, village: Village, period: str, version: int, texts: tuple[str, ...], now: datetime
) -> None:
    """Queued messages of that version hold copies of the old text: replaced there too, and those still
    waiting are withdrawn (marked failed), so a new ``push`` sends the redacted digest."""
    copies = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.village_id == village.id,
            OutboxMessage.period == period,
            OutboxMessage.snapshot_version == version,
        )
    ).all()
    for message in copies:
        for text in filter(distinctive, texts):
            message.payload = message.payload.replace(text, REDACTED)
        if message.status in UNSENT:
            message.status, message.last_error = OutboxStatus.failed, "内容已依法隐去，未发送"
        message.updated_at = now
        session.add(message)


@dataclass(frozen=True)
class Outcome:
    withdrawn: list[Withdrawn]
    skipped: list[str]  # versions left as they are because they fail verification, each named
    site: str  # the static site: rebuilt where, or the command that rebuilds it


Targets = Callable[[Session, Village], tuple[list[tuple[str, int, str]], list[str]]]


def _withdraw(
    engine: Engine, *, village_code: str, targets: Targets, reason: str, signers: Signers, now: datetime | None
) -> Outcome:
    """Authenticate the supervisor, then hide every (period, version, part) ``targets(session, village)``
    names in one transaction (each part audited); afterwards the download cache of each version goes
    and the village's static site is rebuilt."""
    now = now or utcnow()
    _confirm_supervisor(engine, signers, village_code)
    done: list[tuple[Withdrawn, Redacted]] = []
    try:
        with transaction(engine) as session:
            village = get_village(session, village_code)
            admin: User = operator_user(signers.admin) if signers.operator else get_user(session, signers.admin)
            supervisor = get_user(session, signers.supervisor)
            found, skipped = targets(session, village)
            for period, version, part in found:
                result = redact_version(
                    session,
                    village=village,
                    period=period,
                    version=version,
                    part_id=part,
                    reason=reason,
                    admin=admin,
                    supervisor=supervisor,
                    today=today_shanghai(now),
                )
                _scrub_outbox(session, village, period, version, result.texts, now)
                scrub_working_copies(session, village, period, result.texts)
                done.append((Withdrawn(period, version, part, result.row.content_hash), result))
    except PermissionDenied as refused:
        _refusal(engine, signers, village_code, refused.problems[0].message)
        raise
    for _, result in done:  # after the commit: files rendered before still hold the text
        drop_cached(result.old_hash)
        drop_cached(result.row.content_hash)
    return Outcome([w for w, _ in done], skipped, _rebuild_site(engine, village_code))


def _rebuild_site(engine: Engine, village_code: str) -> str:
    """Every month of the village's static site rendered again where this server serves it (every page
    may show the withdrawn text: a version page, the month page, the kiosk); elsewhere, the command."""
    settings = get_settings()
    out = settings.public_dir
    command = f"python -m board export html --village {village_code} -o <公开网页目录>"
    if not (out / village_code / "index.html").is_file():
        return f"本机公开网页目录（{out}）里没有这个村的网页：请在生成网页的电脑上运行 {command}"
    try:
        export_site(engine, out, village_codes=[village_code], base_url=settings.public_base_url)
    except (OSError, BoardError) as error:
        log.warning("static site not rebuilt after a redaction: %s", error)
        return f"静态网页没能重新生成（{error}）：请运行 {command.replace('<公开网页目录>', str(out))}"
    return f"已重新生成静态网页（全部月份）：{out / village_code}"


def redact_part(
    engine: Engine,
    *,
    village_code: str,
    period: str,
    version: int,
    part_id: str,
    reason: str,
    signers: Signers,
    now: datetime | None = None,
) -> Outcome:
    """Hide one part of one published version everywhere (its hash unchanged unless re-anchored)."""
    check_period(period)
    return _withdraw(
        engine,
        village_code=village_code,
        targets=lambda session, village: ([(period, version, part_id)], []),
        reason=reason,
        signers=signers,
        now=now,
    )


def redact_text(
    engine: Engine,
    *,
    village_code: str,
    text: str,
    reason: str,
    signers: Signers,
    period: str | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Hide every part that mentions ``text`` in the village's published versions (every month and
    version unless narrowed): a leak repeated from month to month or version to version, each part
    audited on its own. A version that fails verification is never re-sealed: it is skipped and named."""
    if len(text.strip()) < 2:
        raise BoardError("请给出要隐去的内容（至少两个字）", field="查找内容")
    if period is not None:
        check_period(period)

    def targets(session: Session, village: Village) -> tuple[list[tuple[str, int, str]], list[str]]:
        found: list[tuple[str, int, str]] = []
        skipped: list[str] = []
        for row in _versions(session, village, period, version):
            problems = row_problems(row, village.code)
            if problems:
                skipped.append(f"{row.period} 第{row.version}版：{INTEGRITY_MESSAGE}，未隐去（{problems[0]}）")
                continue
            found += [
                (row.period, row.version, part)
                for part, fields in text_parts(row.content_json)
                if any(mentions(v, text) for v in fields.values())
            ]
        if not found:
            fixed = {
                why
                for row in _versions(session, village, period, version)
                for _, why in fixed_mentions(row.content_json, text)
            }
            if fixed:
                raise BoardError(f"这段文字不能单独隐去：{'；'.join(sorted(fixed))}", field="查找内容")
            where = " ".join(x for x in (period or "", f"第{version}版" if version else "") if x) or "已公开的内容"
            checked = f"（{'；'.join(skipped)}）" if skipped else ""
            raise BoardError(f"{village.name} {where}里没有找到要隐去的文字{checked}", field="查找内容")
        return found, skipped

    return _withdraw(engine, village_code=village_code, targets=targets, reason=reason, signers=signers, now=now)
