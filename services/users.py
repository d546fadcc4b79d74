"""Staff accounts: logging in (throttled in the database), the account as it is now, the first administrator."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from board import audit
from board.auth import active_user, authenticate, get_user, needs_first_admin, set_password
from board.errors import BoardError, PermissionDenied
from infra.db import transaction, unit_of_work
from models import Role, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Who is logged in, as plain data (kept in the browser session, never an ORM row)."""

    username: str
    display_name: str
    role: Role
    # An administrator set the password: the user sets their own before anything else.
    password_temporary: bool = False


def log_in(
    engine: Engine,
    *,
    username: str,
    password: str,
    address: str,
    demo_logins: bool = False,
    now: float | None = None,
) -> Identity | None:
    """The identity for a correct password, None for a wrong one; PermissionDenied when throttled.

    The failure or success is committed either way: the throttle counts across restarts and processes.
    """
    with unit_of_work(engine) as session:
        try:
            user = authenticate(
                session, username=username, password=password, address=address, now=now, demo_logins=demo_logins
            )
        except PermissionDenied as refusal:
            log.warning("login refused: %s", refusal.problems[0].message)
            raise
        if user is None:
            known = session.exec(select(User.id).where(User.username == (username or "").strip())).first()
            # An unknown name is not logged: people type their password into the username field.
            log.warning("login failed for %s", f"user {username.strip()!r}" if known else "an unknown username")
            session.commit()
            return None
        identity = _identity(user)
        session.commit()
    log.info("login: %s (%s)", identity.username, identity.role.value)
    return identity


def current_identity(engine: Engine, username: str, *, demo_logins: bool = False) -> Identity | None:
    """The account as it is now: None once deactivated or, for a demo account, once retired."""
    with unit_of_work(engine) as session:
        user = active_user(session, username, demo_logins=demo_logins)
        return _identity(user) if user is not None else None


def _identity(user: User) -> Identity:
    return Identity(user.username, user.display_name, user.role, user.password_temporary)


def set_own_password(engine: Engine, username: str, *, password: str, repeat: str) -> Identity:
    """The user (logged in) replaces a password an administrator set with their own; audited."""
    if password != repeat:
        raise BoardError("两次输入的新密码不一致", field="密码")
    with transaction(engine) as session:
        user = get_user(session, username)
        set_password(session, user=user, password=password, temporary=False)
        audit.record(session, username=user.username, action="change_password", entity="user")
        identity = _identity(user)
    log.info("password changed by its owner: %s", identity.username)
    return identity


def first_admin_missing(engine: Engine) -> bool:
    with unit_of_work(engine) as session:
        return needs_first_admin(session)
