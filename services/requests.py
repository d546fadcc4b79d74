"""依申请公开与村务质询: the resident's and the staff's actions, one unit of work each."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from board import requests as rules
from board.auth import get_user
from board.errors import BoardError
from board.villages import get_village
from infra.db import transaction, unit_of_work
from models import Township

# ---- residents (no account) ----


def request_villages(engine: Engine) -> dict[str, str]:
    """Villages that take requests: code → name."""
    with unit_of_work(engine) as session:
        return dict(rules.request_villages(session))


def submit_request(engine: Engine, **fields) -> str:
    """A resident's request (the fields of ``board.requests.submit_request``); its 查询码."""
    with transaction(engine) as session:
        return rules.submit_request(session, **fields).code


def request_status(engine: Engine, code: str, *, today: date) -> dict:
    with unit_of_work(engine) as session:
        return rules.public_status(session, code, today=today)


def public_answers(engine: Engine, village_code: str) -> tuple[list[dict], list[dict]]:
    """A village's published questions and answers, and the statistics of every scope."""
    with unit_of_work(engine) as session:
        return rules.published_answers(session, get_village(session, village_code)), rules.statistics_rows(session)


# ---- staff ----


def inbox(engine: Engine, username: str, *, today: date, open_only: bool) -> list[dict]:
    with unit_of_work(engine) as session:
        return rules.inbox(session, user=get_user(session, username), today=today, open_only=open_only)


def township_inquiry_days(engine: Engine, username: str) -> int | None:
    """The 村务质询 deadline of the user's township, or None when the user has no township."""
    with unit_of_work(engine) as session:
        me = get_user(session, username)
        if me.township_id is None or session.get(Township, me.township_id) is None:
            return None
        return rules.inquiry_days(session, me.township_id)


def set_inquiry_days(engine: Engine, username: str, days: int) -> None:
    with transaction(engine) as session:
        me = get_user(session, username)
        township = session.get(Township, me.township_id) if me.township_id else None
        if township is None:
            raise BoardError("您的账号没有绑定乡镇/街道", field="乡镇/街道")
        rules.set_inquiry_days(session, township=township, days=days, user=me)


def request_detail(engine: Engine, code: str, username: str, *, today: date) -> dict:
    with unit_of_work(engine) as session:
        return rules.request_detail(session, code, user=get_user(session, username), today=today)


def reply_letter(engine: Engine, code: str, username: str) -> dict:
    """The data of the reply letter (PDF) of an answered request."""
    with unit_of_work(engine) as session:
        return rules.reply_letter(session, code, user=get_user(session, username))


def reveal_phone(engine: Engine, code: str, username: str) -> str:
    """The requester's full phone number; the look-up itself is audited."""
    with transaction(engine) as session:
        return rules.reply_contact(session, code, user=get_user(session, username))


def reply(
    engine: Engine, code: str, username: str, *, form: str, text: str, reason: str, publish: bool, today: date
) -> None:
    """Answer a request and, when asked (and the resident agreed), publish the answer with it."""
    with transaction(engine) as session:
        me = get_user(session, username)
        reason = reason if form in rules.FORMS_NEEDING_REASON else ""
        rules.reply_request(session, code, user=me, form=form, text=text, today=today, reason=reason)
        if publish:
            rules.publish_answer(session, code, user=me, today=today)


def publish_answer(engine: Engine, code: str, username: str, *, today: date, general_interest: bool) -> None:
    with transaction(engine) as session:
        rules.publish_answer(
            session, code, user=get_user(session, username), today=today, general_interest=general_interest
        )


def extend(engine: Engine, code: str, username: str, *, reason: str, days: int, today: date) -> None:
    with transaction(engine) as session:
        rules.extend_request(session, code, user=get_user(session, username), reason=reason, days=days, today=today)


def ask_supplement(engine: Engine, code: str, username: str, *, note: str, today: date) -> None:
    with transaction(engine) as session:
        rules.request_supplement(session, code, user=get_user(session, username), note=note, today=today)


def supplement_received(engine: Engine, code: str, username: str, *, today: date) -> None:
    with transaction(engine) as session:
        rules.mark_supplemented(session, code, user=get_user(session, username), today=today)


def start_consultation(engine: Engine, code: str, username: str, *, today: date) -> None:
    with transaction(engine) as session:
        rules.start_consultation(session, code, user=get_user(session, username), today=today)


def end_consultation(engine: Engine, code: str, username: str, *, today: date) -> None:
    with transaction(engine) as session:
        rules.end_consultation(session, code, user=get_user(session, username), today=today)
