"""The 政策问答 staff page: a grid worker drafts from pasted text, the township approves and pushes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from board.errors import BoardError
from board.villages import get_village
from exports.wechat.grids import add_grid
from infra.db import get_engine, unit_of_work
from models import Role
from pages.shared.session import USER_KEY, StaffUser
from tests.helpers import ROOT
from tests.policy.documents import MEDICAL
from tests.policy.test_board_page import publish_demo_explainers

PAGE = str(ROOT / "pages" / "staff" / "policy.py")


def page(user: tuple[str, str, Role]) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[USER_KEY] = StaffUser(*user)
    return at.run()


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def test_draft_check_approve_and_push_through_the_page(demo_url, wecom_env, fake, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    with unit_of_work(get_engine(demo_url)) as session:
        add_grid(
            session, village=get_village(session, "DEMO"), name="一网格", channel="robot", key_ref="GRID_ROBOT_KEY"
        )
        session.commit()

    worker = page(("wangge", "网格员 赵小燕", Role.grid))
    assert not worker.exception
    worker.text_area(key="policy-paste").input("\n".join(MEDICAL)).run()
    by_label(worker.button, "自动起草").click().run()
    assert not worker.exception
    assert worker.text_input(key="new-doc").value == "青政发〔2026〕12号"
    assert "参保对象" in worker.text_area(key="new-q_who").value
    score = int(worker.metric[0].value.split()[0])
    assert score < 85 and worker.dataframe  # the pasted sentences are still officialese
    worker.text_input(key="new-title").input("明年的居民医保，现在开始交钱了").run()
    worker.text_area(key="new-one_sentence").input("明年看病想报销，今年12月31日前每人交400元。").run()
    worker.text_area(key="new-ask").input("镇便民服务中心医保窗口，电话 0523-8888 1234。").run()
    by_label(worker.button, "保存草稿").click().run()
    assert not worker.exception
    assert any("已保存草稿" in s.value for s in worker.success)

    township = page(("zhen", "镇经管站 陈敏", Role.township))
    by_label(township.button, "审核通过并公开").click().run()
    assert not township.exception
    assert any("第 1 期｜明年的居民医保" in s.value for s in township.success)
    copy = township.code[0].value
    assert copy.startswith("【政策问答 第 1 期】明年的居民医保") and "#policy-1" in copy
    assert "下载大字 A4 张贴版" in [b.label for b in township.get("download_button")]
    by_label(township.button, "推送到网格群（每个群只发一次）").click().run()
    assert not township.exception
    assert len(fake.delivered("webhook/send")) == 1

    worker.run()
    by_label(worker.button, "推送到网格群（每个群只发一次）").click().run()
    assert len(fake.delivered("webhook/send")) == 1
    assert "已发送" in list(worker.dataframe[-1].value["状态"])


def test_the_author_cannot_approve_and_a_supervisor_cannot_write(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    worker = page(("wangge", "网格员 赵小燕", Role.grid))
    worker.text_area(key="policy-paste").input("\n".join(MEDICAL)).run()
    by_label(worker.button, "自动起草").click().run()
    by_label(worker.button, "保存草稿").click().run()
    worker.run()
    assert "审核通过并公开" not in [b.label for b in worker.button]
    assert any("不能审核自己写的" in c.value for c in worker.caption)
    supervisor = page(("jiandu", "监委会主任 王建国", Role.supervisor))
    assert not supervisor.exception
    assert "自动起草" not in [b.label for b in supervisor.button]
    assert "审核通过并公开" in [b.label for b in supervisor.button]  # a one-village explainer


def test_the_share_page_gives_the_copy_block_of_open_explainers(demo_url, monkeypatch, wecom_env):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    publish_demo_explainers(demo_url)
    at = AppTest.from_file(str(ROOT / "pages" / "staff" / "share.py"), default_timeout=60)
    at.session_state[USER_KEY] = StaffUser("wangge", "网格员", Role.grid)
    at.run()
    assert not at.exception
    copies = [c.value for c in at.code if c.value.startswith("【政策问答")]
    assert len(copies) == 1  # the expired one is not offered for forwarding
    assert copies[0].startswith("【政策问答 第 1 期】明年的居民医保")
    assert "https://sanwu.example.cn/DEMO/policy/#policy-" in copies[0]


def test_the_reviewer_reads_the_stored_draft_and_a_newer_save_refuses_approval(demo_url, monkeypatch):
    from board.auth import get_user
    from board.policy import create_explainer, get_explainer, update_explainer
    from tests.policy.conftest import markdown_fields

    monkeypatch.setenv("DATABASE_URL", demo_url)
    fields = {**markdown_fields(), "title": "**粗体**[点我](javascript:alert(2))"}
    with unit_of_work(get_engine(demo_url)) as session:
        explainer = create_explainer(
            session, user=get_user(session, "wangge"), fields=fields, village_codes=("DEMO",)
        ).id
        session.commit()
    township = page(("zhen", "镇经管站 陈敏", Role.township))
    assert not township.exception
    assert "我要修改这一稿（修改后须由另一位同事审核）" in [e.label for e in township.expander]
    shown = [m.value for m in township.markdown]
    assert any("每人每年400元" in v or "400" in v for v in shown)
    assert not any("**粗体**" in v or "](javascript" in v for v in shown)

    with unit_of_work(get_engine(demo_url)) as session:
        row = get_explainer(session, explainer)
        update_explainer(
            session,
            explainer,
            user=get_user(session, "wangge"),
            fields={**fields, "q_get": "每人每月 5000 元。"},
            row_version=row.row_version,
        )
        session.commit()
    by_label(township.button, "审核通过并公开").click().run()
    assert not township.exception
    assert any("操作未完成" in e.value for e in township.error)
    assert any("不是最新稿" in str(d.value) for d in township.dataframe)
    with unit_of_work(get_engine(demo_url)) as session:
        assert get_explainer(session, explainer).status.value == "draft"
    by_label(township.button, "审核通过并公开").click().run()  # now the shown draft is the stored one
    assert not township.exception
    assert any(r"\*\*粗体\*\*\[点我\]" in s.value for s in township.success)  # markdown stays plain text
    with unit_of_work(get_engine(demo_url)) as session:
        assert get_explainer(session, explainer).status.value == "approved"


def test_a_long_one_sentence_from_before_the_cap_never_breaks_the_tab(demo_url, monkeypatch):
    from sqlalchemy import text

    from board.auth import get_user
    from board.policy import approve_explainer, create_explainer
    from tests.policy.conftest import markdown_fields

    monkeypatch.setenv("DATABASE_URL", demo_url)
    engine = get_engine(demo_url)
    with unit_of_work(engine) as session:
        explainer = create_explainer(
            session, user=get_user(session, "wangge"), fields=markdown_fields(), village_codes=("DEMO",)
        ).id
        session.commit()
    with engine.begin() as connection:  # a draft saved before 一句话说清楚 had its 80-character cap
        connection.execute(
            text("UPDATE policyexplainer SET one_sentence = :long WHERE id = :id"),
            {"long": "今年12月31日前到村里交钱，每人400元。" * 40, "id": explainer},
        )
    with unit_of_work(engine) as session, pytest.raises(BoardError, match="最多 80 个字"):
        approve_explainer(session, explainer, user=get_user(session, "zhen"), row_version=None)
    township = page(("zhen", "镇经管站 陈敏", Role.township))
    assert not township.exception
    by_label(township.button, "审核通过并公开").click().run()
    assert not township.exception and any("最多 80 个字" in str(d.value) for d in township.dataframe)
