"""``--by USER`` needs that user's password; ``--as-admin`` is named as such and never the committee; jobs need no user."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlmodel import select

from board.villages import get_village
from cli.actor import OPERATOR, PASSWORD_ENV, REFUSED
from cli.main import root
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from models import AuditLog, Period
from services.audit import UNKNOWN_USER
from tests.helpers import DEMO_END, run_cli

STEP = ("period", "{step}", "--village", "DEMO", "--period", DEMO_END)


def cli(demo_url: str, step: str, *args: str, stdin: str = "", env: dict | None = None):
    argv = ["--db", demo_url, *(part.format(step=step) for part in STEP), *args]
    return CliRunner().invoke(root, argv, input=stdin, env={PASSWORD_ENV: None, **(env or {})})


def status(demo_url: str) -> str:
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        return (
            session.exec(select(Period).where(Period.village_id == village.id, Period.period == DEMO_END)).one().status
        )


def audit(demo_url: str) -> list[tuple[str, str, dict]]:
    with unit_of_work(get_engine(demo_url)) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id.desc()).limit(10)).all()
        return [(r.username, r.action, json.loads(r.after_json or "{}")) for r in rows]


def test_a_wrong_or_missing_password_is_refused_and_audited(demo_url):
    for stdin, env, reason in (
        ("", None, "没有输入密码"),
        ("not-the-password\n", None, "用户名或密码错误"),
        ("", {PASSWORD_ENV: "not-the-password"}, "用户名或密码错误"),
        (f"{DEMO_PASSWORD}\n", None, "用户名或密码错误"),  # the right password for a user that does not exist
    ):
        username = "nobody" if stdin.startswith(DEMO_PASSWORD) else "wenshu"
        result = cli(demo_url, "amend", "--by", username, "--comment", "改错", stdin=stdin, env=env)
        assert result.exit_code == 2, result.output
        assert reason in result.stderr and "被拒绝" in result.stderr and "Traceback" not in result.output
        assert "not-the-password" not in result.output
        latest = audit(demo_url)[0]
        # A name that is no account may be a password typed in the wrong place: it is not logged.
        logged = username if username == "wenshu" else UNKNOWN_USER
        assert latest == (logged, REFUSED, {"命令": "period amend", "原因": latest[2]["原因"]})
        assert reason in latest[2]["原因"]
    assert status(demo_url) == "published"  # nothing was done


def test_the_right_password_from_the_environment_or_stdin_and_as_admin(demo_url):
    amended = cli(demo_url, "amend", "--by", "wenshu", "--comment", "更正", env={PASSWORD_ENV: DEMO_PASSWORD})
    assert amended.exit_code == 0, amended.output
    assert status(demo_url) == "draft" and audit(demo_url)[0][:2] == ("wenshu", "amend")

    submitted = cli(demo_url, "submit", "--as-admin")
    assert submitted.exit_code == 0, submitted.output
    assert audit(demo_url)[0][:2] == (OPERATOR, "submit")

    # A real shell: the password is one line of standard input.
    approved = run_cli(*STEP[:1], "approve", *STEP[2:], "--by", "jiandu", db=demo_url, stdin=f"{DEMO_PASSWORD}\n")
    assert approved.returncode == 0, approved.stderr
    assert DEMO_PASSWORD not in approved.stdout + approved.stderr
    assert audit(demo_url)[0][:2] == ("jiandu", "approve")

    published = cli(demo_url, "publish", "--as-admin")
    assert published.exit_code == 0, published.output
    shown = CliRunner().invoke(root, ["--db", demo_url, "period", "show", "--village", "DEMO", "--period", DEMO_END])
    assert "第2版" in shown.stdout
    assert [row[:2] for row in audit(demo_url)[:1]] == [(OPERATOR, "publish")]


def test_the_operator_cannot_take_the_committees_steps(demo_url):
    assert cli(demo_url, "amend", "--as-admin", "--comment", "更正").exit_code == 0
    assert cli(demo_url, "submit", "--as-admin").exit_code == 0
    for step, label in (("approve", "审核通过"), ("reject", "退回修改")):
        refused = cli(demo_url, step, "--as-admin", "--comment", "自己审自己")
        assert refused.exit_code == 2, refused.output
        assert f"“{label}”是村务监督委员会的职责" in refused.stderr and "--by" in refused.stderr
        assert audit(demo_url)[0][:2] == (OPERATOR, REFUSED)
        assert status(demo_url) == "submitted"  # nothing was done
    assert "--as-admin" in cli(demo_url, "approve", "--help").output
    assert "监督委员会成员用 --by" in cli(demo_url, "approve", "--help").output
    # The committee's member approves with a password; only then may the operator publish.
    approved = cli(demo_url, "approve", "--by", "jiandu", env={PASSWORD_ENV: DEMO_PASSWORD})
    assert approved.exit_code == 0, approved.output
    assert cli(demo_url, "publish", "--as-admin").exit_code == 0
    assert status(demo_url) == "published"


def test_scheduled_jobs_need_no_user(demo_url):
    for args in (["push", "--due"], ["remind", "requests"]):
        result = CliRunner().invoke(root, ["--db", demo_url, *args], input="", env={PASSWORD_ENV: None})
        assert result.exit_code == 0, result.output
        assert "密码" not in result.output
    assert all(action != REFUSED for _, action, _ in audit(demo_url))


def test_a_password_an_admin_reset_cannot_take_the_committees_step(demo_url):
    from services.admin import reset_password
    from services.users import set_own_password

    reset_password(get_engine(demo_url), "admin", login="jiandu", password="admin-chose-1")
    env = {PASSWORD_ENV: "admin-chose-1"}
    for step in ("approve", "reject"):
        result = cli(demo_url, step, "--by", "jiandu", "--comment", "意见", env=env)
        assert result.exit_code == 2, result.output
        assert "密码由管理员重置后尚未由本人修改，不能进行" in result.stderr and "Traceback" not in result.output
    set_own_password(get_engine(demo_url), "jiandu", password="jiandu-own-1", repeat="jiandu-own-1")
    result = cli(demo_url, "approve", "--by", "jiandu", env={PASSWORD_ENV: "jiandu-own-1"})
    assert result.exit_code == 2 and "只有“待审核”状态才能进行此操作" in result.stderr  # on to the month's own rules
