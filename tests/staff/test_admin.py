"""Admin screens: each action through services/admin.py, audited, and refused to everyone else."""

import pytest
from sqlmodel import select

from board.auth import authenticate
from board.errors import BoardError, PermissionDenied
from infra.db import get_engine, unit_of_work
from models import AuditLog, Grid, Role, Township, User
from services import admin
from services.users import set_own_password
from tests.staff.conftest import ADMIN


def _audit(engine) -> list[str]:
    with unit_of_work(engine) as session:
        return [a.action for a in session.exec(select(AuditLog).where(AuditLog.action.like("admin:%")))]


def test_admin_adds_a_clerk_resets_and_deactivates(staff_app, demo_url):
    engine = get_engine(demo_url)
    at = staff_app(Role.admin, "admin_users")
    at.text_input(key="new_login").input("xiaowang")
    at.text_input(key="new_name").input("文书 王小明")
    at.text_input(key="new_password").input("first-pass-1")
    at.selectbox(key="new_role").set_value("clerk")
    at.multiselect(key="new_villages").set_value(["DEMO"])
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and "已新增用户 xiaowang" in " ".join(s.value for s in at.success)

    with unit_of_work(engine) as session:  # the admin chose it: temporary
        assert session.exec(select(User).where(User.username == "xiaowang")).one().password_temporary
    set_own_password(engine, "xiaowang", password="own-pass-1", repeat="own-pass-1")
    admin.reset_password(engine, ADMIN[0], login="xiaowang", password="second-pass-2")
    with unit_of_work(engine) as session:
        user = authenticate(session, username="xiaowang", password="second-pass-2")
        assert user is not None and user.password_temporary
    admin.set_active(engine, ADMIN[0], login="xiaowang", active=False)
    with unit_of_work(engine) as session:
        assert session.exec(select(User).where(User.username == "xiaowang")).one().active is False
    with pytest.raises(BoardError, match="不能停用自己"):
        admin.set_active(engine, ADMIN[0], login=ADMIN[0], active=False)
    assert _audit(engine) == ["admin:add_user", "admin:reset_password", "admin:deactivate"]


def test_villages_grids_and_deadline(staff_app, demo_url):
    engine = get_engine(demo_url)
    staff_app(Role.admin)
    admin.new_township(engine, ADMIN[0], code="T9", name="东风镇")
    admin.new_village(engine, ADMIN[0], code="DF01", name="东风村", township_code="T9")
    admin.new_grid(engine, ADMIN[0], village_code="DF01", name="第一网格", channel="robot", key_ref="WECOM_ROBOT_DF1")
    with pytest.raises(BoardError, match="不要填密钥本身"):
        admin.new_grid(engine, ADMIN[0], village_code="DF01", name="第二网格", channel="robot", key_ref="abc-123")
    admin.set_deadline(engine, ADMIN[0], township_code="T9", day=15)
    assert admin.deadline_day(engine, "T9", 10) == 15 and admin.deadline_day(engine, "DEMO-T", 10) == 10
    with unit_of_work(engine) as session:
        assert session.exec(select(Township).where(Township.code == "T9")).one().deadline_day == 15
        assert session.exec(select(Grid).where(Grid.name == "第一网格")).one().key_ref == "WECOM_ROBOT_DF1"
    grids = admin.overview(engine, ADMIN[0])["grids"]
    assert "WECOM_ROBOT_DF1" not in str(grids)  # keys are named by reference and never shown
    assert _audit(engine) == ["admin:add_township", "admin:add_village", "admin:add_grid", "admin:deadline"]


@pytest.mark.parametrize("who", ["wenshu", "zhen", "jiandu"])
def test_only_the_admin_may(staff_app, demo_url, who):
    engine = get_engine(demo_url)
    staff_app(Role.admin)
    with pytest.raises(PermissionDenied):
        admin.reset_password(engine, who, login="wenshu", password="hacked-pass-1")
    with pytest.raises(PermissionDenied):
        admin.set_deadline(engine, who, township_code="DEMO-T", day=1)


def test_admin_pages_refuse_other_roles(staff_app):
    at = staff_app(Role.clerk)
    with pytest.raises(ValueError):  # not in the clerk's menu at all
        at.switch_page("pages/staff/admin_users.py")
