"""Residents' requests (依申请公开, 村务质询): submit, follow, handle, reply, publish.

The resident needs no account: the request gets a 查询码 to follow it.  The phone is
kept for the reply only and is masked in every other output, staff lists included.
Deadlines come from ``board.request_clock`` on the township's working-day calendar and
are stored on the request (``due_on``) after every step.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import statistics
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from board import audit
from board.auth import require, visible_village_ids
from board.errors import BoardError, Problem
from board.privacy import find_pii, mask_phone, mask_text, normalise_mobile, strip_invisible
from board.request_clock import (
    DEFAULT_INQUIRY_DAYS,
    MAX_EXTENSION_DAYS,
    REPLY_DAYS,
    SUPPLEMENT_NOTICE_DAYS,
    Clock,
    Event,
    compute_clock,
)
from board.snapshot import SHANGHAI
from board.villages import get_village
from board.workdays import WorkCalendar, load_calendar
from models import InfoRequest, RequestEvent, RequestPolicy, Role, Township, User, Village, row_id

KIND_DISCLOSURE = "依申请公开"
KIND_INQUIRY = "村务质询"
KINDS = (KIND_DISCLOSURE, KIND_INQUIRY)
TOPICS = ("村务事项", "收支明细", "政策解读", "其他")
ANSWER_FORMS = ("纸质", "电子", "当面查阅", "短信告知")
# 条例 §36; 需补正 is its own step because it stops the clock.
REPLY_FORMS = ("已主动公开", "予以公开", "部分公开", "不予公开", "信息不存在", "非本机关掌握", "重复申请")
SUPPLEMENT_FORM = "需补正"
FORMS_NEEDING_REASON = {
    "部分公开": "不予公开部分的理由",
    "不予公开": "不予公开的理由",
    "非本机关掌握": "负责公开的机关及联系方式",
}
STATUS_LABELS = {"pending": "办理中", "supplement": "待申请人补正", "consult": "征求第三方意见", "replied": "已答复"}
EVENT_LABELS = {
    "received": "收到申请",
    "supplement_requested": "告知补正",
    "supplemented": "收到补正",
    "consult_started": "征求第三方意见",
    "consult_ended": "第三方意见收回",
    "extended": "延长答复期限",
    "replied": "答复",
    "published": "答复在公开栏公开",
}
HANDLER_ROLES = (Role.clerk,)
VIEWER_ROLES = (Role.clerk, Role.township, Role.supervisor)
MAX_SUBJECT = 200
MAX_QUESTION = 2000
MAX_REPLY = 5000
# Rate limits over the last 24 hours, stored as the requests themselves.
MAX_PER_CLIENT = 5
MAX_PER_PHONE = 3
# Requests whose client address is unknown (a proxy that forwards none, a kiosk on the server)
# share one allowance per village, so made-up phone numbers cannot flood a village's inbox.
MAX_PER_VILLAGE_UNKNOWN_CLIENT = 20
RATE_WINDOW = timedelta(hours=24)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{8,10}$")


def shanghai_today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def normalise_phone(value: str) -> str:
    """A mobile as 11 digits, however it was typed (the detector's reading); else a landline's digits."""
    try:
        return normalise_mobile(value)
    except ValueError:
        text = strip_invisible(unicodedata.normalize("NFKC", value or ""))
        return re.sub(r"[\s\-()（）]", "", text)


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: frozenset[str]) -> str:
    """The resident's address: the peer's, or, when the peer is our own proxy, the hop it added.

    nginx's ``$proxy_add_x_forwarded_for`` appends the address it saw last; anything before it
    was written by the client and proves nothing.
    """
    peer = (peer or "").strip()
    if peer in trusted_proxies and forwarded_for:
        return forwarded_for.split(",")[-1].strip()
    return "" if peer in trusted_proxies else peer


def client_fingerprint(address: str) -> str:
    """The client address is kept only as a hash, enough to count its requests."""
    return hashlib.sha256(f"sanwu-request|{address}".encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", code or "")).upper()


@dataclass(frozen=True)
class Challenge:
    """A sum a person does in their head; the page keeps the answer on the server side."""

    question: str
    answer: int


def make_challenge(rng: secrets.SystemRandom | None = None) -> Challenge:
    rng = rng or secrets.SystemRandom()
    a, b = rng.randint(2, 9), rng.randint(2, 9)
    return Challenge(f"{a} 加 {b} 等于几？", a + b)


def check_challenge(challenge: Challenge | None, answer: str) -> None:
    text = unicodedata.normalize("NFKC", answer or "").strip()
    if challenge is None or not text.isdigit() or int(text) != challenge.answer:
        raise BoardError("验证题答案不对，请重新计算后填写", field="验证题")


def inquiry_days(session: Session, township_id: int | None) -> int:
    policy = session.exec(select(RequestPolicy).where(RequestPolicy.township_id == township_id)).first()
    return policy.inquiry_days if policy else DEFAULT_INQUIRY_DAYS


def set_inquiry_days(session: Session, *, township: Township, days: int, user: User) -> None:
    if user.role not in (Role.admin, Role.township) or (user.role == Role.township and user.township_id != township.id):
        raise BoardError("只有本乡镇/街道工作人员可以设置村务质询答复期限", field="权限")
    if not 1 <= days <= 30:
        raise BoardError("村务质询答复期限应在 1 到 30 个工作日之间", field="答复期限")
    policy = session.exec(select(RequestPolicy).where(RequestPolicy.township_id == township.id)).first()
    before = policy.inquiry_days if policy else DEFAULT_INQUIRY_DAYS
    if policy is None:
        policy = RequestPolicy(township_id=row_id(township))
    policy.inquiry_days = days
    session.add(policy)
    audit.record(
        session,
        username=user.username,
        action="set_inquiry_days",
        entity="requestpolicy",
        before={"inquiry_days": before},
        after={"inquiry_days": days},
    )


def township_code_of(session: Session, village: Village) -> str | None:
    township = session.get(Township, village.township_id) if village.township_id else None
    return township.code if township else None


def calendar_for(session: Session, village: Village) -> WorkCalendar:
    return load_calendar(township_code_of(session, village))


def _village_of(session: Session, request: InfoRequest) -> Village:
    village = session.get(Village, request.village_id)
    if village is None:  # the foreign key rules this out
        raise BoardError(f"申请 {request.code} 的村/社区不存在", field="村/社区")
    return village


def _limit(session: Session, request: InfoRequest, village: Village) -> int:
    return inquiry_days(session, village.township_id) if request.kind == KIND_INQUIRY else REPLY_DAYS


def _events(session: Session, request: InfoRequest) -> list[RequestEvent]:
    return list(
        session.exec(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(col(RequestEvent.on_day), col(RequestEvent.id))
        )
    )


def request_clock(session: Session, request: InfoRequest, calendar: WorkCalendar | None = None) -> Clock:
    village = _village_of(session, request)
    calendar = calendar or calendar_for(session, village)
    events = [Event(e.kind, e.on_day, e.days) for e in _events(session, request)]
    return compute_clock(events, limit=_limit(session, request, village), calendar=calendar)


def _refresh(session: Session, request: InfoRequest, calendar: WorkCalendar | None = None) -> Clock:
    """Recompute the stored deadline and status from the events (after every step)."""
    session.flush()
    clock = request_clock(session, request, calendar)
    request.due_on = clock.due_on
    if request.status != "replied":
        request.status = clock.paused or "pending"
    session.add(request)
    return clock


def _add_event(
    session: Session, request: InfoRequest, kind: str, on_day: date, *, by: str = "", note: str = "", days: int = 0
) -> None:
    session.add(RequestEvent(request_id=row_id(request), kind=kind, on_day=on_day, by=by, note=note, days=days))


def _text_problems(field: str, text: str, limit: int, *, required: bool = True) -> list[Problem]:
    problems = []
    if required and not text.strip():
        problems.append(Problem(0, field, "不能为空"))
    if len(text) > limit:
        problems.append(Problem(0, field, f"不能超过 {limit} 个字（现在 {len(text)} 个）"))
    kinds = sorted({m.kind for m in find_pii(text)})
    if kinds:
        problems.append(Problem(0, field, f"含有{'、'.join(kinds)}，请删去后再提交（联系电话请只填在“联系电话”一栏）"))
    return problems


def submit_request(
    session: Session,
    *,
    village_code: str,
    kind: str,
    topic: str,
    subject: str,
    question: str,
    phone: str,
    name: str = "",
    answer_form: str = "电子",
    publish_consent: bool = False,
    client_address: str = "",
    now: datetime,
) -> InfoRequest:
    """Register a resident's request; refuses bad input and too many requests in 24 hours."""
    village = get_village(session, village_code)
    subject, question, name = (subject or "").strip(), (question or "").strip(), (name or "").strip()
    phone = normalise_phone(phone)
    problems: list[Problem] = []
    if kind not in KINDS:
        problems.append(Problem(0, "申请类型", f"应为{'或'.join(KINDS)}"))
    if topic not in TOPICS:
        problems.append(Problem(0, "涉及内容", f"应为{'、'.join(TOPICS)}之一"))
    if answer_form not in ANSWER_FORMS:
        problems.append(Problem(0, "获取方式", f"应为{'、'.join(ANSWER_FORMS)}之一"))
    problems += _text_problems("标题", subject, MAX_SUBJECT)
    problems += _text_problems("问题或所需信息", question, MAX_QUESTION)
    problems += _text_problems("姓名", name, 50, required=False)
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        problems.append(Problem(0, "联系电话", "请填写 11 位手机号或带区号的固定电话，用于答复"))
    if problems:
        raise BoardError(problems)
    # No address means the server's own machine (a kiosk at the service centre): the phone limit still applies.
    client = client_fingerprint(client_address) if client_address else ""
    since = now - RATE_WINDOW
    recent = select(func.count()).select_from(InfoRequest).where(InfoRequest.created_at > since)
    if client and session.exec(recent.where(InfoRequest.client_hash == client)).one() >= MAX_PER_CLIENT:
        raise BoardError(
            f"同一网络 24 小时内最多提交 {MAX_PER_CLIENT} 件申请，请明天再试或到村委会当面提出", field="提交次数"
        )
    if session.exec(recent.where(InfoRequest.phone == phone)).one() >= MAX_PER_PHONE:
        raise BoardError(
            f"同一电话 24 小时内最多提交 {MAX_PER_PHONE} 件申请，请明天再试或到村委会当面提出", field="提交次数"
        )
    unknown = recent.where(InfoRequest.client_hash == "", InfoRequest.village_id == village.id)
    if not client and session.exec(unknown).one() >= MAX_PER_VILLAGE_UNKNOWN_CLIENT:
        raise BoardError("今天网上提交的申请已经很多，请明天再试或到村委会当面提出", field="提交次数")
    code = new_code()
    while session.exec(select(InfoRequest.id).where(InfoRequest.code == code)).first() is not None:
        code = new_code()
    today = shanghai_today(now)
    request = InfoRequest(
        code=code,
        village_id=row_id(village),
        kind=kind,
        topic=topic,
        subject=subject,
        question=question,
        requester_name=name,
        phone=phone,
        answer_form=answer_form,
        publish_consent=publish_consent,
        client_hash=client,
        received_on=today,
        created_at=now,
    )
    session.add(request)
    session.flush()
    # §31: an online request counts as received on the day it is confirmed, i.e. submitted.
    _add_event(session, request, "received", today, by="居民")
    _refresh(session, request)
    audit.record(
        session,
        username="居民",
        action="request_submit",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": code, "kind": kind, "subject": mask_text(subject)},
    )
    return request


def get_request(session: Session, code: str) -> InfoRequest:
    request = session.exec(select(InfoRequest).where(InfoRequest.code == normalise_code(code))).first()
    if request is None:
        raise BoardError(f"没有查询码为“{normalise_code(code)}”的申请，请核对后再试", field="查询码")
    return request


def _staff_request(
    session: Session, code: str, user: User | None, roles: tuple[Role, ...]
) -> tuple[InfoRequest, Village]:
    """The request, if ``user`` may act on it; ``None`` is the command-line operator (read-only use)."""
    request = get_request(session, code)
    village = _village_of(session, request)
    if user is not None:
        require(session, user, village, *roles)
    return request, village


def _open(request: InfoRequest) -> None:
    if request.status == "replied":
        raise BoardError(f"申请 {request.code} 已经答复，不能再办理", field="状态")


def request_supplement(session: Session, code: str, *, user: User, note: str, today: date) -> None:
    """§30: tell the resident once, within 7 working days, what to add; the clock stops."""
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    _open(request)
    note = (note or "").strip()
    if not note:
        raise BoardError("请写明需要补正的内容", field="补正说明")
    calendar = calendar_for(session, village)
    events = _events(session, request)
    if any(e.kind == "supplement_requested" for e in events):
        raise BoardError("补正只能一次性告知，本申请已经告知过", field="补正")
    if calendar.workdays_between(request.received_on, today) > SUPPLEMENT_NOTICE_DAYS:
        raise BoardError(f"补正应在收到申请后 {SUPPLEMENT_NOTICE_DAYS} 个工作日内告知，已超过", field="补正")
    _add_event(session, request, "supplement_requested", today, by=user.username, note=note)
    _refresh(session, request, calendar)
    audit.record(
        session,
        username=user.username,
        action="request_supplement",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code, "note": note},
    )


def mark_supplemented(session: Session, code: str, *, user: User, today: date, note: str = "") -> None:
    """The corrected request arrived: the clock restarts from this day (§30)."""
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    if request.status != "supplement":
        raise BoardError(f"申请 {request.code} 不在待补正状态", field="状态")
    _add_event(session, request, "supplemented", today, by=user.username, note=(note or "").strip())
    _refresh(session, request)
    audit.record(
        session,
        username=user.username,
        action="request_supplemented",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code},
    )


def start_consultation(session: Session, code: str, *, user: User, today: date, note: str = "") -> None:
    """§32: ask a third party; up to 15 working days of waiting do not count."""
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    _open(request)
    if request.status != "pending":
        raise BoardError(
            f"申请 {request.code} 当前为“{STATUS_LABELS[request.status]}”，不能征求第三方意见", field="状态"
        )
    _add_event(session, request, "consult_started", today, by=user.username, note=(note or "").strip())
    _refresh(session, request)
    audit.record(
        session,
        username=user.username,
        action="request_consult",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code},
    )


def end_consultation(session: Session, code: str, *, user: User, today: date, note: str = "") -> None:
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    if request.status != "consult":
        raise BoardError(f"申请 {request.code} 没有在征求第三方意见", field="状态")
    _add_event(session, request, "consult_ended", today, by=user.username, note=(note or "").strip())
    _refresh(session, request)
    audit.record(
        session,
        username=user.username,
        action="request_consult_end",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code},
    )


def extend_request(
    session: Session, code: str, *, user: User, reason: str, today: date, days: int = MAX_EXTENSION_DAYS
) -> date | None:
    """§33: one extension of at most 20 working days, with a reason, before the deadline."""
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    _open(request)
    reason = (reason or "").strip()
    problems = []
    if not reason:
        problems.append(Problem(0, "延期理由", "必须写明延期理由"))
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        problems.append(Problem(0, "延长天数", f"应为 1 到 {MAX_EXTENSION_DAYS} 个工作日"))
    clock = request_clock(session, request)
    if clock.extended:
        problems.append(Problem(0, "延期", "答复期限只能延长一次，本申请已经延长过"))
    if clock.due_on is None:
        problems.append(Problem(0, "延期", "等待补正期间不计时，不需要延期"))
    elif today > clock.due_on:
        problems.append(Problem(0, "延期", f"答复期限 {clock.due_on} 已过，不能再延期"))
    if problems:
        raise BoardError(problems)
    before = request.due_on
    _add_event(session, request, "extended", today, by=user.username, note=reason, days=days)
    clock = _refresh(session, request)
    audit.record(
        session,
        username=user.username,
        action="request_extend",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        before={"due_on": before},
        after={"code": request.code, "due_on": clock.due_on, "reason": reason},
    )
    return clock.due_on


def reply_request(
    session: Session, code: str, *, user: User, form: str, text: str, today: date, reason: str = ""
) -> InfoRequest:
    """Answer in one of the §36 forms; 需补正 is the supplement step."""
    if form == SUPPLEMENT_FORM:
        request_supplement(session, code, user=user, note=text, today=today)
        return get_request(session, code)
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    _open(request)
    text, reason = (text or "").strip(), (reason or "").strip()
    problems: list[Problem] = []
    if form not in REPLY_FORMS:
        problems.append(Problem(0, "答复类型", f"应为{'、'.join(REPLY_FORMS + (SUPPLEMENT_FORM,))}之一"))
    problems += _text_problems("答复内容", text, MAX_REPLY)
    if form in FORMS_NEEDING_REASON:
        problems += _text_problems(FORMS_NEEDING_REASON[form], reason, 1000)
    if request.status == "supplement":
        problems.append(Problem(0, "状态", "申请人还没有补正，请先登记收到补正"))
    if problems:
        raise BoardError(problems)
    if request.status == "consult":
        _add_event(session, request, "consult_ended", today, by=user.username)
    _add_event(session, request, "replied", today, by=user.username, note=form)
    request.reply_form = form
    request.reply_text = text + (f"\n\n{FORMS_NEEDING_REASON[form]}：{reason}" if form in FORMS_NEEDING_REASON else "")
    request.replied_on = today
    request.replied_by = user.username
    _refresh(session, request)
    request.status = "replied"
    session.add(request)
    audit.record(
        session,
        username=user.username,
        action="request_reply",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code, "form": form, "on_time": request.due_on is not None and today <= request.due_on},
    )
    return request


def publish_answer(session: Session, code: str, *, user: User, today: date, general_interest: bool = False) -> None:
    """Show the question and answer on the board without personal data (§44).

    Allowed when the resident agreed, or when staff judge the matter of general interest.
    """
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    if request.status != "replied":
        raise BoardError("只有已答复的申请才能在公开栏公开", field="状态")
    if not (request.publish_consent or general_interest):
        raise BoardError("申请人没有同意公开；若属于群众普遍关注的事项，请勾选“普遍关注”后再公开", field="公开")
    if request.published:
        return
    request.published = True
    session.add(request)
    _add_event(
        session, request, "published", today, by=user.username, note="普遍关注" if general_interest else "申请人同意"
    )
    audit.record(
        session,
        username=user.username,
        action="request_publish",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code},
    )


def _days_left_label(left: int | None, request: InfoRequest) -> str:
    if request.status == "replied":
        return "已答复"
    if left is None:
        return "暂停计时（待补正）"
    if left < 0:
        return f"已逾期 {-left} 个工作日"
    if left == 0:
        return "今天到期"
    return f"剩 {left} 个工作日"


def _row(request: InfoRequest, village: Village, calendar: WorkCalendar, today: date) -> dict[str, Any]:
    left = (
        None
        if request.due_on is None or request.status == "replied"
        else calendar.workdays_between(today, request.due_on)
    )
    on_time = request.replied_on is not None and request.due_on is not None and request.replied_on <= request.due_on
    return {
        "code": request.code,
        "village": village.code,
        "village_name": village.name,
        "kind": request.kind,
        "topic": request.topic,
        "subject": mask_text(request.subject),
        "requester": request.requester_name or "（未留姓名）",
        "phone": mask_phone(request.phone),
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat() if request.due_on else "",
        "status": request.status,
        "status_label": STATUS_LABELS[request.status],
        "workdays_left": left,
        "days_left_label": _days_left_label(left, request),
        "overdue": left is not None and left < 0,
        "replied_on": request.replied_on.isoformat() if request.replied_on else "",
        "reply_form": request.reply_form,
        "on_time": on_time,
        "published": request.published,
    }


def inbox(
    session: Session,
    *,
    user: User | None,
    today: date,
    village_code: str | None = None,
    overdue_only: bool = False,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    """Requests of the villages a user (``None``: the command-line operator) may see, most urgent first."""
    query = select(InfoRequest, Village).join(Village, col(Village.id) == InfoRequest.village_id)
    if village_code:
        village = get_village(session, village_code)
        if user is not None:
            require(session, user, village, *VIEWER_ROLES)
        query = query.where(InfoRequest.village_id == village.id)
    elif user is not None:
        if user.role not in VIEWER_ROLES and user.role != Role.admin:
            raise BoardError("您的账号不能查看居民申请", field="权限")
        ids = visible_village_ids(session, user)
        if ids is not None:
            query = query.where(col(InfoRequest.village_id).in_(ids or {-1}))
    if overdue_only:
        query = query.where(InfoRequest.status != "replied", col(InfoRequest.due_on) < today)
    elif open_only:
        query = query.where(InfoRequest.status != "replied")
    calendars: dict[int | None, WorkCalendar] = {}
    rows = []
    for request, village in session.exec(query):
        if village.township_id not in calendars:
            calendars[village.township_id] = calendar_for(session, village)
        rows.append(_row(request, village, calendars[village.township_id], today))
    far = date.max.isoformat()
    rows.sort(key=lambda r: (r["status"] == "replied", r["due_on"] or far, r["code"]))
    return rows


def request_detail(session: Session, code: str, *, user: User | None, today: date) -> dict[str, Any]:
    """Everything staff see about one request; the phone stays masked here too."""
    request, village = _staff_request(session, code, user, VIEWER_ROLES)
    calendar = calendar_for(session, village)
    detail = _row(request, village, calendar, today)
    detail.update(
        question=request.question,
        answer_form=request.answer_form,
        publish_consent=request.publish_consent,
        reply_text=request.reply_text,
        events=[
            {
                "on_day": e.on_day.isoformat(),
                "label": EVENT_LABELS.get(e.kind, e.kind),
                "by": e.by,
                "note": e.note,
                "days": e.days,
            }
            for e in _events(session, request)
        ],
        unknown_years=calendar.unknown_years(request.received_on, request.due_on or request.received_on),
    )
    return detail


def reply_contact(session: Session, code: str, *, user: User) -> str:
    """The unmasked phone, for the handler who sends the reply; the look-up is audited."""
    request, village = _staff_request(session, code, user, HANDLER_ROLES)
    audit.record(
        session,
        username=user.username,
        action="request_view_phone",
        village_id=village.id,
        entity="inforequest",
        entity_id=request.id,
        after={"code": request.code},
    )
    return request.phone


def public_status(session: Session, code: str, *, today: date) -> dict[str, Any]:
    """What anyone with the 查询码 sees: no name, no phone."""
    request = get_request(session, code)
    village = _village_of(session, request)
    row = _row(request, village, calendar_for(session, village), today)
    return {
        "code": row["code"],
        "village_name": row["village_name"],
        "kind": row["kind"],
        "subject": row["subject"],
        "received_on": row["received_on"],
        "due_on": row["due_on"],
        "status_label": row["status_label"],
        "days_left_label": row["days_left_label"],
        "reply_form": request.reply_form,
        "reply_text": mask_text(request.reply_text),
        "replied_on": row["replied_on"],
    }


def published_answers(session: Session, village: Village) -> list[dict[str, str]]:
    """Questions and answers shown on the board: masked, without name or phone."""
    rows = session.exec(
        select(InfoRequest)
        .where(InfoRequest.village_id == village.id, col(InfoRequest.published).is_(True))
        .order_by(col(InfoRequest.replied_on).desc(), col(InfoRequest.id).desc())
    )
    return [
        {
            "kind": r.kind,
            "topic": r.topic,
            "subject": mask_text(r.subject),
            "question": mask_text(r.question),
            "reply_form": r.reply_form,
            "reply_text": mask_text(r.reply_text),
            "received_on": r.received_on.isoformat(),
            "replied_on": r.replied_on.isoformat() if r.replied_on else "",
        }
        for r in rows
    ]


def request_stats(session: Session, villages: list[Village]) -> dict[str, Any]:
    """Received, answered, answered on time (%), median working days to answer."""
    if not villages:
        return {"received": 0, "answered": 0, "on_time": 0, "on_time_pct": None, "median_workdays": None}
    requests = session.exec(select(InfoRequest).where(col(InfoRequest.village_id).in_([v.id for v in villages]))).all()
    calendars: dict[int | None, WorkCalendar] = {}
    by_id = {v.id: v for v in villages}
    answered = [r for r in requests if r.status == "replied"]
    on_time = sum(1 for r in answered if r.due_on is not None and r.replied_on is not None and r.replied_on <= r.due_on)
    spans = []
    for r in answered:
        if r.replied_on is None:  # a replied request always has its day; the type cannot say so
            continue
        village = by_id[r.village_id]
        if village.township_id not in calendars:
            calendars[village.township_id] = calendar_for(session, village)
        spans.append(calendars[village.township_id].workdays_between(r.received_on, r.replied_on))
    return {
        "received": len(requests),
        "answered": len(answered),
        "on_time": on_time,
        "on_time_pct": round(100 * on_time / len(answered), 1) if answered else None,
        "median_workdays": statistics.median(spans) if spans else None,
    }


def refresh_open_deadlines(session: Session) -> int:
    """Recompute open deadlines, e.g. after a calendar file changed; returns how many moved."""
    moved = 0
    for request in session.exec(select(InfoRequest).where(InfoRequest.status != "replied")).all():
        before = request.due_on
        _refresh(session, request)
        moved += int(request.due_on != before)
    return moved


def reply_letter(session: Session, code: str, *, user: User | None) -> dict[str, Any]:
    """What the printable 答复书 shows; only for answered requests."""
    request, village = _staff_request(session, code, user, VIEWER_ROLES)
    if request.status != "replied":
        raise BoardError("申请还没有答复，不能打印答复书", field="状态")
    return {
        "code": request.code,
        "kind": request.kind,
        "village_name": village.name,
        "requester": request.requester_name or "申请人",
        "phone": mask_phone(request.phone),
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat() if request.due_on else "",
        "subject": request.subject,
        "question": request.question,
        "reply_form": request.reply_form,
        "reply_text": request.reply_text,
        "replied_on": request.replied_on.isoformat() if request.replied_on else "",
    }


def request_villages(session: Session) -> list[tuple[str, str]]:
    """Every village residents may ask (code, name), in code order."""
    return [(code, name) for code, name in session.exec(select(Village.code, Village.name).order_by(col(Village.code)))]


def statistics_rows(session: Session) -> list[dict[str, Any]]:
    """Public statistics: one row per village and one total per township."""
    rows: list[dict[str, Any]] = []
    townships = {t.id: t for t in session.exec(select(Township))}
    villages = list(session.exec(select(Village).order_by(col(Village.township_id), col(Village.code))))
    by_township: dict[int | None, list[Village]] = {}
    for village in villages:
        by_township.setdefault(village.township_id, []).append(village)
    for township_id, members in by_township.items():
        township = townships.get(township_id)
        for village in members:
            rows.append({"scope": village.name, **request_stats(session, [village])})
        rows.append({"scope": f"{township.name if township else '未归属乡镇'}合计", **request_stats(session, members)})
    return rows
