"""Streamlit glue shared by the pages: the engine, the logged-in user, error display."""

from __future__ import annotations

import time

import streamlit as st

from board.auth import get_user
from board.errors import BoardError
from board.requests import client_address
from board.villages import get_village
from infra.db import get_engine, migrate, unit_of_work
from infra.logging import configure_logging
from infra.settings import get_settings
from models import Role
from services.board import published_months
from services.scope import village_choices
from services.users import Identity as StaffUser
from services.users import current_identity, first_admin_missing, set_own_password
from services.users import log_in as log_in_service
from views.entry_form import entry_months

USER_KEY = "staff_user"
SEEN_KEY = "staff_seen"
EXPIRED_KEY = "staff_expired"
# A kiosk or a shared office computer left logged in locks itself after this much inactivity.
IDLE_SECONDS = 30 * 60
LANDING_KEY = "staff_landing"  # set at login: the next run opens 我的待办
# Logged in with a password an administrator set: not logged in until they set their own.
PENDING_KEY = "staff_password_pending"


@st.cache_resource
def engine():
    configure_logging()
    engine = get_engine()
    migrate(engine)
    return engine


def current_user() -> StaffUser | None:
    """The logged-in user, or None; a session idle for IDLE_SECONDS is logged out here."""
    user = st.session_state.get(USER_KEY)
    if user is None:
        return None
    now = time.time()
    if now - st.session_state.setdefault(SEEN_KEY, now) > IDLE_SECONDS:
        log_out()
        st.session_state[EXPIRED_KEY] = True
        return None
    st.session_state[SEEN_KEY] = now
    return user


def browser_address() -> str:
    """The client address of this browser session, for the login throttle."""
    # Only strings count: outside a browser session (AppTest) the context has no real values.
    peer, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    return client_address(
        peer if isinstance(peer, str) else None,
        forwarded if isinstance(forwarded, str) else None,
        get_settings().trusted_proxies,
    )


def log_in(username: str, password: str) -> StaffUser | None:
    """Raises BoardError when this name or this address must wait, or for a retired demo account."""
    identity = log_in_service(
        engine(),
        username=username,
        password=password,
        address=browser_address(),
        demo_logins=get_settings().demo_logins,
    )
    if identity is not None and identity.password_temporary:
        st.session_state[PENDING_KEY] = identity.username
    elif identity is not None:
        _start(identity)
    return identity


def _start(identity: StaffUser) -> None:
    st.session_state[USER_KEY] = identity
    st.session_state[SEEN_KEY] = time.time()
    st.session_state[LANDING_KEY] = True


def password_pending() -> str | None:
    """The username that logged in with an administrator's password and must now set its own."""
    return st.session_state.get(PENDING_KEY)


def set_pending_password(password: str, repeat: str) -> None:
    """Set the pending user's own password, which logs them in."""
    identity = set_own_password(engine(), st.session_state[PENDING_KEY], password=password, repeat=repeat)
    st.session_state.pop(PENDING_KEY)
    _start(identity)


def log_out() -> None:
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(SEEN_KEY, None)
    st.session_state.pop(PENDING_KEY, None)


def session_expired() -> bool:
    """Whether this browser session was just logged out for inactivity (said once)."""
    return st.session_state.pop(EXPIRED_KEY, False)


def first_admin_needed() -> bool:
    return first_admin_missing(engine())


def require_staff(*roles: Role) -> StaffUser:
    """Stop the page unless a staff user with one of ``roles`` (or admin) is logged in.

    Every staff page calls this first, so a deep link never shows staff data.
    """
    user = current_user()
    if user is None:
        st.warning(("长时间未操作，已自动退出。" if session_expired() else "") + "请先登录工作人员账号。")
        st.stop()
    # Re-read the account on every run: a deactivated, re-assigned or retired demo user loses access at once.
    current = current_identity(engine(), user.username, demo_logins=get_settings().demo_logins)
    if current != user:
        log_out()
        if current is None:
            st.warning("您的账号已停用，请联系管理员。")
            st.stop()
        if current.password_temporary:
            st.warning("管理员重设了您的密码，请用新密码重新登录，并设置自己的密码。")
            st.stop()
        st.session_state[USER_KEY] = user = current
    if roles and user.role not in roles and user.role != Role.admin:
        st.error("您的账号没有打开此页面的权限。")
        st.stop()
    return user


def choose_village(user: StaffUser, *, key: str = "village") -> str | None:
    """Sidebar choice among the villages this user may see; returns the village code."""
    names = village_choices(engine(), user.username)
    if not names:
        st.info("您的账号还没有绑定任何村/社区，请联系管理员。")
        return None
    return st.sidebar.selectbox("村/社区", list(names), format_func=lambda c: f"{names[c]}（{c}）", key=key)


def choose_published_period(code: str, *, key: str | None = None) -> str:
    """A month chooser over the village's published months; stops the page when there are none."""
    periods = published_months(engine(), code)
    if not periods:
        st.info("这个村/社区还没有公开任何月份。")
        st.stop()
    return st.selectbox("月份", periods, key=key)


def choose_entry_month(code: str, user: StaffUser, *, key: str) -> str:
    """Sidebar choice of the month a clerk works on (default: the month after the latest published)."""
    try:
        with unit_of_work(engine()) as session:
            village, me = village_and_user(session, code, user)
            months, default = entry_months(session, village=village, user=me)
    except BoardError as error:
        show_error(error)
        st.stop()
    return st.sidebar.selectbox("月份", months, index=months.index(default), key=key)


def village_and_user(session, code: str, user: StaffUser):
    """The chosen village and the logged-in user as ORM rows of ``session``."""
    return get_village(session, code), get_user(session, user.username)


def show_error(error: BoardError) -> None:
    st.error("操作未完成，请根据下表修改：")
    st.dataframe(error.as_rows(), hide_index=True, width="stretch")
