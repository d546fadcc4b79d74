"""User text is plain text on staff pages: no emphasis, links, images or icons from what clerks type."""

import re

from board.auth import get_user
from board.carry import start_month
from board.entry import save_section
from board.villages import get_village
from board.workflow import run_step
from infra.db import get_engine, unit_of_work
from models import Role
from tests.entry.conftest import type_statements

NEXT = "2026-11"
TRICK = "**粗体** ![图](https://evil.example/a.png) [点我](https://evil.example) :material/home: www.evil.example"


def _values(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _plain(value: str) -> bool:
    """No markdown construct survives: every special character of TRICK arrives escaped."""
    shown = value[value.find("粗体") : value.rfind("example")]  # the user's text, without our own markup
    return "粗体" in value and not set("*[]()!:.") & set(re.sub(r"\\.", "", shown))


def test_staff_pages_show_clerk_and_supervisor_text_escaped(make_app, demo_url):
    with unit_of_work(get_engine(demo_url)) as session:
        village, clerk = get_village(session, "DEMO"), get_user(session, "wenshu")
        start_month(session, village=village, period=NEXT, user=clerk)
        save_section(
            session,
            village=village,
            period=NEXT,
            user=clerk,
            section="affairs",
            rows=[
                {
                    "category": "其他",
                    "item_date": "2026-11-05",
                    "title": TRICK,
                    "description": "说明",
                    "beneficiaries": [{"name": "张三", "amount_fen": "100"}],
                },
            ],
        )
        type_statements(session, village, clerk, NEXT)
        run_step(session, village=village, period=NEXT, user=clerk, step="submit")
        run_step(session, village=village, period=NEXT, user=get_user(session, "jiandu"), step="reject", comment=TRICK)
        session.commit()

    clerk = make_app("wenshu", Role.clerk, "entry")
    assert not clerk.exception
    [warning] = [v for v in _values(clerk.warning) if "退回意见" in v]
    assert _plain(warning) and "\\*\\*粗体\\*\\*" in warning and "https\\:" in warning

    review = make_app("jiandu", Role.supervisor, "review")
    assert not review.exception
    shown = [v for v in _values(review.warning) + _values(review.markdown) if "粗体" in v]
    assert shown and all(_plain(v) for v in shown)
