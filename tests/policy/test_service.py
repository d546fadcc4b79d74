"""Writing, approving, correcting and reading 政策问答, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from board.auth import get_user
from board.errors import BoardError, ConflictError, PermissionDenied
from board.policy import (
    amend_explainer,
    approve_explainer,
    get_explainer,
    list_explainers,
    public_explainers,
    update_explainer,
)
from board.snapshot import canonical_json, snapshot_hash
from board.villages import get_village
from infra.db import unit_of_work
from models import AuditLog, PolicyExplainerVersion
from tests.policy.conftest import approve, markdown_fields, write
from views.policy_view import deadline_label, explainer_text, is_expired


def test_a_grid_worker_writes_and_the_township_approves_with_a_number_and_hash(engine, world):
    first = write(engine, world["worker"], villages=("C1",))
    version = approve(engine, first, world["zhen"])
    assert version.version == 1 and version.prev_hash == ""
    assert version.content_hash == snapshot_hash(version.content_json, "")
    assert canonical_json(json.loads(version.content_json)) == version.content_json
    content = json.loads(version.content_json)
    assert content["number"] == 1 and content["villages"] == [{"code": "C1", "name": "一村"}]
    assert content["approved_by"] == "zhen-显示名"
    assert [a["question"] for a in content["answers"]][0] == "这是什么"

    second = write(engine, world["zhen"], township="T1")
    other = write(engine, world["other_zhen"], township="T2")
    assert json.loads(approve(engine, second, world["zhen2"]).content_json)["number"] == 2
    with pytest.raises(PermissionDenied, match="不是这个乡镇"):
        approve(engine, other, world["zhen"])
    assert json.loads(approve(engine, other, world["admin"]).content_json)["number"] == 1


def test_who_may_write_and_who_may_approve(engine, world):
    with pytest.raises(PermissionDenied, match="乡镇工作人员编写"):
        write(engine, world["worker"], township="T1")
    with pytest.raises(PermissionDenied, match="二村"):
        write(engine, world["worker"], villages=("C2",))
    with pytest.raises(PermissionDenied, match="编写"):
        write(engine, world["supervisor"], villages=("C1",))
    with pytest.raises(BoardError, match="二选一"):
        write(engine, world["zhen"], township="T1", villages=("C1",))
    with pytest.raises(BoardError, match="同一个乡镇"):
        write(engine, world["admin"], villages=("C1", "C3"))

    mine = write(engine, world["zhen"], villages=("C1",))
    with pytest.raises(PermissionDenied, match="不能审核自己写的"):
        approve(engine, mine, world["zhen"])
    with pytest.raises(PermissionDenied, match="乡镇工作人员审核"):
        approve(engine, mine, world["worker"])
    # The village's supervision committee may approve an explainer for its village only.
    assert approve(engine, mine, world["supervisor"]).version == 1
    both = write(engine, world["zhen"], villages=("C1", "C2"))
    with pytest.raises(PermissionDenied, match="多个村"):
        approve(engine, both, world["supervisor"])
    with unit_of_work(engine) as session:
        assert len(session.exec(select(PolicyExplainerVersion)).all()) == 1


def test_numbers_count_per_township_in_approval_order(engine, world):
    a = write(engine, world["zhen"], township="T1")
    b = write(engine, world["worker"], villages=("C1",))
    c = write(engine, world["other_zhen"], township="T2")
    approve(engine, b, world["zhen2"])
    approve(engine, a, world["zhen2"])
    with unit_of_work(engine) as session:
        assert [get_explainer(session, i).number for i in (a, b, c)] == [2, 1, None]
        rows = list_explainers(session, township_code="T1")
    assert [(r.id, r.number, r.status) for r in rows] == [(b, 1, "已审核公开"), (a, 2, "已审核公开")]


def test_approved_is_immutable_and_a_correction_is_a_new_chained_version(engine, world):
    explainer = write(engine, world["worker"], villages=("C1",))
    first = approve(engine, explainer, world["zhen"])
    with unit_of_work(engine) as session:
        row = get_explainer(session, explainer)
        with pytest.raises(BoardError, match="先点“更正”"):
            update_explainer(
                session,
                explainer,
                user=get_user(session, world["worker"]),
                fields=markdown_fields(),
                row_version=row.row_version,
            )
        with pytest.raises(BoardError, match="更正说明"):
            amend_explainer(session, explainer, user=get_user(session, world["worker"]), note=" ")
        amend_explainer(session, explainer, user=get_user(session, world["worker"]), note="交钱的截止日期写错了")
        session.commit()
    with unit_of_work(engine) as session:
        row = get_explainer(session, explainer)
        fields = {**markdown_fields(), "q_deadline": "2026年12月20日截止。"}
        stale = row.row_version
        update_explainer(session, explainer, user=get_user(session, world["worker"]), fields=fields, row_version=stale)
        session.commit()
        with pytest.raises(ConflictError):
            update_explainer(
                session, explainer, user=get_user(session, world["worker"]), fields=fields, row_version=stale
            )
    second = approve(engine, explainer, world["zhen"])
    assert second.version == 2 and second.prev_hash == first.content_hash
    content = json.loads(second.content_json)
    assert content["correction_note"] == "交钱的截止日期写错了" and content["number"] == 1
    with unit_of_work(engine) as session:
        versions = session.exec(select(PolicyExplainerVersion).order_by(PolicyExplainerVersion.version)).all()
        assert [v.content_hash for v in versions] == [first.content_hash, second.content_hash]
        assert versions[0].content_json == first.content_json  # the first version is untouched
        actions = session.exec(select(AuditLog.action).where(AuditLog.entity == "policy")).all()
    assert actions == ["policy:create", "policy:approve", "policy:amend", "policy:save", "policy:approve"]


def test_personal_numbers_refuse_approval_and_bad_input_names_the_field(engine, world):
    fields = {**markdown_fields(), "ask": "网格员小王 13812345678"}
    explainer = write(engine, world["worker"], villages=("C1",), fields=fields)
    with pytest.raises(BoardError, match="手机号") as caught:
        approve(engine, explainer, world["zhen"])
    assert caught.value.problems[0].field == "找谁问"
    with pytest.raises(BoardError) as caught:
        write(
            engine,
            world["worker"],
            villages=("C1",),
            fields={**fields, "title": "", "issued_on": date(2026, 9, 1), "deadline_on": date(2026, 8, 1)},
        )
    assert {p.field for p in caught.value.problems} == {"标题", "截止日期"}


def test_the_public_sees_approved_versions_for_its_village_only(engine, world):
    township_wide = write(engine, world["zhen"], township="T1")
    for_c1 = write(engine, world["worker"], villages=("C1",))
    for_c2 = write(engine, world["zhen"], villages=("C2",))
    draft = write(engine, world["worker"], villages=("C1",))
    for explainer in (township_wide, for_c1, for_c2):
        approve(engine, explainer, world["zhen2"])
    with unit_of_work(engine) as session:
        c1 = [c["id"] for c in public_explainers(session, get_village(session, "C1"))]
        c2 = [c["id"] for c in public_explainers(session, get_village(session, "C2"))]
        c3 = public_explainers(session, get_village(session, "C3"))
    assert c1 == [for_c1, township_wide] and c2 == [for_c2, township_wide] and c3 == []
    assert draft not in c1


def test_expired_explainers_say_so(engine, world):
    explainer = write(engine, world["worker"], villages=("C1",))
    approve(engine, explainer, world["zhen"])
    with unit_of_work(engine) as session:
        content = public_explainers(session, get_village(session, "C1"))[0]
    assert not is_expired(content, date(2026, 12, 31))
    assert deadline_label(content, date(2026, 12, 31)) == "截止 2026年12月31日"
    assert is_expired(content, date(2027, 1, 1))
    assert deadline_label(content, date(2027, 1, 1)).startswith("已截止")
    text = explainer_text(content, link="https://x.cn/?village=C1&policy=1", today=date(2027, 1, 1))
    assert text.startswith("【政策问答 第 1 期】") and "已截止" in text and "详情：https://x.cn" in text
    spoken = explainer_text(content, link="https://x.cn", today=date(2026, 10, 1), speech=True)
    assert "https://" not in spoken and "核验码" not in spoken


def test_nobody_who_saved_or_reopened_the_draft_may_approve_it(engine, world):
    explainer = write(engine, world["worker"], villages=("C1",))
    with unit_of_work(engine) as session:
        row = get_explainer(session, explainer)
        update_explainer(
            session,
            explainer,
            user=get_user(session, world["zhen"]),
            fields={**markdown_fields(), "q_get": "每人每月 5000 元。"},
            row_version=row.row_version,
        )
        session.commit()
    with pytest.raises(PermissionDenied, match="修改过这一稿"):
        approve(engine, explainer, world["zhen"])
    approve(engine, explainer, world["zhen2"])

    with unit_of_work(engine) as session:
        amend_explainer(session, explainer, user=get_user(session, world["zhen2"]), note="金额写错了")
        session.commit()
    with pytest.raises(PermissionDenied, match="修改过这一稿"):
        approve(engine, explainer, world["zhen2"])
    # zhen's save belongs to the approved first version, not to this draft.
    assert approve(engine, explainer, world["zhen"]).version == 2


def test_approval_is_refused_when_the_draft_changed_since_the_approver_read_it(engine, world):
    explainer = write(engine, world["worker"], villages=("C1",))
    with unit_of_work(engine) as session:
        seen = get_explainer(session, explainer).row_version
        update_explainer(
            session,
            explainer,
            user=get_user(session, world["worker"]),
            fields={**markdown_fields(), "q_get": "每人每月 5000 元。"},
            row_version=seen,
        )
        session.commit()
    with unit_of_work(engine) as session:
        with pytest.raises(ConflictError, match="不是最新稿"):
            approve_explainer(session, explainer, user=get_user(session, world["zhen"]), row_version=seen)
    with unit_of_work(engine) as session:
        version = approve_explainer(session, explainer, user=get_user(session, world["zhen"]), row_version=seen + 1)
        session.commit()
    assert "5000" in version.content_json


def test_one_sentence_is_capped(engine, world):
    with pytest.raises(BoardError, match="最多 80 个字") as caught:
        write(engine, world["worker"], villages=("C1",), fields={**markdown_fields(), "one_sentence": "交钱。" * 40})
    assert caught.value.problems[0].field == "一句话说清楚"


def test_a_tampered_version_shows_the_verification_failure_instead_of_its_text(engine, world):
    from board.policy import VERIFY_FAILED, published_explainer

    first = approve(engine, write(engine, world["worker"], villages=("C1",)), world["zhen"])
    second = approve(engine, write(engine, world["worker"], villages=("C1",)), world["zhen"])
    with unit_of_work(engine) as session:
        assert [c["title"] for c in public_explainers(session, get_village(session, "C1"))][0] != VERIFY_FAILED
        row = session.get(PolicyExplainerVersion, first.id)
        row.content_json = row.content_json.replace("400", "4000")
        session.add(row)
        session.commit()
    with unit_of_work(engine) as session:
        shown = {c["id"]: c for c in public_explainers(session, get_village(session, "C1"))}
        with pytest.raises(BoardError, match="核验失败"):
            published_explainer(session, first.explainer_id)
    assert shown[first.explainer_id]["title"] == VERIFY_FAILED
    assert "4000" not in json.dumps(shown[first.explainer_id], ensure_ascii=False)
    assert shown[second.explainer_id]["title"] != VERIFY_FAILED

    with unit_of_work(engine) as session:  # a forger who also rewrites the hash breaks the next version's link
        row = session.get(PolicyExplainerVersion, first.id)
        row.content_hash = snapshot_hash(row.content_json, row.prev_hash)
        session.add(row)
        session.commit()
    with unit_of_work(engine) as session:
        titles = {c["id"]: c["title"] for c in public_explainers(session, get_village(session, "C1"))}
    assert titles == {first.explainer_id: VERIFY_FAILED, second.explainer_id: VERIFY_FAILED}
