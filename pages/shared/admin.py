"""What the admin pages share: an action's outcome shown once, after the rerun that follows it."""

from collections.abc import Callable

import streamlit as st

from board.errors import BoardError
from pages.shared.plain import md
from pages.shared.session import show_error

NOTICE_KEY = "admin_notice"


def show_notice() -> None:
    """The success message of the action taken just before this run."""
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.success(md(notice))


def run_action(action: Callable[[], object], notice: str) -> None:
    """Run one service call; a refusal is shown as a table, a success after the rerun."""
    try:
        action()
    except BoardError as error:
        show_error(error)
        return
    st.session_state[NOTICE_KEY] = notice
    st.rerun()
