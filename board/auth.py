"""Staff users, argon2 password hashes and the role checks every action goes through."""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from board.errors import BoardError, PermissionDenied
from board.privacy import text_problems
from models import LoginEvent, Role, Township, User, UserVillage, Village, row_id

_hasher = PasswordHasher()
log = logging.getLogger(__name__)

ROLE_LABELS = {
    Role.admin: "系统管理员",
    Role.township: "乡镇/街道工作人员",
    Role.clerk: "村/社区文书、报账员",
    Role.supervisor: "村务监督委员会",
    Role.grid: "网格员",
}
# Roles bound to particular villages (the others see a whole township or everything).
VILLAGE_ROLES = {Role.clerk, Role.supervisor, Role.grid}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        names = "、".join(r.value for r in Role)
        raise BoardError(f"角色“{value}”不存在，可选：{names}", field="角色") from None


def add_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str = "",
    village_codes: tuple[str, ...] = (),
    township_code: str | None = None,
    demo: bool = False,
) -> User:
    username = (username or "").strip()
    problems = []
    if not username:
        problems.append("用户名不能为空")
    elif len(username) > 50 or len(display_name or "") > 50:
        problems.append("用户名和显示名称都不能超过 50 个字")
    elif session.exec(select(User).where(User.username == username)).first():
        problems.append(f"用户名“{username}”已存在")
    # Display names are published as who submitted, approved and published a month.
    problems += [f"显示名称{p}" for p in text_problems(display_name or "")]
    if len(password or "") < 8:
        problems.append("密码至少 8 位")
    if role in VILLAGE_ROLES and not village_codes:
        problems.append(f"{ROLE_LABELS[role]}必须绑定村/社区（--village）")
    if problems:
        raise BoardError("；".join(problems), field="用户")
    township_id = None
    if township_code:
        township = session.exec(select(Township).where(Township.code == township_code)).first()
        if township is None:
            raise BoardError(f"乡镇/街道代码“{township_code}”不存在", field="乡镇")
        township_id = township.id
    villages = []
    for code in village_codes:
        village = session.exec(select(Village).where(Village.code == code)).first()
        if village is None:
            raise BoardError(f"村/社区代码“{code}”不存在", field="村/社区")
        villages.append(village)
    if role == Role.township and township_id is None and villages:
        township_id = villages[0].township_id
    if role == Role.township and township_id is None:
        # Without one it would read every unassigned village's drafts, full ID numbers included.
        raise BoardError(f"{ROLE_LABELS[role]}必须指定所属乡镇/街道（--township 乡镇代码）", field="用户")
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        township_id=township_id,
        is_demo=demo,
    )
    session.add(user)
    session.flush()
    for village in villages:
        session.add(UserVillage(user_id=row_id(user), village_id=row_id(village)))
    return user


# --- Login throttling -------------------------------------------------------------------------
# Failures count per client address (one address spraying many usernames), per username and
# address pair (guessing one account) and per username (guessing from many addresses).  Each
# count is free up to a limit, then every further failure doubles the wait after the last one,
# up to a cap: an attacker is slowed down, the real user waits seconds, never a lockout.  An
# office shares one address behind its NAT: a username that logged in from this address before
# (a known pair) waits for the address's count at most ACCOUNT_ADDRESS_WAIT, so a sprayer there
# never keeps a colleague out for longer; every other name, existing or not, waits in full, so the
# wait tells nothing about which names exist.  A known pair also skips the username count, so
# someone guessing elsewhere cannot shut the real user out of their own office.
FREE_FAILURES = {"addr": 10, "pair": 3, "user": 10}
MAX_WAIT_SECONDS = {"addr": 300, "pair": 900, "user": 60}
ACCOUNT_ADDRESS_WAIT = 5.0
FORGET_AFTER = 3600.0
KNOWN_FOR = 30 * 86400.0
# argon2 costs about 50 ms of a core: a burst of logins must not starve the public board.
PASSWORD_CHECK_SLOTS = 2
_password_checks = threading.BoundedSemaphore(PASSWORD_CHECK_SLOTS)


def _key(kind: str, *parts: str) -> str:
    return hashlib.sha256("|".join(("sanwu-login", kind, *parts)).encode()).hexdigest()


def _keys(username: str, address: str) -> dict[str, str]:
    return {"addr": _key("addr", address), "pair": _key("pair", username, address), "user": _key("user", username)}


def _wait(session: Session, kind: str, key: str, now: float, cap: float) -> float:
    count, last = session.exec(
        select(func.count(), func.max(LoginEvent.at)).where(
            LoginEvent.key == key,
            col(LoginEvent.ok).is_(False),
            LoginEvent.at > now - FORGET_AFTER,
        )
    ).one()
    if count < FREE_FAILURES[kind]:
        return 0.0
    return max(0.0, last + min(2.0 ** (count - FREE_FAILURES[kind]), MAX_WAIT_SECONDS[kind], cap) - now)


def _known(session: Session, pair_key: str, now: float) -> bool:
    query = select(LoginEvent.id).where(
        LoginEvent.key == pair_key,
        col(LoginEvent.ok).is_(True),
        LoginEvent.at > now - KNOWN_FOR,
    )
    return session.exec(query).first() is not None


def login_wait(session: Session, username: str, address: str, now: float) -> float:
    """Seconds this username and client address must still wait before a password is checked."""
    keys = _keys(username, address)
    known = _known(session, keys["pair"], now)
    kinds = ("addr", "pair") if known else ("addr", "pair", "user")
    caps = {"addr": ACCOUNT_ADDRESS_WAIT if known else math.inf, "pair": math.inf, "user": math.inf}
    return max(_wait(session, kind, keys[kind], now, caps[kind]) for kind in kinds)


def _record_failure(session: Session, username: str, address: str, now: float) -> None:
    session.execute(delete(LoginEvent).where(col(LoginEvent.ok).is_(False), col(LoginEvent.at) < now - FORGET_AFTER))
    session.add_all(LoginEvent(key=key, ok=False, at=now) for key in _keys(username, address).values())


def _record_success(session: Session, username: str, address: str, now: float) -> None:
    pair = _keys(username, address)["pair"]
    session.execute(delete(LoginEvent).where(col(LoginEvent.key) == pair))
    session.add(LoginEvent(key=pair, ok=True, at=now))


@contextmanager
def password_check_slot(timeout: float = 10.0) -> Iterator[None]:
    """One of the few concurrent argon2 checks this process allows; refuses when none frees up."""
    if not _password_checks.acquire(timeout=timeout):
        raise PermissionDenied("同时登录的人较多，请稍后再试", field="登录")
    try:
        yield
    finally:
        _password_checks.release()


def real_villages_exist(session: Session) -> bool:
    return session.exec(select(Village.id).where(col(Village.is_demo).is_(False))).first() is not None


def demo_retired(session: Session, user: User, demo_logins: bool) -> bool:
    """Demo accounts (published password) stop working once a real village exists, unless re-enabled."""
    return user.is_demo and not demo_logins and real_villages_exist(session)


# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    address: str = "",
    now: float | None = None,
    demo_logins: bool = False,
    slot_timeout: float = 10.0,
) -> User | None:
    """The user for a correct username and password, else None; raises when throttled or retired.

    ``address`` is the client address (board.requests.client_address); failures and known
    pairs are added to ``session``, which the caller commits whatever the outcome.
    """
    username = (username or "").strip()
    now = time.time() if now is None else now
    user = session.exec(select(User).where(User.username == username)).first()
    wait = login_wait(session, username, address, now)
    if wait > 0:
        raise PermissionDenied(f"尝试次数过多，请 {math.ceil(wait)} 秒后再试", field="登录")
    with password_check_slot(slot_timeout):
        ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not user.active or not ok:
        _record_failure(session, username, address, now)
        return None
    if demo_retired(session, user, demo_logins):
        raise PermissionDenied("演示账号已停用：系统里已有正式的村/社区。请使用管理员为您创建的账号登录", field="登录")
    _record_success(session, username, address, now)
    return user


def needs_first_admin(session: Session) -> bool:
    """No active administrator other than the demo's: the deployment's first admin is still to be created."""
    query = select(User.id).where(User.role == Role.admin, col(User.active).is_(True), col(User.is_demo).is_(False))
    return session.exec(query).first() is None


def active_user(session: Session, username: str, *, demo_logins: bool = False) -> User | None:
    """The logged-in account as it is now: None once deactivated, or once a demo account is retired."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active or demo_retired(session, user, demo_logins):
        return None
    return user


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise BoardError(f"用户“{username}”不存在或已停用", field="用户")
    return user


def visible_village_ids(session: Session, user: User) -> set[int] | None:
    """Villages a user may see; ``None`` means all of them (admin)."""
    if user.is_demo and user.role in (Role.admin, Role.township):
        # The demo's admin and township accounts see the demo villages only, never a real one.
        query = select(col(Village.id)).where(col(Village.is_demo).is_(True))
        if user.role == Role.township:
            query = query.where(Village.township_id == user.township_id)
        return {i for i in session.exec(query) if i is not None}
    if user.role == Role.admin:
        return None
    if user.role == Role.township:
        rows = session.exec(select(col(Village.id)).where(Village.township_id == user.township_id))
        return {i for i in rows if i is not None}
    return set(session.exec(select(UserVillage.village_id).where(UserVillage.user_id == user.id)))


def require(session: Session, user: User, village: Village, *roles: Role) -> None:
    """Refuse unless the user has one of ``roles`` and works for ``village``."""
    if roles and user.role not in roles and user.role != Role.admin:
        allowed = "、".join(ROLE_LABELS[r] for r in roles)
        log.warning("refused: %s (%s) may not act here", user.username, user.role.value)
        raise PermissionDenied(f"此操作只能由{allowed}进行", field="权限")
    allowed_ids = visible_village_ids(session, user)
    if allowed_ids is not None and village.id not in allowed_ids:
        log.warning("refused: %s has no access to village %s", user.username, village.code)
        raise PermissionDenied(f"您没有“{village.name}”的权限", field="权限")


def visible_villages(session: Session, user: User) -> list[Village]:
    ids = visible_village_ids(session, user)
    query = select(Village).order_by(Village.code)
    if ids is not None:
        query = query.where(col(Village.id).in_(ids or {-1}))
    return list(session.exec(query))


def visible_townships(session: Session, user: User) -> list[Township]:
    """Townships whose compliance a user may see: admin all, township staff their own."""
    query = select(Township).order_by(Township.code)
    if user.is_demo:
        demo = select(Village.township_id).where(col(Village.is_demo).is_(True))
        query = query.where(col(Township.id).in_(demo))
    if user.role != Role.admin:
        query = query.where(Township.id == (user.township_id or -1))
    return list(session.exec(query))


def operator_user(label: str) -> User:
    """The server's operator (CLI ``--as-admin``) as an admin who has no account, named ``label`` in the audit log."""
    return User(username=label, display_name=label, role=Role.admin, password_hash="")


def require_admin(user: User) -> None:
    if user.role != Role.admin:
        raise PermissionDenied("此操作只能由系统管理员进行", field="权限")


def set_password(session: Session, *, user: User, password: str, temporary: bool) -> None:
    """``temporary``: someone else (an administrator) chose it, so the user must still set their own."""
    if len(password or "") < 8:
        raise BoardError("密码至少 8 位", field="密码")
    if not temporary and user.password_temporary and verify_password(user.password_hash, password):
        raise BoardError("新密码不能与管理员设置的临时密码相同", field="密码")
    user.password_hash = hash_password(password)
    user.password_temporary = temporary
    session.add(user)


def require_own_password(user: User, action: str) -> None:
    """Refuse the committee's own acts while the password is one an administrator set: an
    administrator who resets the supervisor's password must not act as the committee with it."""
    if user.password_temporary:
        raise PermissionDenied(
            f"密码由管理员重置后尚未由本人修改，不能{action}：请本人先登录网页，按提示设置自己的新密码", field="密码"
        )


def assign(
    session: Session, *, user: User, role: Role, village_codes: tuple[str, ...], township_code: str | None
) -> None:
    """Replace a user's role, villages and township (the same rules as when adding them)."""
    if role in VILLAGE_ROLES and not village_codes:
        raise BoardError(f"{ROLE_LABELS[role]}必须绑定村/社区", field="村/社区")
    found = [session.exec(select(Village).where(Village.code == c)).first() for c in village_codes]
    villages = [v for v in found if v is not None]
    if len(villages) != len(found):
        raise BoardError("所选的村/社区不存在，请刷新后重试", field="村/社区")
    township = session.exec(select(Township).where(Township.code == township_code)).first() if township_code else None
    if township_code and township is None:
        raise BoardError(f"乡镇/街道代码“{township_code}”不存在", field="乡镇")
    user.role = role
    user.township_id = township.id if township else (villages[0].township_id if villages else None)
    session.add(user)
    for link in session.exec(select(UserVillage).where(UserVillage.user_id == user.id)):
        session.delete(link)
    session.flush()
    for village in villages:
        session.add(UserVillage(user_id=row_id(user), village_id=row_id(village)))
