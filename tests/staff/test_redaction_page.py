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


def _log(engine) -> str:
    with unit_of_work(engine) as session:
        return " ".join(r.username + r.after_json for r in session.exec(select(AuditLog)).all())


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
    at.text_input(key="redact_reason").input("泄露个人信息")
    at.text_input(key="redact_supervisor").input("jiandu")
    at.text_input(key="redact_password").input(DEMO_PASSWORD)
    # Nothing is preselected: a submit without a choice withdraws nothing.
    assert at.selectbox(key="redact_target").value is None
    next(b for b in at.button if b.label == "依法隐去").click().run()
    assert not at.exception and "请先选择要隐去的内容" in " ".join(e.value for e in at.error)
    assert _actions(engine) == []
    at.selectbox(key="redact_target").set_value(target)
    # A password typed into the name box is not copied into the audit log.
    at.text_input(key="redact_supervisor").input("s3cret-pass")
    next(b for b in at.button if b.label == "依法隐去").click().run()
    assert not at.exception and "操作未完成" in " ".join(e.value for e in at.error)
    assert _actions(engine) == [("redact_refused", ADMIN[0])] and "s3cret-pass" not in _log(engine)
    at.text_input(key="redact_supervisor").input("jiandu")
    at.text_input(key="redact_password").input("not-the-password")
    submit = next(b for b in at.button if b.label == "依法隐去")
    submit.click().run()
    assert not at.exception and "操作未完成" in " ".join(e.value for e in at.error)
    assert _actions(engine) == [("redact_refused", ADMIN[0])] * 2
    assert any(r["part"] == row["part"] for r in list_parts(engine, village_code="DEMO", period=DEMO_END, find=needle))

    at.text_input(key="redact_password").input(DEMO_PASSWORD)
    next(b for b in at.button if b.label == "依法隐去").click().run()
    notice = " ".join(s.value for s in at.success).replace("\\", "")  # shown as escaped markdown
    assert not at.exception and f"{row['period']} 第{row['version']}版 {row['part']}" in notice
    assert "python -m board export html --village DEMO" in notice  # no site on this machine: the command
    assert _actions(engine) == [("redact_refused", ADMIN[0])] * 2 + [("redact", ADMIN[0])]
    left = list_parts(engine, village_code="DEMO", period=DEMO_END, version=row["version"], find=needle)
    assert row["part"] not in [r["part"] for r in left]


def test_the_page_is_for_the_admin_only(staff_app):
    at = staff_app(Role.supervisor)
    with pytest.raises(ValueError):  # not in the supervisor's menu at all
        at.switch_page("pages/staff/redaction.py")
