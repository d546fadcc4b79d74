"""Staff accounts: logging in (throttled in the database), the account as it is now, the first administrator."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from board.auth import active_user, authenticate, needs_first_admin
from board.errors import PermissionDenied
from infra.db import unit_of_work
from models import Role, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Who is logged in, as plain data (kept in the browser session, never an ORM row)."""

    username: str
    display_name: str
    role: Role


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
        identity = Identity(user.username, user.display_name, user.role)
        session.commit()
    log.info("login: %s (%s)", identity.username, identity.role.value)
    return identity


def current_identity(engine: Engine, username: str, *, demo_logins: bool = False) -> Identity | None:
    """The account as it is now: None once deactivated or, for a demo account, once retired."""
    with unit_of_work(engine) as session:
        user = active_user(session, username, demo_logins=demo_logins)
        return Identity(user.username, user.display_name, user.role) if user is not None else None


def first_admin_missing(engine: Engine) -> bool:
    with unit_of_work(engine) as session:
        return needs_first_admin(session)
