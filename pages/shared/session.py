"""Streamlit glue shared by the pages: the engine, the logged-in user, error display."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from board.auth import active_user, authenticate, get_user, visible_villages
from board.errors import BoardError
from board.public import published_periods
from board.villages import get_village
from infra.db import get_engine, migrate, unit_of_work
from models import Role
from views.entry_form import entry_months

USER_KEY = "staff_user"
LANDING_KEY = "staff_landing"  # set at login: the next run opens 我的待办


@dataclass(frozen=True)
class StaffUser:
    """Plain data kept in the browser session (never an ORM object)."""

    username: str
    display_name: str
    role: Role


@st.cache_resource
def engine():
    engine = get_engine()
    migrate(engine)
    return engine


def current_user() -> StaffUser | None:
    return st.session_state.get(USER_KEY)


def log_in(username: str, password: str) -> StaffUser | None:
    """Raises BoardError when too many wrong passwords were tried for this username."""
    with unit_of_work(engine()) as session:
        user = authenticate(session, username=username, password=password)
        if user is None:
            return None
        staff = StaffUser(user.username, user.display_name, user.role)
    st.session_state[USER_KEY] = staff
    st.session_state[LANDING_KEY] = True
    return staff


def log_out() -> None:
    st.session_state.pop(USER_KEY, None)


def require_staff(*roles: Role) -> StaffUser:
    """Stop the page unless a staff user with one of ``roles`` (or admin) is logged in.

    Every staff page calls this first, so a deep link never shows staff data.
    """
    user = current_user()
    if user is None:
        st.warning("请先登录工作人员账号。")
        st.stop()
    # Re-read the account on every run: a deactivated or re-assigned user loses access at once.
    with unit_of_work(engine()) as session:
        row = active_user(session, user.username)
        current = StaffUser(row.username, row.display_name, row.role) if row is not None else None
    if current != user:
        log_out()
        if current is None:
            st.warning("您的账号已停用，请联系管理员。")
            st.stop()
        st.session_state[USER_KEY] = user = current
    if roles and user.role not in roles and user.role != Role.admin:
        st.error("您的账号没有打开此页面的权限。")
        st.stop()
    return user


def choose_village(user: StaffUser, *, key: str = "village") -> str | None:
    """Sidebar choice among the villages this user may see; returns the village code."""
    with unit_of_work(engine()) as session:
        villages = [(v.code, v.name) for v in visible_villages(session, get_user(session, user.username))]
    if not villages:
        st.info("您的账号还没有绑定任何村/社区，请联系管理员。")
        return None
    names = dict(villages)
    return st.sidebar.selectbox("村/社区", list(names), format_func=lambda c: f"{names[c]}（{c}）", key=key)


def choose_published_period(code: str, *, key: str | None = None) -> str:
    """A month chooser over the village's published months; stops the page when there are none."""
    with unit_of_work(engine()) as session:
        periods = published_periods(session, get_village(session, code))
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
