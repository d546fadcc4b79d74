"""The admin screens' actions: users, townships and villages, grids, the disclosure deadline.

One unit of work each; every function checks that the acting user is an admin and writes an
audit row with the change, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from board import audit
from board.auth import ROLE_LABELS, add_user, assign, get_user, require_admin, set_password
from board.errors import BoardError
from board.villages import add_village, ensure_township, get_village
from exports.wechat.grids import CHANNELS, add_grid
from infra.db import unit_of_work
from models import Grid, Role, Township, User, UserVillage, Village, row_id


def _admin(session: Session, username: str) -> User:
    user = get_user(session, username)
    require_admin(user)
    return user


def _target(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise BoardError(f"用户“{username}”不存在", field="用户")
    return user


def _record(session: Session, admin: User, action: str, entity: str, summary: str, **extra) -> None:
    audit.record(
        session, username=admin.username, action=f"admin:{action}", entity=entity, after={"summary": summary, **extra}
    )


def overview(engine: Engine, username: str) -> dict:
    """Everything the admin screens list: users with their villages, townships, villages, grids."""
    with unit_of_work(engine) as session:
        _admin(session, username)
        villages = list(session.exec(select(Village).order_by(Village.code)))
        townships = list(session.exec(select(Township).order_by(Township.code)))
        by_id = {v.id: v for v in villages}
        town_by_id = {t.id: t for t in townships}
        links: dict[int, list[str]] = {}
        for link in session.exec(select(UserVillage)):
            links.setdefault(link.user_id, []).append(by_id[link.village_id].code)
        users = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "role_label": ROLE_LABELS[u.role],
                "villages": sorted(links.get(row_id(u), [])),
                "township": town_by_id[u.township_id].code if u.township_id in town_by_id else "",
                "active": u.active,
            }
            for u in session.exec(select(User).order_by(User.username))
        ]
        grids = [
            {
                "id": g.id,
                "village": by_id[g.village_id].name,
                "name": g.name,
                "worker": g.worker,
                "channel": CHANNELS.get(g.channel, g.channel),
                # The key itself is never stored or shown: only whether a reference is set.
                "key": "已设置（保存在服务器配置中）" if g.key_ref else "无需密钥",
                "active": g.active,
            }
            for g in session.exec(select(Grid).order_by(col(Grid.village_id), col(Grid.name)))
        ]
        return {
            "users": users,
            "townships": {t.code: {"name": t.name, "deadline_day": t.deadline_day} for t in townships},
            "villages": {
                v.code: {
                    "name": v.name,
                    "township": town_by_id[v.township_id].name if v.township_id in town_by_id else "",
                    "hotline": v.hotline,
                    "board_address": v.board_address,
                }
                for v in villages
            },
            "grids": grids,
        }


def new_user(
    engine: Engine,
    username: str,
    *,
    login: str,
    display_name: str,
    password: str,
    role: str,
    village_codes: tuple[str, ...] = (),
    township_code: str | None = None,
) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        user = add_user(
            session,
            username=login,
            password=password,
            role=Role(role),
            display_name=display_name,
            village_codes=village_codes,
            township_code=township_code,
        )
        user.password_temporary = True  # the administrator chose it
        _record(
            session, admin, "add_user", "user", f"新增{ROLE_LABELS[user.role]} {user.display_name}（{user.username}）"
        )
        session.commit()


def reset_password(engine: Engine, username: str, *, login: str, password: str) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        user = _target(session, login)
        set_password(session, user=user, password=password, temporary=True)
        _record(session, admin, "reset_password", "user", f"重设 {user.display_name}（{user.username}）的密码")
        session.commit()


def set_active(engine: Engine, username: str, *, login: str, active: bool) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        user = _target(session, login)
        if user.username == admin.username and not active:
            raise BoardError("不能停用自己的账号", field="用户")
        user.active = active
        session.add(user)
        verb = "启用" if active else "停用"
        _record(session, admin, "deactivate", "user", f"{verb} {user.display_name}（{user.username}）")
        session.commit()


def assign_user(
    engine: Engine,
    username: str,
    *,
    login: str,
    role: str,
    village_codes: tuple[str, ...],
    township_code: str | None = None,
) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        user = _target(session, login)
        assign(session, user=user, role=Role(role), village_codes=village_codes, township_code=township_code)
        where = "、".join(village_codes) or township_code or "全部"
        _record(
            session,
            admin,
            "assign",
            "user",
            f"{user.display_name}（{user.username}）改为{ROLE_LABELS[user.role]}，负责 {where}",
        )
        session.commit()


def new_township(engine: Engine, username: str, *, code: str, name: str) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        code, name = (code or "").strip(), (name or "").strip()
        if not code or not name:
            raise BoardError("乡镇/街道的代码和名称都要填写", field="乡镇/街道")
        if session.exec(select(Township).where(Township.code == code)).first():
            raise BoardError(f"代码“{code}”已被使用", field="乡镇/街道")
        ensure_township(session, code=code, name=name)
        _record(session, admin, "add_township", "township", f"新增乡镇/街道 {name}（{code}）")
        session.commit()


def new_village(
    engine: Engine,
    username: str,
    *,
    code: str,
    name: str,
    township_code: str,
    hotline: str = "",
    board_address: str = "",
) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        village = add_village(
            session, code=code, name=name, township_code=township_code, hotline=hotline, board_address=board_address
        )
        _record(session, admin, "add_village", "village", f"新增村/社区 {village.name}（{village.code}）")
        session.commit()


def new_grid(
    engine: Engine,
    username: str,
    *,
    village_code: str,
    name: str,
    channel: str,
    worker: str = "",
    key_ref: str = "",
    chat_id: str = "",
    sender: str = "",
) -> None:
    """Register a grid; for WeCom channels only the *name* of the server setting holding the key."""
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        village = get_village(session, village_code)
        grid = add_grid(
            session,
            village=village,
            name=name,
            channel=channel,
            key_ref=key_ref,
            chat_id=chat_id,
            sender=sender,
            worker=worker,
        )
        _record(session, admin, "add_grid", "grid", f"{village.name}新增网格 {grid.name}（{CHANNELS[grid.channel]}）")
        session.commit()


def set_grid_active(engine: Engine, username: str, *, grid_id: int, active: bool) -> None:
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        grid = session.get(Grid, grid_id)
        if grid is None:
            raise BoardError("找不到这个网格，请刷新后重试", field="网格")
        grid.active = active
        session.add(grid)
        _record(session, admin, "grid_active", "grid", f"{'启用' if active else '停用'}网格 {grid.name}")
        session.commit()


def set_deadline(engine: Engine, username: str, *, township_code: str, day: int | None) -> None:
    """公开期限: the day of the following month by which a township's villages publish (None: default)."""
    with unit_of_work(engine) as session:
        admin = _admin(session, username)
        township = session.exec(select(Township).where(Township.code == township_code)).first()
        if township is None:
            raise BoardError(f"乡镇/街道代码“{township_code}”不存在", field="乡镇/街道")
        if day is not None and not 1 <= day <= 28:
            raise BoardError("公开期限要在每月 1 日到 28 日之间", field="公开期限")
        township.deadline_day = day
        session.add(township)
        said = f"次月 {day} 日" if day else "系统默认"
        _record(session, admin, "deadline", "township", f"{township.name}的公开期限改为{said}")
        session.commit()


def deadline_day(engine: Engine, township_code: str, default: int) -> int:
    """The township's 公开期限 day (for the compliance page and the CLI), else the installation default."""
    with unit_of_work(engine) as session:
        township = session.exec(select(Township).where(Township.code == township_code)).first()
        return township.deadline_day if township is not None and township.deadline_day else default
