"""Who performs a workflow action from the shell: ``--by USER`` with that user's password, or ``--as-admin``.

The password comes from ``SANWU_PASSWORD`` or standard input (without echo on a terminal). A
missing or wrong one is refused and the refusal is written to the audit log in its own unit of
work, so it stays there although the action itself saves nothing. ``--as-admin`` is the
operator on the server, who can open the database anyway; the audit log names them as such. The
operator never stands in for the 村务监督委员会: its review is the one check residents rely on
that the people who enter a month are not the only ones who saw it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from board.auth import authenticate, get_user, operator_user
from board.errors import PermissionDenied
from cli.common import read_secret
from cli.zh import PROG, TEXT, ZhOption
from infra.db import unit_of_work
from models import User
from services.audit import record_refusal

PASSWORD_ENV = "SANWU_PASSWORD"
OPERATOR = "服务器管理员（--as-admin）"
REFUSED = "cli_refused"


@dataclass(frozen=True)
class Actor:
    username: str
    as_admin: bool = False

    def user(self, session: Session) -> User:
        """The acting user inside the command's unit of work (never added to it)."""
        if self.as_admin:
            return operator_user(OPERATOR)
        return get_user(session, self.username)


def actor_options(by_help: str, *, committee: bool = False):
    """``--by 用户名`` and ``--as-admin`` (see ``require_one``); ``committee``: a step ``--as-admin`` may not take."""
    operator_help = (
        "不适用：这是村务监督委员会的步骤，须由监督委员会成员用 --by 操作"
        if committee
        else f"服务器上的管理员直接操作，不用 --by（审计日志记为“{OPERATOR}”；监督委员会的审核除外）"
    )

    def decorate(function):
        function = click.option("--as-admin", "as_admin", cls=ZhOption, is_flag=True, help=operator_help)(function)
        text = f"{by_help}；需要该用户的密码（从标准输入读取，或环境变量 {PASSWORD_ENV}）"
        return click.option("--by", "by", cls=ZhOption, type=TEXT, metavar="用户名", help=text)(function)

    return decorate


def refuse_both(by: str | None, as_admin: bool) -> None:
    if by and as_admin:
        raise click.UsageError("--by 和 --as-admin 只能给一个", click.get_current_context())


def require_one(by: str | None, as_admin: bool) -> None:
    """Refuse ``--by`` with ``--as-admin``, and neither of them, as a usage error."""
    refuse_both(by, as_admin)
    if not by and not as_admin:
        raise click.UsageError("缺少参数 --by（或 --as-admin）", click.get_current_context())


def _command_name() -> str:
    return click.get_current_context().command_path.removeprefix(PROG).strip()


def authenticate_actor(engine: Engine, by: str | None, as_admin: bool, *, committee_step: str = "") -> Actor:
    """Check ``--by``'s password (or accept ``--as-admin``); a refusal is audited and raised.

    ``committee_step``: the label of a step that is the 村务监督委员会's alone, refused to ``--as-admin``.
    """
    if as_admin and committee_step:
        reason = f"“{committee_step}”是村务监督委员会的职责，服务器管理员不能用 --as-admin 代替"
        _audit_refusal(engine, OPERATOR, reason)
        raise PermissionDenied(f"{reason}：须由监督委员会成员用 --by 用户名 操作（需要其密码）", field="身份验证")
    if as_admin:
        return Actor(OPERATOR, as_admin=True)
    username = (by or "").strip()
    password = os.environ.get(PASSWORD_ENV) or read_secret(f"{username} 的密码：")
    with unit_of_work(engine) as session:
        try:
            user = authenticate(session, username=username, password=password) if password else None
            reason = "没有输入密码" if not password else "用户名或密码错误，或账号已停用"
        except PermissionDenied as throttled:
            user, reason = None, throttled.problems[0].message
        if user is not None:
            session.commit()  # the login record: later throttling knows this pair
            return Actor(user.username)
        session.commit()  # the failure counts for the throttle
    _audit_refusal(engine, username[:50], reason)
    hint = f"请从标准输入输入密码，或设置环境变量 {PASSWORD_ENV}" if not password else "请检查后重试"
    raise PermissionDenied(f"{reason}：以“{username}”的身份操作被拒绝，{hint}", field="身份验证")


def _audit_refusal(engine: Engine, username: str, reason: str) -> None:
    record_refusal(
        engine,
        username=username,
        action=REFUSED,
        entity="cli",
        after={"命令": _command_name(), "原因": reason},
        operator=username == OPERATOR,
    )
