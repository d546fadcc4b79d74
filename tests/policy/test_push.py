"""政策问答 to the grids through the outbox and the fake WeCom server: once per grid, in parts, with the link."""

from __future__ import annotations

import pytest

from board.auth import get_user
from board.errors import BoardError
from board.policy import amend_explainer
from board.villages import get_village
from exports.wechat.grids import add_grid
from exports.wechat.outbox import message_rows
from exports.wechat.policy_push import push_explainer
from infra.db import unit_of_work
from tests.policy.conftest import approve, markdown_fields, write
from tests.wechat.conftest import FAST, NOW


@pytest.fixture
def grids(engine, world):
    with unit_of_work(engine) as session:
        c1, c2 = get_village(session, "C1"), get_village(session, "C2")
        add_grid(session, village=c1, name="一网格", channel="robot", key_ref="GRID_ROBOT_KEY")
        add_grid(session, village=c1, name="二网格", channel="manual")
        add_grid(session, village=c2, name="三网格", channel="robot", key_ref="GRID_OTHER_ROBOT_KEY")
        session.commit()


def texts(fake) -> list[str]:
    return [e["body"]["text"]["content"] for e in fake.delivered("webhook/send")]


def test_a_township_explainer_reaches_every_grid_exactly_once(engine, world, grids, fake, settings):
    explainer = write(engine, world["zhen"], township="T1")
    approve(engine, explainer, world["zhen2"])
    report = push_explainer(engine, explainer, now=NOW, settings=settings, timeout=FAST)
    assert {(r["grid"], r["status"]) for r in report.rows} == {
        ("一网格", "sent"),
        ("二网格", "manual_pending"),
        ("三网格", "sent"),
    }
    sent = texts(fake)
    assert len(sent) == 2
    assert all(t.startswith("【政策问答 第 1 期】明年的居民医保") for t in sent)
    assert "详情：https://sanwu.example.cn/C1/policy/#policy-" in sent[0] + sent[1]
    assert "详情：https://sanwu.example.cn/C2/policy/#policy-" in sent[0] + sent[1]

    again = push_explainer(engine, explainer, now=NOW, settings=settings, timeout=FAST)
    assert len(texts(fake)) == 2 and {r["id"] for r in again.rows} == {r["id"] for r in report.rows}
    assert all(r["explainer_id"] == explainer and r["period"] == "" for r in message_rows(engine))


def test_a_village_explainer_goes_to_that_village_and_a_chosen_grid(engine, world, grids, fake, settings):
    explainer = write(engine, world["worker"], villages=("C1",))
    approve(engine, explainer, world["zhen"])
    with pytest.raises(BoardError, match="没有名为“三网格”的网格"):
        push_explainer(engine, explainer, grid_name="三网格", now=NOW, settings=settings, timeout=FAST)
    report = push_explainer(engine, explainer, grid_name="一网格", now=NOW, settings=settings, timeout=FAST)
    assert [r["grid"] for r in report.rows] == ["一网格"] and len(texts(fake)) == 1


def test_long_explainers_are_split_and_corrections_are_pushed_once_more(engine, world, grids, fake, settings):
    fields = {**markdown_fields(), "q_where": "到村便民服务中心窗口交钱，窗口工作人员会帮您在电脑上办好。\n" * 40}
    explainer = write(engine, world["worker"], villages=("C1",), fields=fields)
    with pytest.raises(BoardError, match="还没有审核公开"):
        push_explainer(engine, explainer, now=NOW, settings=settings, timeout=FAST)
    approve(engine, explainer, world["zhen"])
    push_explainer(engine, explainer, grid_name="一网格", now=NOW, settings=settings, timeout=FAST)
    parts = texts(fake)
    assert len(parts) >= 2 and parts[0].startswith(f"(1/{len(parts)})")
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)

    with unit_of_work(engine) as session:
        amend_explainer(session, explainer, user=get_user(session, world["worker"]), note="办理地点改了")
        session.commit()
    approve(engine, explainer, world["zhen"])
    push_explainer(engine, explainer, grid_name="一网格", now=NOW, settings=settings, timeout=FAST)
    push_explainer(engine, explainer, grid_name="一网格", now=NOW, settings=settings, timeout=FAST)
    corrected = texts(fake)[len(parts) :]
    assert corrected and "更正：办理地点改了" in corrected[0]
    assert len(corrected) == len(parts)


def test_grids_must_exist(engine, world, fake, settings):
    explainer = write(engine, world["worker"], villages=("C1",))
    approve(engine, explainer, world["zhen"])
    with pytest.raises(BoardError, match="还没有登记网格"):
        push_explainer(engine, explainer, now=NOW, settings=settings, timeout=FAST)


def test_an_expired_explainer_is_pushed_only_when_forced_and_never_gains_an_orphan_part(
    engine, world, grids, fake, settings
):
    from datetime import date, timedelta

    fields = {
        **markdown_fields(),
        "deadline_on": date(2026, 12, 31),
        "q_where": "到村便民服务中心窗口交钱，窗口工作人员会帮您在电脑上办好。\n" * 40,
    }
    explainer = write(engine, world["worker"], villages=("C1",), fields=fields)
    approve(engine, explainer, world["zhen"])
    first = push_explainer(engine, explainer, grid_name="一网格", now=NOW, settings=settings, timeout=FAST)
    sent = len(texts(fake))
    later = NOW + timedelta(days=90)
    with pytest.raises(BoardError, match="已截止.*--force"):
        push_explainer(engine, explainer, grid_name="一网格", now=later, settings=settings, timeout=FAST)
    again = push_explainer(
        engine, explainer, grid_name="一网格", now=later, settings=settings, timeout=FAST, force=True
    )
    assert len(texts(fake)) == sent
    assert [r["id"] for r in again.rows] == [r["id"] for r in first.rows]
    assert {r["part_total"] for r in again.rows} == {len(first.rows)}
