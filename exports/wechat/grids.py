"""Grid registry: each 网格 of a village, its worker and how its digest is delivered.

Only the *name* of the environment variable / secrets entry holding a robot key or app
secret is stored (``key_ref``); the credential itself is read at send time.
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from board.errors import BoardError, Problem
from board.privacy import text_problems
from models import Channel, Grid, Village, row_id

CHANNELS = {
    Channel.manual: "手动转发",
    Channel.robot: "企业微信群机器人",
    Channel.appchat: "企业微信应用群聊",
    Channel.customer_group: "企业微信客户群群发",
}
# Upper-case names like WECOM_ROBOT_GRID1; real keys and secrets contain lower-case letters or dashes.
_KEY_REF = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


def add_grid(
    session: Session,
    *,
    village: Village,
    name: str,
    channel: str,
    key_ref: str = "",
    chat_id: str = "",
    sender: str = "",
    worker: str = "",
) -> Grid:
    name, key_ref, chat_id, sender = (
        (name or "").strip(),
        (key_ref or "").strip(),
        (chat_id or "").strip(),
        (sender or "").strip(),
    )
    problems: list[Problem] = []
    if not name or len(name) > 50:
        problems.append(Problem(0, "网格名称", "不能为空，最多 50 个字"))
    elif session.exec(select(Grid).where(Grid.village_id == village.id, Grid.name == name)).first():
        problems.append(Problem(0, "网格名称", f"{village.name}已有名为“{name}”的网格"))
    # Grid and worker names appear in the digest and on the share page.
    problems += [Problem(0, "网格名称", p) for p in text_problems(name)]
    problems += [Problem(0, "网格员", p) for p in text_problems(worker or "")]
    if channel not in CHANNELS:
        problems.append(Problem(0, "发送方式", "只能是 manual、robot、appchat 或 customer_group"))
    if channel in CHANNELS and channel != Channel.manual:
        if not key_ref:
            problems.append(Problem(0, "密钥名称", "请用 --key-ref 给出保存密钥的环境变量名"))
        elif not _KEY_REF.match(key_ref):
            problems.append(
                Problem(0, "密钥名称", "要填环境变量名（大写字母、数字、下划线，如 WECOM_ROBOT_GRID1），不要填密钥本身")
            )
    if channel == Channel.appchat and not chat_id:
        problems.append(Problem(0, "群聊 ID", "应用群聊需要 --chat-id"))
    if channel == Channel.customer_group and not sender:
        problems.append(Problem(0, "发送人", "客户群群发需要 --sender（网格员的企业微信账号）"))
    if len(chat_id) > 100 or len(sender) > 100:
        problems.append(Problem(0, "群聊 ID", "群聊 ID 和发送人最多 100 个字符"))
    if problems:
        raise BoardError(problems)
    grid = Grid(
        village_id=row_id(village),
        name=name,
        channel=Channel(channel),
        key_ref=key_ref,
        chat_id=chat_id,
        sender=sender,
        worker=(worker or "").strip()[:50],
    )
    session.add(grid)
    session.flush()
    return grid


def village_grids(session: Session, village: Village, name: str | None = None) -> list[Grid]:
    """Active grids of a village (only ``name`` if given; an unknown name is an error)."""
    query = select(Grid).where(Grid.village_id == village.id, Grid.active == True)  # noqa: E712
    if name:
        query = query.where(Grid.name == name)
    grids = list(session.exec(query.order_by(Grid.name)))
    if name and not grids:
        raise BoardError(f"{village.name}没有名为“{name}”的网格", field="网格")
    return grids
