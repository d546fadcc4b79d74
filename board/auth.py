"""Staff users, argon2 password hashes and the role checks every action goes through."""

from __future__ import annotations

import threading
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from board.errors import BoardError, PermissionDenied
from board.privacy import text_problems
from models import Role, Township, User, UserVillage, Village

_hasher = PasswordHasher()

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
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        township_id=township_id,
    )
    session.add(user)
    session.flush()
    for village in villages:
        session.add(UserVillage(user_id=user.id, village_id=village.id))
    return user


class LoginThrottle:
    """Failed logins per username in this process: after ``limit`` within ``window`` seconds, wait."""

    def __init__(self, limit: int = 5, window: float = 900.0):
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def check(self, username: str, now: float) -> None:
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window]
            self._failures[username] = recent
            if len(recent) >= self.limit:
                wait = int((self.window - (now - recent[0])) // 60) + 1
                raise PermissionDenied(f"密码错误次数过多，请 {wait} 分钟后再试", field="登录")

    def failed(self, username: str, now: float) -> None:
        with self._lock:
            self._failures.setdefault(username, []).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)


login_throttle = LoginThrottle()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def authenticate(session: Session, *, username: str, password: str, now: float | None = None) -> User | None:
    """The user for a correct username and password, else None; raises when throttled."""
    username = (username or "").strip()
    now = time.monotonic() if now is None else now
    login_throttle.check(username, now)
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not user.active or not ok:
        login_throttle.failed(username, now)
        return None
    login_throttle.succeeded(username)
    return user


def active_user(session: Session, username: str) -> User | None:
    user = session.exec(select(User).where(User.username == username)).first()
    return user if user is not None and user.active else None


def get_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise BoardError(f"用户“{username}”不存在或已停用", field="用户")
    return user


def visible_village_ids(session: Session, user: User) -> set[int] | None:
    """Villages a user may see; ``None`` means all of them (admin)."""
    if user.role == Role.admin:
        return None
    if user.role == Role.township:
        rows = session.exec(select(Village.id).where(Village.township_id == user.township_id))
        return set(rows)
    rows = session.exec(select(UserVillage.village_id).where(UserVillage.user_id == user.id))
    return set(rows)


def require(session: Session, user: User, village: Village, *roles: Role) -> None:
    """Refuse unless the user has one of ``roles`` and works for ``village``."""
    if roles and user.role not in roles and user.role != Role.admin:
        allowed = "、".join(ROLE_LABELS[r] for r in roles)
        raise PermissionDenied(f"此操作只能由{allowed}进行", field="权限")
    allowed_ids = visible_village_ids(session, user)
    if allowed_ids is not None and village.id not in allowed_ids:
        raise PermissionDenied(f"您没有“{village.name}”的权限", field="权限")


def visible_villages(session: Session, user: User) -> list[Village]:
    ids = visible_village_ids(session, user)
    query = select(Village).order_by(Village.code)
    if ids is not None:
        query = query.where(Village.id.in_(ids or {-1}))
    return list(session.exec(query))


def visible_townships(session: Session, user: User) -> list[Township]:
    """Townships whose compliance a user may see: admin all, township staff their own."""
    query = select(Township).order_by(Township.code)
    if user.role != Role.admin:
        query = query.where(Township.id == (user.township_id or -1))
    return list(session.exec(query))


def require_admin(user: User) -> None:
    if user.role != Role.admin:
        raise PermissionDenied("此操作只能由系统管理员进行", field="权限")


def set_password(session: Session, *, user: User, password: str) -> None:
    if len(password or "") < 8:
        raise BoardError("密码至少 8 位", field="密码")
    user.password_hash = hash_password(password)
    session.add(user)


def assign(
    session: Session, *, user: User, role: Role, village_codes: tuple[str, ...], township_code: str | None
) -> None:
    """Replace a user's role, villages and township (the same rules as when adding them)."""
    if role in VILLAGE_ROLES and not village_codes:
        raise BoardError(f"{ROLE_LABELS[role]}必须绑定村/社区", field="村/社区")
    villages = [session.exec(select(Village).where(Village.code == c)).first() for c in village_codes]
    if None in villages:
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
        session.add(UserVillage(user_id=user.id, village_id=village.id))
