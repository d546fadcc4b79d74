"""The month's workflow actions (submit, approve, reject, publish, amend): one transaction each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from board.auth import get_user, operator_user
from board.villages import get_village
from board.workflow import STEPS, run_step
from infra.db import transaction
from models import PublishedPeriod


@dataclass(frozen=True)
class StepDone:
    """What a page says after a step: the new status, and for a publish the version and hash."""

    step: str
    label: str
    status: str
    village_name: str
    version: int | None = None
    content_hash: str = ""


def take_step(
    engine: Engine,
    village_code: str,
    period: str,
    username: str,
    step: str,
    comment: str = "",
    *,
    as_operator: bool = False,
) -> StepDone:
    """One workflow step by name; the comment is the 审核意见, 退回意见 or 更正说明. All or nothing.

    ``as_operator``: ``username`` is the label of the server's operator (CLI ``--as-admin``), who acts
    as an administrator without an account.
    """
    with transaction(engine) as session:
        village = get_village(session, village_code)
        user = operator_user(username) if as_operator else get_user(session, username)
        result = run_step(session, village=village, period=period, user=user, step=step, comment=comment)
        status = STEPS[step].target
        if isinstance(result, PublishedPeriod):  # the publish step
            return StepDone(step, STEPS[step].label, status, village.name, result.version, result.content_hash)
        return StepDone(step, STEPS[step].label, status, village.name)


def submit(engine: Engine, village_code: str, period: str, username: str) -> StepDone:
    return take_step(engine, village_code, period, username, "submit")


def approve(engine: Engine, village_code: str, period: str, username: str, comment: str = "") -> StepDone:
    return take_step(engine, village_code, period, username, "approve", comment)


def reject(engine: Engine, village_code: str, period: str, username: str, comment: str) -> StepDone:
    return take_step(engine, village_code, period, username, "reject", comment)


def publish(engine: Engine, village_code: str, period: str, username: str) -> StepDone:
    return take_step(engine, village_code, period, username, "publish")


def amend(engine: Engine, village_code: str, period: str, username: str, reason: str) -> StepDone:
    return take_step(engine, village_code, period, username, "amend", reason)
