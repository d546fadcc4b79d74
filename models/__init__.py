"""SQLModel tables of the 三务公开栏: constraints only, no behaviour.

Money columns end in ``_fen`` and hold integer fen (BigInteger on every database,
because SQLite stores NUMERIC as REAL).  Everything a village enters for a month hangs
off ``Period``; what the public sees is only ever ``PublishedPeriod``.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import BigInteger, Column, Dialect, Index, LargeBinary, String, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(enum.StrEnum):
    admin = "admin"
    township = "township"  # 乡镇/街道 staff: read-only over their township
    clerk = "clerk"  # 村/社区 文书、报账员
    supervisor = "supervisor"  # 村务监督委员会 / 民主理财小组
    grid = "grid"  # 网格员


class PeriodStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    published = "published"


class Direction(enum.StrEnum):
    income = "in"
    expense = "out"


class Account(enum.StrEnum):
    cash = "cash"  # 现金
    bank = "bank"  # 银行存款


class DebtKind(enum.StrEnum):
    receivable = "receivable"  # 应收
    payable = "payable"  # 应付


class Channel(enum.StrEnum):
    """How a grid's digest reaches its group."""

    manual = "manual"  # the grid worker forwards the share pack by hand
    robot = "robot"  # 群机器人 webhook
    appchat = "appchat"  # 应用群聊
    customer_group = "customer_group"  # 客户群群发任务, confirmed by the grid worker


class MessageKind(enum.StrEnum):
    text = "text"
    file = "file"
    task = "task"  # a customer-group mass-send task
    share = "share"  # a manual forward of the share pack


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    retry = "retry"
    failed = "failed"
    ambiguous = "ambiguous"
    manual_pending = "manual_pending"
    manual_done = "manual_done"


class StrEnumText(TypeDecorator[enum.StrEnum]):
    """A StrEnum kept in a plain VARCHAR column (its value), read back as the member."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> enum.StrEnum | None:
        return None if value is None else self.enum_class(value)


class _Stored(Protocol):
    id: int | None


def row_id(row: _Stored) -> int:
    """The primary key of a row that is in the database: ``id`` is typed optional only because a new row has none
    until it is flushed, so a missing one here is a programming error, not bad input."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


def money_field(**kw: Any) -> Any:
    return Field(sa_type=BigInteger, **kw)


def text_field(**kw: Any) -> Any:
    return Field(sa_column=Column(Text, nullable=False, server_default=""), **kw)


class Township(SQLModel, table=True):
    """乡镇/街道."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=100)
    # 公开期限: day of the following month set by the admin screen; None = the installation's default.
    deadline_day: int | None = None


class Village(SQLModel, table=True):
    """村/社区."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    name: str = Field(max_length=100)
    township_id: int | None = Field(default=None, foreign_key="township.id", index=True)
    hotline: str = Field(default="", max_length=50)  # 监督电话
    board_address: str = Field(default="", max_length=200)  # 公开栏 location
    is_demo: bool = False


class LedgerCategory(SQLModel, table=True):
    """收支类别, editable per township (villages use the 2004 and the 2023 charts)."""

    __table_args__ = (UniqueConstraint("township_id", "direction", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int | None = Field(default=None, foreign_key="township.id", index=True)
    direction: Direction
    name: str = Field(max_length=50)
    sort_order: int = 0


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=50)
    display_name: str = Field(default="", max_length=50)
    role: Role
    password_hash: str = Field(max_length=200)
    township_id: int | None = Field(default=None, foreign_key="township.id")
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # Seeded with the demo: confined to demo villages, refused once a real village exists.
    is_demo: bool = False
    # Set by an administrator (reset or new account): the committee's steps wait until the user sets their own.
    password_temporary: bool = False


class UserVillage(SQLModel, table=True):
    """Which villages a clerk, supervisor or grid worker works for."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    village_id: int = Field(foreign_key="village.id", primary_key=True)


class Period(SQLModel, table=True):
    """One village-month (``YYYY-MM``) and its workflow state."""

    __table_args__ = (UniqueConstraint("village_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    period: str = Field(max_length=7)
    status: PeriodStatus = PeriodStatus.draft
    # Optimistic lock: every save checks and bumps it, so two clerks cannot overwrite each other.
    row_version: int = 1
    amendment_reason: str = Field(default="", max_length=1000)  # 更正说明 for the next version
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    rejection_comment: str = Field(default="", max_length=1000)
    published_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class AccountBalance(SQLModel, table=True):
    """Opening and closing balance of one account (现金/银行存款) for a period."""

    __table_args__ = (UniqueConstraint("period_id", "account"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    account: Account
    opening_fen: int = money_field(default=0)
    closing_fen: int = money_field(default=0)
    # 月末实有余额 the clerk reads off the bank statement or counts in the cash box; None until
    # entered.  The published closing_fen is this figure, and it must equal opening + in − out.
    statement_fen: int | None = Field(default=None, sa_type=BigInteger, nullable=True)


class LedgerEntry(SQLModel, table=True):
    """收支明细: one voucher line."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    line_no: int = 0
    entry_date: date
    voucher_no: str = Field(default="", max_length=30)  # 凭证号
    summary: str = Field(default="", max_length=200)  # 摘要
    category: str = Field(max_length=50)  # 科目 / 收支类别
    direction: Direction
    amount_fen: int = money_field()
    counterparty: str = Field(default="", max_length=100)
    handler: str = Field(default="", max_length=50)  # 经手人
    account: Account = Account.bank


class FixedAsset(SQLModel, table=True):
    """固定资产登记 as at the end of the period."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    name: str = Field(max_length=100)
    category: str = Field(default="", max_length=50)
    acquired_on: date | None = None
    # Registers often know only the year or the month: "day" | "month" | "year" (acquired_on is its first day).
    acquired_precision: str = Field(default="day", max_length=5, sa_column_kwargs={"server_default": "day"})
    quantity: int = 1
    original_value_fen: int = money_field(default=0)
    location: str = Field(default="", max_length=100)
    status: str = Field(default="在用", max_length=20)


class Debt(SQLModel, table=True):
    """债权债务: 应收 (owed to the village) or 应付 (owed by it)."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    kind: DebtKind
    counterparty: str = Field(max_length=100)
    amount_fen: int = money_field()
    due_on: date | None = None
    note: str = Field(default="", max_length=200)


class Resource(SQLModel, table=True):
    """集体资源 (耕地、林地、水面、厂房…) and who holds the contract."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    kind: str = Field(max_length=30)
    name: str = Field(max_length=100)
    area: str = Field(default="", max_length=50)
    holder: str = Field(default="", max_length=100)
    contract_start: date | None = None
    contract_end: date | None = None
    annual_fee_fen: int = money_field(default=0)


class PartyItem(SQLModel, table=True):
    """党务公开 item."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    category: str = Field(max_length=30)
    item_date: date
    title: str = Field(max_length=200)
    description: str = text_field()
    participants: int | None = None
    amount_fen: int | None = Field(default=None, sa_type=BigInteger)  # 党费


class AffairItem(SQLModel, table=True):
    """村务公开 item; subsidy items may carry a beneficiary list."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    category: str = Field(max_length=30)
    item_date: date
    title: str = Field(max_length=200)
    description: str = text_field()
    amount_fen: int | None = Field(default=None, sa_type=BigInteger)


class Beneficiary(SQLModel, table=True):
    """低保/救助/补贴 recipient: full ID and phone are staff-only, masked at publish time."""

    id: int | None = Field(default=None, primary_key=True)
    affair_id: int = Field(foreign_key="affairitem.id", index=True)
    name: str = Field(max_length=50)
    id_number: str = Field(default="", max_length=18)
    phone: str = Field(default="", max_length=20)
    group_name: str = Field(default="", max_length=30)  # 村民小组
    amount_fen: int = money_field(default=0)
    note: str = Field(default="", max_length=200)


class ServiceItem(SQLModel, table=True):
    """便民服务事项 and the materials a resident must bring."""

    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    sort_order: int = 0
    name: str = Field(max_length=100)
    materials: str = text_field()
    location: str = Field(default="", max_length=100)
    time_limit: str = Field(default="", max_length=50)
    contact: str = Field(default="", max_length=50)


class PublishedPeriod(SQLModel, table=True):
    """Immutable public snapshot of one village-month version.

    ``content_hash`` chains it to the previous snapshot's hash of the same village, so any edit
    or gap breaks the chain; how it is computed depends on the document's schema (board/commitment.py).
    """

    __table_args__ = (
        UniqueConstraint("village_id", "period", "version"),
        # One successor per snapshot: two concurrent publishes cannot fork a village's chain.
        UniqueConstraint("village_id", "prev_hash", name="uq_publishedperiod_chain"),
    )
    id: int | None = Field(default=None, primary_key=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    period: str = Field(max_length=7, index=True)
    version: int = 1
    amendment_reason: str = Field(default="", max_length=1000)
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64, unique=True)
    prev_hash: str = Field(default="", max_length=64)
    published_by: str = Field(default="", max_length=50)
    published_at: datetime = Field(default_factory=utcnow)
    # Re-anchoring (board/redaction.py): the schema 1–2 hash this version replaces, and that one's predecessor.
    anchor_hash: str = Field(default="", max_length=64, index=True)
    anchor_prev: str = Field(default="", max_length=64)


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(max_length=50)
    action: str = Field(max_length=50)
    village_id: int | None = Field(default=None, index=True)
    period: str = Field(default="", max_length=7)
    entity: str = Field(default="", max_length=50)
    entity_id: int | None = None
    before_json: str = text_field()
    after_json: str = text_field()


class ImportMapping(SQLModel, table=True):
    """Column mapping a clerk chose for an import kind, remembered per village."""

    __table_args__ = (UniqueConstraint("village_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    village_id: int = Field(foreign_key="village.id")
    kind: str = Field(max_length=30)
    mapping_json: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class Grid(SQLModel, table=True):
    """网格: a grid worker's group and how its digest is delivered."""

    __table_args__ = (UniqueConstraint("village_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    name: str = Field(max_length=50)
    worker: str = Field(default="", max_length=50)
    channel: Channel = Field(sa_type=StrEnumText(Channel, 20))
    key_ref: str = Field(default="", max_length=100)  # name of the env/secrets entry, never the key
    chat_id: str = Field(default="", max_length=100)
    sender: str = Field(default="", max_length=100)
    active: bool = True


class OutboxMessage(SQLModel, table=True):
    """One part of one push; the idempotency key makes enqueuing twice send once."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=64, unique=True)
    grid_id: int | None = Field(default=None, foreign_key="grid.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    period: str = Field(default="", max_length=7)
    snapshot_version: int = 1
    channel: Channel = Field(sa_type=StrEnumText(Channel, 20))
    target_ref: str = Field(default="", max_length=100)
    kind: MessageKind = Field(sa_type=StrEnumText(MessageKind, 20))
    # Set for a 政策问答 push (``snapshot_version`` is then the explainer's version, ``period`` empty).
    explainer_id: int | None = Field(default=None, foreign_key="policyexplainer.id", index=True)
    part_no: int = 1
    part_total: int = 1
    payload: str = text_field()
    file_name: str = Field(default="", max_length=200)
    file_sha256: str = Field(default="", max_length=64)
    status: OutboxStatus = Field(default=OutboxStatus.pending, sa_type=StrEnumText(OutboxStatus, 20), index=True)
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_errcode: int | None = None
    last_error: str = Field(default="", max_length=500)  # scrubbed
    provider_ref: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class WecomToken(SQLModel, table=True):
    """Cached access token per app (corp id + a hash of the secret name, never the secret)."""

    id: int | None = Field(default=None, primary_key=True)
    app_key: str = Field(max_length=64, unique=True)
    token: str = Field(max_length=600)
    expires_at: datetime


class ExplainerStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"


class PolicyExplainer(SQLModel, table=True):
    """政策问答 being written: editable while a draft; what the public sees is a version.

    ``number`` (第 N 期) is counted per township and given at the first approval.  No
    village rows in ``PolicyExplainerVillage`` means the whole township.
    """

    __table_args__ = (UniqueConstraint("township_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    number: int | None = None
    status: ExplainerStatus = ExplainerStatus.draft
    row_version: int = 1  # optimistic lock, as for months
    title: str = Field(max_length=200)
    issuer: str = Field(default="", max_length=100)  # 发文机关
    doc_number: str = Field(default="", max_length=60)  # 文号, e.g. 〔2026〕12号
    issued_on: date | None = None
    effective_on: date | None = None
    deadline_on: date | None = None
    source_name: str = Field(default="", max_length=200)
    source_sha256: str = Field(default="", max_length=64)
    source_file: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    source_text: str = text_field()
    one_sentence: str = text_field()  # 一句话说清楚
    q_what: str = text_field()  # 这是什么
    q_who: str = text_field()  # 谁能办/谁能领
    q_get: str = text_field()  # 能得到什么（钱数、标准）
    q_materials: str = text_field()  # 要带什么材料
    q_where: str = text_field()  # 去哪里办、怎么办
    q_deadline: str = text_field()  # 什么时候截止
    ask: str = text_field()  # 找谁问: the grid worker or a window, a landline or official number
    correction_note: str = Field(default="", max_length=1000)  # 更正说明 for the next version
    created_by: str = Field(max_length=50)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    approved_by: str | None = None
    approved_at: datetime | None = None


class PolicyExplainerVillage(SQLModel, table=True):
    """The villages an explainer concerns (none: the whole township)."""

    explainer_id: int = Field(foreign_key="policyexplainer.id", primary_key=True)
    village_id: int = Field(foreign_key="village.id", primary_key=True)


class PolicyExplainerVersion(SQLModel, table=True):
    """An approved explainer version, immutable; ``content_hash`` chains it to the township's previous one."""

    __table_args__ = (
        UniqueConstraint("explainer_id", "version"),
        UniqueConstraint("township_id", "prev_hash", name="uq_policyexplainerversion_chain"),
    )
    id: int | None = Field(default=None, primary_key=True)
    explainer_id: int = Field(foreign_key="policyexplainer.id", index=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    version: int = 1
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64, unique=True)
    prev_hash: str = Field(default="", max_length=64)
    approved_by: str = Field(default="", max_length=50)
    approved_at: datetime = Field(default_factory=utcnow)


class InfoRequest(SQLModel, table=True):
    """A resident's 依申请公开 request or 村务质询; the phone is for the reply only.

    ``due_on`` is derived from the request's events on the working-day calendar and stored
    so inboxes and overdue lists are one indexed query; every event recomputes it.
    """

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True, index=True)  # 查询码
    village_id: int = Field(foreign_key="village.id", index=True)
    kind: str = Field(max_length=20)  # 依申请公开 | 村务质询
    topic: str = Field(default="", max_length=20)  # 村务事项 | 收支明细 | 政策解读 | 其他
    subject: str = Field(max_length=200)
    question: str = text_field()
    requester_name: str = Field(default="", max_length=50)
    phone: str = Field(max_length=20)
    answer_form: str = Field(default="", max_length=20)  # 纸质 | 电子 | 当面查阅 | 短信告知
    publish_consent: bool = False
    client_hash: str = Field(default="", max_length=64, index=True)
    received_on: date
    status: str = Field(default="pending", max_length=20, index=True)
    due_on: date | None = Field(default=None, index=True)
    reply_form: str = Field(default="", max_length=20)
    reply_text: str = text_field()
    replied_on: date | None = None
    replied_by: str = Field(default="", max_length=50)
    published: bool = False
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RequestEvent(SQLModel, table=True):
    """One step of a request (received, 补正, consultation, extension, reply, reminder)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="inforequest.id", index=True)
    kind: str = Field(max_length=20)
    on_day: date
    days: int = 0  # extension length in working days
    note: str = text_field()
    by: str = Field(default="", max_length=50)
    at: datetime = Field(default_factory=utcnow)


class RequestPolicy(SQLModel, table=True):
    """A township's local settings for requests (村务质询 reply time)."""

    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", unique=True)
    inquiry_days: int = 10


class CatalogueItem(SQLModel, table=True):
    """One entry of a township's disclosure catalogue (三项清单) with the five elements."""

    __table_args__ = (UniqueConstraint("township_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    township_id: int = Field(foreign_key="township.id", index=True)
    list_kind: str = Field(max_length=10)  # 主动公开 | 依申请公开 | 不予公开
    stream: str = Field(max_length=10)  # 财务 | 村务 | 党务
    name: str = Field(max_length=100)  # 公开什么
    content: str = text_field()
    basis: str = Field(default="", max_length=300)  # 依据
    responsible: str = Field(default="", max_length=100)  # 谁来公开
    audience: str = Field(default="", max_length=100)  # 向谁公开
    channels: str = Field(default="", max_length=100)  # 怎么公开, "、"-separated
    timing: str = Field(default="", max_length=20)  # monthly | quarterly | event | at_once
    timing_n: int = 0
    source: str = Field(default="", max_length=50)  # what in a publication covers it
    withhold_reason: str = Field(default="", max_length=300)
    sort_order: int = 0


class SnapshotCoverage(SQLModel, table=True):
    """What one published snapshot covers, read once from its JSON for compliance queries."""

    __table_args__ = (Index("ix_snapshotcoverage_village_period", "village_id", "period"),)
    snapshot_id: int = Field(foreign_key="publishedperiod.id", primary_key=True)
    village_id: int = Field(foreign_key="village.id")
    period: str = Field(max_length=7)
    published_on: date
    sources: str = text_field()  # "|"-separated catalogue sources present
    event_days: str = text_field()  # "|"-separated dates of major payments


# --- Login throttling (safety) ---


class LoginEvent(SQLModel, table=True):
    """A failed login (``ok`` false) or a known username-and-address pair (``ok`` true).

    ``key`` is a hash of what is counted (username, client address, or both), so the table
    holds neither; ``at`` is seconds since the epoch.  Kept in the database so a restart or a
    second server process does not reset the count.
    """

    __table_args__ = (Index("ix_loginevent_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64)
    ok: bool = False
    at: float = Field(index=True)
