"""The public request page and the staff inbox, catalogue and compliance pages (AppTest)."""

from datetime import UTC, datetime

from board.requests import get_request, submit_request
from infra.db import get_engine, unit_of_work
from models import Role

CLERK = ("wenshu", "文书 李秀兰", Role.clerk)
TOWNSHIP = ("zhen", "镇经管站 陈敏", Role.township)


def fill_form(at, *, answer):
    inputs = {w.label: w for w in at.text_input}
    inputs["标题"].input("排水沟工程款")
    at.text_area[0].input("今年5万元的排水沟工程款用在了哪里？")
    inputs["联系电话（只用于答复，不会公开）"].input("13812345678")
    challenge = next(w for w in at.text_input if w.label.startswith("验证题"))
    challenge.input(answer)
    return at.button[0].click().run()


def open_requests(at):
    return at.switch_page("pages/public/requests.py").run()


def solve(at) -> str:
    return str(at.session_state["request_challenge"].answer)


def test_resident_gets_a_code_and_wrong_challenge_is_refused(make_app, demo_url):
    at = open_requests(make_app())
    assert not at.exception
    at = fill_form(at, answer="999")
    assert any("验证题" in str(df.value) for df in at.dataframe)
    assert "request_code" not in at.session_state
    at = fill_form(at, answer=solve(at))
    assert not at.exception
    code = at.session_state["request_code"]
    assert any(c.value == code for c in at.code)
    with unit_of_work(get_engine(demo_url)) as session:
        request = get_request(session, code)
        assert request.phone == "13812345678" and request.status == "pending"


def test_personal_data_in_the_question_is_refused_on_the_page(make_app):
    at = open_requests(make_app())
    at.text_area[0].input("我的身份证 11010519491231002X")
    inputs = {w.label: w for w in at.text_input}
    inputs["标题"].input("补贴")
    inputs["联系电话（只用于答复，不会公开）"].input("13812345678")
    next(w for w in at.text_input if w.label.startswith("验证题")).input(solve(at))
    at = at.button[0].click().run()
    assert "request_code" not in at.session_state
    assert any("身份证号" in str(df.value) for df in at.dataframe)


def seed_request(demo_url, *, consent=True) -> str:
    with unit_of_work(get_engine(demo_url)) as session:
        request = submit_request(
            session,
            village_code="DEMO",
            kind="依申请公开",
            topic="收支明细",
            subject="排水沟",
            question="工程款用途？",
            phone="13812345678",
            name="张三",
            publish_consent=consent,
            now=datetime.now(UTC),
        )
        session.commit()
    return request.code


def test_clerk_inbox_masks_the_phone_and_replies(make_app, demo_url):
    code = seed_request(demo_url)
    at = make_app(user=CLERK)
    at = at.switch_page("pages/staff/requests.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert code in list(table["查询码"]) and list(table["电话"]) == ["138****5678"]
    reply_area = next(t for t in at.text_area if t.label == "答复内容")
    reply_area.input("用于东岗排水沟 320 米。")
    submit = next(b for b in at.button if b.label == "答复")
    at = submit.click().run()
    assert not at.exception
    assert any("已答复" in s.value for s in at.success)
    with unit_of_work(get_engine(demo_url)) as session:
        request = get_request(session, code)
    assert request.status == "replied" and request.published


def test_township_sees_the_inbox_read_only(make_app, demo_url):
    seed_request(demo_url)
    at = make_app(user=TOWNSHIP).switch_page("pages/staff/requests.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1
    assert not [b for b in at.button if b.label == "答复"]


def test_catalogue_and_compliance_pages(make_app):
    at = make_app(user=TOWNSHIP).switch_page("pages/staff/catalogue.py").run()
    assert not at.exception
    # AppTest shows the data editor as a dataframe holding the default catalogue.
    assert "各项收入" in list(at.dataframe[0].value["事项名称"])
    at = next(b for b in at.button if b.label == "保存目录").click().run()
    assert not at.exception
    assert any("共 23 项" in s.value for s in at.success)
    at = make_app(user=TOWNSHIP).switch_page("pages/staff/compliance.py").run()
    assert not at.exception
    assert any("按公开目录逐项核对" in h.value for h in at.subheader)
