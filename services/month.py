"""The clerk's month: load, start, save a grid, submit, amend — one unit of work each.

Loading reads only; ``start`` is the one action that creates a month.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from board.auth import get_user, visible_villages
from board.carry import start_month
from board.entry import save_beneficiaries, save_section
from board.errors import BoardError
from board.review import REVIEW_ROLES, review_periods
from board.villages import get_village
from board.workflow import run_step
from infra.db import unit_of_work
from models import Role
from views.entry_form import entry_months, load_month, month_checklist


def load(engine: Engine, username: str, village_code: str, period: str) -> dict:
    """The month as the entry page shows it (nothing is created)."""
    with unit_of_work(engine) as session:
        return load_month(
            session, village=get_village(session, village_code), period=period, user=get_user(session, username)
        )


def start(engine: Engine, username: str, village_code: str, period: str) -> dict:
    """ "开始录入": create the draft, copy from last month; the month as loaded afterwards."""
    with unit_of_work(engine) as session:
        village, user = get_village(session, village_code), get_user(session, username)
        start_month(session, village=village, period=period, user=user)
        session.commit()
        return load_month(session, village=village, period=period, user=user)


def save(
    engine: Engine,
    username: str,
    village_code: str,
    period: str,
    *,
    section: str,
    rows: list[dict],
    expected_version: int,
    affair_id: int | None = None,
) -> dict:
    """Replace one section (or one recipient list) of a draft; the month as loaded afterwards."""
    with unit_of_work(engine) as session:
        village, user = get_village(session, village_code), get_user(session, username)
        common: dict[str, Any] = {
            "village": village,
            "period": period,
            "user": user,
            "rows": rows,
            "expected_version": expected_version,
        }
        if section == "beneficiaries":
            if affair_id is None:
                raise BoardError("找不到这条村务事项，请刷新后重试", field="村务")
            save_beneficiaries(session, affair_id=affair_id, **common)
        else:
            save_section(session, section=section, **common)
        session.commit()
        return load_month(session, village=village, period=period, user=user)


def step(engine: Engine, username: str, village_code: str, period: str, *, name: str, comment: str = "") -> dict:
    """A workflow step the clerk takes (提交审核, 提出更正); the month as loaded afterwards."""
    with unit_of_work(engine) as session:
        village, user = get_village(session, village_code), get_user(session, username)
        run_step(session, village=village, period=period, user=user, step=name, comment=comment)
        session.commit()
        return load_month(session, village=village, period=period, user=user)


def todo(engine: Engine, username: str) -> list[dict]:
    """The landing page's list per village the user works for: this month's checklist or what waits for them."""
    with unit_of_work(engine) as session:
        user = get_user(session, username)
        result = []
        for village in visible_villages(session, user):
            item: dict[str, Any] = {"village": village.code, "village_name": village.name}
            if user.role == Role.clerk:
                _, period = entry_months(session, village=village, user=user)
                state = load_month(session, village=village, period=period, user=user)
                item.update(period=period, month=state, steps=month_checklist(state) if state["started"] else [])
            elif user.role in REVIEW_ROLES:
                item["waiting"] = [
                    m
                    for m in review_periods(session, village=village, user=user)
                    if m["status"] in ("submitted", "approved")
                ]
            result.append(item)
        return result
