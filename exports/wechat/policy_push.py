"""Push an approved 政策问答 to the grids of the villages it concerns, through the outbox.

One message per destination and explainer version: the idempotency key names the
explainer, its version, the destination and the part, so pushing twice (or from two
processes) sends once.  Text channels get the explainer in chat-sized parts with the
link; a customer group gets a task; a manual grid gets the copy block to forward.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from board.errors import BoardError
from board.links import policy_url
from board.policy import explainer_villages, published_explainer, today_shanghai
from exports.wechat.channels import DEFAULT_TIMEOUT
from exports.wechat.outbox import enqueue, message_rows, new_row, send_due, target_ref
from exports.wechat.push import PushReport
from infra.db import unit_of_work
from infra.settings import Settings
from models import Channel, Grid, MessageKind, Village
from views.policy_view import deadline_label, explainer_parts, explainer_text, heading, is_expired


def policy_key(channel: str, ref: str, explainer_id: int, version: int, kind: str, part_no: int) -> str:
    raw = "|".join(["policy", channel, ref, str(explainer_id), str(version), kind, str(part_no)])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def plan_policy_messages(grid: Grid, content: dict, *, village_code: str, base_url: str, now: datetime) -> list[dict]:
    """The outbox rows of one grid's push of one explainer version (not yet stored)."""
    link = policy_url(base_url, village_code, content["id"])
    today = today_shanghai(now)
    if grid.channel == Channel.manual:
        items = [(MessageKind.share, "")]
    elif grid.channel == Channel.customer_group:
        task = {"text": explainer_text(content, link=link, today=today), "title": heading(content), "url": link}
        items = [(MessageKind.task, json.dumps(task, ensure_ascii=False))]
    else:
        items = [(MessageKind.text, part) for part in explainer_parts(content, link=link, today=today)]
    ref = target_ref(grid)
    return [
        new_row(
            grid,
            key=policy_key(grid.channel, ref, content["id"], content["version"], kind, n),
            village_id=grid.village_id,
            period="",
            version=content["version"],
            explainer_id=content["id"],
            kind=kind,
            part_no=n,
            part_total=len(items),
            payload=payload,
            now=now,
        )
        for n, (kind, payload) in enumerate(items, start=1)
    ]


def explainer_grids(engine: Engine, explainer_id: int, grid_name: str | None = None) -> list[tuple[Grid, Village]]:
    """Active grids of the villages the explainer concerns (only those named ``grid_name``)."""
    with unit_of_work(engine) as session:
        villages = {v.id: v for v in explainer_villages(session, explainer_id)}
        query = select(Grid).where(col(Grid.village_id).in_(villages or {-1}), Grid.active == True)  # noqa: E712
        if grid_name:
            query = query.where(Grid.name == grid_name)
        grids = list(session.exec(query.order_by(col(Grid.village_id), col(Grid.name))))
    if grid_name and not grids:
        raise BoardError(f"这期政策问答涉及的村/社区没有名为“{grid_name}”的网格", field="网格")
    if not grids:
        raise BoardError("这期政策问答涉及的村/社区还没有登记网格，请先用 grid add 登记", field="网格")
    return [(g, villages[g.village_id]) for g in grids]


def push_explainer(
    engine: Engine,
    explainer_id: int,
    *,
    grid_name: str | None = None,
    now: datetime,
    settings: Settings,
    timeout=DEFAULT_TIMEOUT,
    force: bool = False,
) -> PushReport:
    """Enqueue the explainer's newest approved version for its grids and send what is due.

    A grid's parts are planned once per version: ``enqueue`` keeps the stored parts when a
    re-plan differs (截止 turns into 已截止), so no orphan part is sent.  An explainer past its
    deadline is pushed only when ``force`` says so.
    """
    with unit_of_work(engine) as session:
        content = published_explainer(session, explainer_id)
    if not force and is_expired(content, today_shanghai(now)):
        raise BoardError(
            f"这期政策问答{deadline_label(content, today_shanghai(now))}，不再推送到群里"
            "（确实要发，请在命令后加 --force）",
            field="截止日期",
        )
    rows: list[dict] = []
    for grid, village in explainer_grids(engine, explainer_id, grid_name):
        rows += plan_policy_messages(
            grid, content, village_code=village.code, base_url=settings.public_base_url, now=now
        )
    ids = enqueue(engine, rows)
    send_due(engine, now=now, settings=settings, timeout=timeout, only_ids=ids)
    return PushReport(message_rows(engine, ids=ids))
