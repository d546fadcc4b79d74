"""依法隐去 page (admin): find the text, pick the part, the supervisor confirms with their own password."""

import pytest
from sqlmodel import select

from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from models import AuditLog, Role
from services.redaction import list_parts
from tests.helpers import DEMO_END
from tests.staff.conftest import ADMIN


def _actions(engine) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action.like("redact%")).order_by(AuditLog.id)).all()
        return [(r.action, r.username) for r in rows]


def test_admin_and_supervisor_withdraw_a_part_on_the_page(staff_app, demo_url):
    engine = get_engine(demo_url)
    row = next(r for r in list_parts(engine, village_code="DEMO", period=DEMO_END) if r["part"].startswith("finance"))
    needle = row["text"].split(" ｜ ")[0]
    at = staff_app(Role.admin, "redaction")
    # Without a text: the chosen month's parts, with their ids.
    assert not at.exception and set(at.dataframe[0].value["月份"]) == {DEMO_END}
    at.text_input(key="redact_find").input(needle).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert needle in " ".join(shown["内容"]) and row["part"] in list(shown["部分编号"])
    target = f"{row['period']}|{row['version']}|{row['part']}"
    at.selectbox(key="redact_target").set_value(target)
    at.text_input(key="redact_reason").input("泄露个人信息")
    at.text_input(key="redact_supervisor").input("jiandu")
    at.text_input(key="redact_password").input("not-the-password")
    submit = next(b for b in at.button if b.label == "依法隐去")
    submit.click().run()
    assert not at.exception and "操作未完成" in " ".join(e.value for e in at.error)
    assert _actions(engine) == [("redact_refused", ADMIN[0])]
    assert any(r["part"] == row["part"] for r in list_parts(engine, village_code="DEMO", period=DEMO_END, find=needle))

    at.text_input(key="redact_password").input(DEMO_PASSWORD)
    next(b for b in at.button if b.label == "依法隐去").click().run()
    assert not at.exception and "已依法隐去" in " ".join(s.value for s in at.success)
    assert _actions(engine) == [("redact_refused", ADMIN[0]), ("redact", ADMIN[0])]
    left = list_parts(engine, village_code="DEMO", period=DEMO_END, version=row["version"], find=needle)
    assert row["part"] not in [r["part"] for r in left]


def test_the_page_is_for_the_admin_only(staff_app):
    at = staff_app(Role.supervisor)
    with pytest.raises(ValueError):  # not in the supervisor's menu at all
        at.switch_page("pages/staff/redaction.py")
