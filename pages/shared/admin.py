"""What the admin pages share: an action's outcome shown once, after the rerun that follows it."""

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from board.errors import BoardError
from pages.shared.plain import md
from pages.shared.session import show_error

NOTICE_KEY = "admin_notice"
T = TypeVar("T")


def show_notice() -> None:
    """The success message of the action taken just before this run."""
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.success(md(notice))


def run_action(action: Callable[[], T], notice: str | Callable[[T], str]) -> None:
    """Run one service call; a refusal is shown as a table, a success (``notice``, or made from the
    call's result) after the rerun."""
    try:
        result = action()
    except BoardError as error:
        show_error(error)
        return
    st.session_state[NOTICE_KEY] = notice if isinstance(notice, str) else notice(result)
    st.rerun()
