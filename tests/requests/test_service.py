"""Submitting, following, answering and publishing a request."""

import io
from datetime import date

import pdfplumber
import pytest
from sqlmodel import select

from board.errors import BoardError
from board.requests import (
    MAX_PER_VILLAGE_UNKNOWN_CLIENT,
    Challenge,
    check_challenge,
    client_address,
    get_request,
    inbox,
    public_status,
    publish_answer,
    published_answers,
    reply_contact,
    reply_letter,
    reply_request,
    request_detail,
    request_stats,
)
from board.villages import get_village
from exports.request_pdf import render_reply_letter
from infra.db import unit_of_work
from models import AuditLog, RequestEvent
from tests.requests.conftest import at, submit, user


def test_submit_gives_a_code_and_masks_the_phone_for_staff(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13), phone="138-1234-5678")
    assert len(code) == 10 and code.isalnum() and code.isupper()
    with unit_of_work(req_engine) as session:
        request = get_request(session, code.lower())
        assert request.phone == "13812345678"
        row = inbox(session, user=user(session, "clerk1"), today=date(2026, 2, 24))[0]
        detail = request_detail(session, code, user=user(session, "town1"), today=date(2026, 2, 24))
        audit_text = " ".join(a.after_json for a in session.exec(select(AuditLog)))
    assert row["phone"] == "138****5678" and detail["phone"] == "138****5678"
    assert "13812345678" not in str(row) + str(detail) + audit_text


def test_bad_input_names_each_field(req_engine):
    with pytest.raises(BoardError) as error:
        submit(req_engine, now=at(2026, 2, 13), phone="12345", subject="", kind="随便问问")
    fields = {p.field for p in error.value.problems}
    assert {"联系电话", "标题", "申请类型"} <= fields


def test_personal_numbers_in_the_question_are_refused(req_engine):
    with pytest.raises(BoardError, match="身份证号"):
        submit(req_engine, now=at(2026, 2, 13), question="我的身份证 11010519491231002X 的补贴发了吗")
    with pytest.raises(BoardError, match="手机号"):
        submit(req_engine, now=at(2026, 2, 13), question="请打 139 1234 5678 告诉我")


def test_rate_limits_per_client_and_per_phone(req_engine):
    for n in range(3):
        submit(req_engine, now=at(2026, 2, 13, n), client=f"10.0.0.{n}")
    with pytest.raises(BoardError, match="同一电话"):
        submit(req_engine, now=at(2026, 2, 13, 4), client="10.0.0.9")
    for n in range(4):  # 10.0.0.0 already sent one
        submit(req_engine, now=at(2026, 2, 13, 5 + n), phone=f"1391234567{n}", client="10.0.0.0")
    with pytest.raises(BoardError, match="同一网络"):
        submit(req_engine, now=at(2026, 2, 13, 10), phone="13712345678", client="10.0.0.0")
    # A day later both limits are free again.
    submit(req_engine, now=at(2026, 2, 14, 9), client="10.0.0.0")


def test_kiosk_on_the_server_has_only_the_phone_limit(req_engine):
    for n in range(6):
        submit(req_engine, now=at(2026, 2, 13, n), client="", phone=f"1391234567{n}")
    for _ in range(3):
        submit(req_engine, now=at(2026, 2, 13, 7), client="", phone="13712345678")
    with pytest.raises(BoardError, match="同一电话"):
        submit(req_engine, now=at(2026, 2, 13, 8), client="", phone="13712345678")


def test_behind_our_proxy_the_address_it_added_counts():
    proxies = frozenset({"10.1.1.1"})
    assert client_address("10.1.1.1", "1.2.3.4, 5.6.7.8", proxies) == "5.6.7.8"  # the hop nginx appended
    assert client_address("5.6.7.8", "9.9.9.9", proxies) == "5.6.7.8"  # a client cannot claim another address
    assert client_address("10.1.1.1", None, proxies) == ""  # the proxy forwarded nothing: unknown
    assert client_address(None, "1.2.3.4", frozenset()) == ""


def test_unknown_clients_share_one_allowance_per_village(req_engine):
    for n in range(MAX_PER_VILLAGE_UNKNOWN_CLIENT):
        submit(req_engine, now=at(2026, 2, 13, 8), client="", phone=f"139{n:08d}")
    with pytest.raises(BoardError, match="今天网上提交的申请已经很多"):
        submit(req_engine, now=at(2026, 2, 13, 9), client="", phone="13700000000")
    submit(req_engine, now=at(2026, 2, 13, 9), client="10.0.0.1", phone="13700000000")  # a known client is not held


def test_challenge():
    check_challenge(Challenge("3 加 4 等于几？", 7), " ７ ")
    with pytest.raises(BoardError, match="验证题"):
        check_challenge(Challenge("3 加 4 等于几？", 7), "8")
    with pytest.raises(BoardError, match="验证题"):
        check_challenge(None, "7")


def test_reply_forms_and_reasons(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        with pytest.raises(BoardError, match="答复类型"):
            reply_request(session, code, user=clerk, form="随便", text="x", today=date(2026, 3, 2))
        with pytest.raises(BoardError, match="不予公开的理由"):
            reply_request(session, code, user=clerk, form="不予公开", text="不能公开", today=date(2026, 3, 2))
        with pytest.raises(BoardError, match="手机号"):
            reply_request(
                session, code, user=clerk, form="予以公开", text="施工方电话 13912345678", today=date(2026, 3, 2)
            )
        reply_request(
            session,
            code,
            user=clerk,
            form="部分公开",
            text="工程款明细见附件",
            reason="涉及商业秘密",
            today=date(2026, 3, 2),
        )
        session.commit()
    with unit_of_work(req_engine) as session:
        request = get_request(session, code)
        assert request.status == "replied" and request.reply_form == "部分公开"
        assert "涉及商业秘密" in request.reply_text
        with pytest.raises(BoardError, match="已经答复"):
            reply_request(
                session, code, user=user(session, "clerk1"), form="予以公开", text="x", today=date(2026, 3, 3)
            )


def test_needs_supplement_is_a_reply_form(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        reply_request(
            session, code, user=user(session, "clerk1"), form="需补正", text="请写明年份", today=date(2026, 2, 24)
        )
        session.commit()
        assert get_request(session, code).status == "supplement"


def test_public_status_and_publication_without_personal_data(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13), publish_consent=False)
    with unit_of_work(req_engine) as session:
        status = public_status(session, code, today=date(2026, 2, 24))
    assert status["status_label"] == "办理中" and status["due_on"] == "2026-03-19"
    assert "张三" not in str(status) and "5678" not in str(status)
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        with pytest.raises(BoardError, match="已答复"):
            publish_answer(session, code, user=clerk, today=date(2026, 3, 2))
        reply_request(
            session, code, user=clerk, form="予以公开", text="用于东岗排水沟 320 米。", today=date(2026, 3, 2)
        )
        with pytest.raises(BoardError, match="没有同意"):
            publish_answer(session, code, user=clerk, today=date(2026, 3, 2))
        publish_answer(session, code, user=clerk, today=date(2026, 3, 2), general_interest=True)
        session.commit()
    with unit_of_work(req_engine) as session:
        answers = published_answers(session, get_village(session, "V1"))
        status = public_status(session, code, today=date(2026, 3, 2))
        kinds = [e.kind for e in session.exec(select(RequestEvent))]
    assert answers[0]["reply_text"] == "用于东岗排水沟 320 米。" and "张三" not in str(answers)
    assert status["reply_form"] == "予以公开" and status["status_label"] == "已答复"
    assert kinds.count("published") == 1


def test_reply_contact_is_audited(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        assert reply_contact(session, code, user=user(session, "clerk1")) == "13812345678"
        session.commit()
        actions = [a.action for a in session.exec(select(AuditLog))]
    assert "request_view_phone" in actions


def test_statistics(req_engine):
    on_time = submit(req_engine, now=at(2026, 2, 13), client="a")
    late = submit(req_engine, now=at(2026, 2, 13), phone="13912345678", client="b")
    submit(req_engine, now=at(2026, 2, 13), phone="13712345678", client="c")
    with unit_of_work(req_engine) as session:
        clerk = user(session, "clerk1")
        reply_request(session, on_time, user=clerk, form="信息不存在", text="没有这笔款项", today=date(2026, 2, 28))
        reply_request(session, late, user=clerk, form="予以公开", text="见附件", today=date(2026, 3, 20))
        session.commit()
        stats = request_stats(session, [get_village(session, "V1"), get_village(session, "V2")])
    # Working days taken: 6 (to 2/28) and 21 (to 3/20): median 13.5.
    assert stats == {"received": 3, "answered": 2, "on_time": 1, "on_time_pct": 50.0, "median_workdays": 13.5}


def test_reply_letter_pdf(req_engine):
    code = submit(req_engine, now=at(2026, 2, 13))
    with unit_of_work(req_engine) as session:
        with pytest.raises(BoardError, match="还没有答复"):
            reply_letter(session, code, user=user(session, "clerk1"))
        reply_request(
            session, code, user=user(session, "clerk1"), form="予以公开", text="<b>见附件</b>", today=date(2026, 3, 2)
        )
        session.commit()
        letter = reply_letter(session, code, user=user(session, "clerk1"))
    with pdfplumber.open(io.BytesIO(render_reply_letter(letter))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert "信息公开申请答复书" in text and code in text and "<b>见附件</b>" in text
    assert "138****5678" in text and "13812345678" not in text


def test_the_form_reads_a_mobile_as_the_detector_does():
    from board.requests import normalise_phone

    for typed in ("0086 13900000005", "8613900000005", "+86 139 0000 0005", "139\u200b00000005"):
        assert normalise_phone(typed) == "13900000005", typed
