"""What the public board shows, as plain data: sections of metrics, texts, tables and charts.

Built from one published snapshot only.  The Streamlit page (phone view and kiosk) and
the static HTML export both render this view, so they cannot disagree on a number.
Every string here may contain user text: renderers must escape it (``html.escape`` for
HTML, ``markdown_escape`` for Streamlit's markdown-rendering elements).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from board.balance import ACCOUNT_LABELS
from board.errors import IntegrityFailure
from board.lru import LRU
from board.money import format_wan, format_yuan
from board.periods import check_period, period_label
from board.public import published_periods, published_snapshot
from board.public_record import Finance, PublicRecord
from board.records import DIRECTION_LABELS
from board.snapshot import chain_head_hash
from board.villages import get_village
from infra.db import unit_of_work
from models import Account, Direction, PublishedPeriod, Village, row_id
from views.charts import (
    Chart,
    assets_chart,
    balance_trend_chart,
    expense_category_chart,
    income_expense_chart,
    largest_expenses_chart,
    text_em,
)
from views.public_tables import (
    AFFAIRS,
    ASSET_GROUPS,
    BENEFICIARIES,
    DEBTS,
    LARGEST_EXPENSES,
    LEDGER,
    PARTY,
    RESOURCES,
    SERVICES,
    debt_rows,
)

DEFAULT_ROTATE_SECONDS = 15
MIN_ROTATE_SECONDS = 5
MAX_ROTATE_SECONDS = 600
VIEW_CACHE_SIZE = 256
KIOSK_TABLE_ROWS = 10  # one-line rows that fit one 1080 px kiosk slide at 28 px text
# Kiosk geometry, for estimating how many lines a table cell wraps to: 28 px text on a
# 1824 px wide slide, and Streamlit's st.table caps each cell at 25rem (400 px).
KIOSK_FONT_PX = 28
KIOSK_WIDTH_PX = 1824
KIOSK_CELL_PX = 400
KIOSK_CELL_PAD_PX = 24
KIOSK_CELL_LINES = 3  # a longer cell is cut, pointing to the phone view
KIOSK_TEXT_LINES = 3
MORE_ON_PHONE = "…（详见手机版）"


@dataclass(frozen=True)
class Metric:
    label: str
    value: str  # as people say it (万元)
    detail: str = ""  # the exact amount in 元


@dataclass(frozen=True)
class Metrics:
    items: tuple[Metric, ...]


@dataclass(frozen=True)
class Text:
    text: str
    tone: str = "plain"  # "plain" | "notice" (更正、演示) | "note" (small print)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    label: str = ""
    collapsed: bool = False  # phone/HTML: folded away behind ``label``
    kiosk: bool = True  # shown on the kiosk (paginated)


Block = Metrics | Text | Table | Chart


@dataclass(frozen=True)
class Section:
    key: str
    group: str  # 财务 / 村务 / 党务 / 便民服务 / 更正说明
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class BoardView:
    village_code: str
    village_name: str
    township: str
    period: str
    version: int
    published_on: str
    hotline: str
    hash: str
    short_hash: str
    demo: bool
    amendment_reason: str
    periods: tuple[str, ...]  # published months, newest first
    closing_fen: int
    sections: tuple[Section, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{self.village_name} 三务公开栏"

    @property
    def footer(self) -> str:
        parts = [self.village_name, period_label(self.period), f"公开日期 {self.published_on}"]
        if self.version > 1:
            parts.append(f"第{self.version}版（已更正）")
        if self.hotline:
            parts.append(f"监督电话 {self.hotline}")
        parts.append(f"核验码 {self.short_hash}")
        return " · ".join(parts)


@dataclass(frozen=True)
class BoardParams:
    village: str | None
    period: str | None
    kiosk: bool
    rotate: int
    slide: int | None
    policy: int | None = None  # a 政策问答 to show first (the link sent to the groups)


def _first(query: Mapping, name: str) -> str | None:
    value = query.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    value = (value or "").strip()
    return value or None


def parse_board_params(query: Mapping) -> BoardParams:
    """``?village=CODE&period=YYYY-MM&kiosk=1&rotate=SECONDS&slide=N&policy=ID``; bad numbers fall back to defaults."""
    rotate = _first(query, "rotate")
    slide = _first(query, "slide")
    policy = _first(query, "policy")
    return BoardParams(
        village=_first(query, "village"),
        period=_first(query, "period"),
        kiosk=_first(query, "kiosk") in ("1", "true", "yes"),
        rotate=min(max(int(rotate), MIN_ROTATE_SECONDS), MAX_ROTATE_SECONDS)
        if rotate and rotate.isdigit()
        else DEFAULT_ROTATE_SECONDS,
        slide=int(slide) if slide and slide.isdigit() else None,
        policy=int(policy) if policy and policy.isdigit() else None,
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:~$&=^])")


def markdown_escape(text: str) -> str:
    """User text for Streamlit elements that render markdown (tables, captions, metrics)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def public_villages(engine: Engine) -> list[tuple[str, str]]:
    """(code, name) of the villages that have published at least one month.

    The name is the one signed into the village's newest published version, never the editable
    village row: a changed row must not reach residents under a valid 核验码.
    """
    with unit_of_work(engine) as session:
        villages = session.exec(
            select(Village)
            .where(col(Village.id).in_(select(PublishedPeriod.village_id).distinct()))
            .order_by(col(Village.code))
        ).all()
        return [(village.code, _signed_name(session, village)) for village in villages]


# The signed name of a village's newest month, by the village's chain head (a new version changes it).
_signed_names: LRU[tuple[str, str], str] = LRU(entries=1024)


def _signed_name(session: Session, village: Village) -> str:
    key = (village.code, chain_head_hash(session, row_id(village)) or "")
    name = _signed_names.get(key)
    if name is None:
        try:
            name = published_snapshot(session, village).village.name
        except IntegrityFailure:
            return village.code  # its board shows the refusal; no unsigned name meanwhile
        _signed_names.put(key, name)
    return name


# A snapshot's content changes only by a redaction (``render_key``), so its view (mostly plotly figures, which cost
# far more to build than the snapshot costs to read) is built once per hash and shared.
_views: LRU[tuple[str, bool, tuple[str, ...]], BoardView] = LRU(entries=VIEW_CACHE_SIZE)


def load_board(engine: Engine, village_code: str, period: str | None = None, *, kiosk: bool = False) -> BoardView:
    """The board of a village-month (default: the newest published month)."""
    if period is not None:
        check_period(period)
    with unit_of_work(engine) as session:
        village = get_village(session, village_code)
        periods = tuple(published_periods(session, village))
        # Default: the newest of ``periods``, read once (none published: published_snapshot says so).
        snapshot = published_snapshot(session, village, period or (periods[0] if periods else None))
    key = (snapshot.render_key, kiosk, periods)
    view = _views.get(key)
    if view is None:
        view = build_board(snapshot, periods, kiosk=kiosk)
        _views.put(key, view)
    return view


def _change(subject: str, fen: int) -> str:
    if fen == 0:
        return f"{subject}和上月一样。"
    return f"{subject}比上月{'多' if fen > 0 else '少'}了{format_wan(abs(fen))}。"


def compare_sentences(snapshot: PublicRecord) -> list[str]:
    """ "比上月" in plain words: balance, income, spending and the category that moved most."""
    previous = snapshot.previous
    if not previous:
        return ["上个月没有公开数据，无法和上月比较。"]
    totals = snapshot.finance.totals
    sentences = [
        _change("月末账上的钱", totals.closing_fen - previous.closing_fen),
        _change("本月收入", totals.income_fen - previous.income_fen),
        _change("本月支出", totals.expense_fen - previous.expense_fen),
    ]
    now = {c.category: c.amount_fen for c in snapshot.finance.expense_by_category}
    before = {c.category: c.amount_fen for c in previous.expense_by_category}
    moves = {c: now.get(c, 0) - before.get(c, 0) for c in set(now) | set(before)}
    if moves:
        category = max(sorted(moves), key=lambda c: abs(moves[c]))
        if moves[category]:
            word = "多" if moves[category] > 0 else "少"
            sentences.append(f"支出变化最大的是{category}，比上月{word}花了{format_wan(abs(moves[category]))}。")
    return sentences


def transfer_note(finance: Finance) -> str | None:
    """The line under a full ledger saying how much moved between the village's own accounts."""
    if not finance.transfers.count:
        return None
    return f"内部转账（现金⇄银行存款，不计入收支）：{format_yuan(finance.transfers.amount_fen)}"


def _finance_sections(snapshot: PublicRecord, kiosk: bool) -> list[Section]:
    finance = snapshot.finance
    totals = finance.totals
    accounts = {a.account: a for a in finance.accounts}
    balance = Section(
        "balance",
        "财务",
        "账上有多少钱",
        (
            Metrics(
                (
                    Metric("月末账上共有", format_wan(totals.closing_fen), format_yuan(totals.closing_fen)),
                    *(
                        Metric(
                            f"其中{ACCOUNT_LABELS[acc]}",
                            format_wan(accounts[Account(acc)].closing_fen),
                            format_yuan(accounts[Account(acc)].closing_fen),
                        )
                        for acc in ACCOUNT_LABELS
                        if acc in accounts
                    ),
                )
            ),
            *(Text(s) for s in compare_sentences(snapshot)),
        ),
    )
    flow = Section(
        "income_expense",
        "财务",
        "这个月收了多少、花了多少",
        (
            Metrics(
                (
                    Metric("本月收入", format_wan(totals.income_fen), format_yuan(totals.income_fen)),
                    Metric("本月支出", format_wan(totals.expense_fen), format_yuan(totals.expense_fen)),
                    Metric("月初账上", format_wan(totals.opening_fen), format_yuan(totals.opening_fen)),
                )
            ),
            income_expense_chart(snapshot, kiosk=kiosk),
        ),
    )
    major = finance.major_payments
    spending_blocks: list[Block] = [
        expense_category_chart(snapshot, kiosk=kiosk),
        largest_expenses_chart(snapshot, kiosk=kiosk),
    ]
    if major:
        spending_blocks.append(
            Text(
                f"本月单笔5万元以上的支出共{len(major)}笔，合计{format_wan(sum(x.amount_fen for x in major))}，"
                "按规定须经“四议两公开”并专项公开。",
                tone="notice",
            )
        )
    spending_blocks.append(
        Table(
            LARGEST_EXPENSES.labels,
            LARGEST_EXPENSES.rows(finance.largest_expenses),
            label="支出最多的几笔",
            kiosk=False,
        )
    )
    spending = Section("spending", "财务", "钱花在哪儿", tuple(spending_blocks))
    trend = Section(
        "trend", "财务", f"近{len(snapshot.history)}个月账上余额", (balance_trend_chart(snapshot, kiosk=kiosk),)
    )
    assets = finance.assets
    assets_section = Section(
        "assets",
        "财务",
        "村集体固定资产",
        (
            Metrics((Metric("固定资产原值合计", format_wan(assets.total_fen), format_yuan(assets.total_fen)),)),
            assets_chart(snapshot, kiosk=kiosk),
            Table(
                ASSET_GROUPS.labels,
                ASSET_GROUPS.rows(assets.by_category)
                + (("合计", str(len(assets.items)), format_yuan(assets.total_fen)),),
                label="按类别汇总",
                kiosk=False,
            ),
        ),
    )
    debts = finance.debts
    debts_section = Section(
        "debts",
        "财务",
        "村里的债权债务",
        (
            Metrics(
                (
                    Metric(
                        "别人欠村里（应收）",
                        format_wan(debts.receivable_total_fen),
                        format_yuan(debts.receivable_total_fen),
                    ),
                    Metric(
                        "村里欠别人（应付）", format_wan(debts.payable_total_fen), format_yuan(debts.payable_total_fen)
                    ),
                )
            ),
            Table(DEBTS.labels, DEBTS.rows(debt_rows(debts.receivable, debts.payable))),
        ),
    )
    sections = [balance, flow, spending, trend, assets_section, debts_section]
    if finance.resources:
        sections.append(
            Section(
                "resources",
                "财务",
                "资源发包",
                (Table(RESOURCES.labels, RESOURCES.rows(finance.resources)),),
            )
        )
    ledger_rows = LEDGER.rows(finance.ledger)
    # The 本月合计 rows are the village totals, which leave out internal transfers.
    ledger_rows += (
        ("", "", "本月合计", "", DIRECTION_LABELS[Direction.income], format_yuan(totals.income_fen), ""),
        ("", "", "本月合计", "", DIRECTION_LABELS[Direction.expense], format_yuan(totals.expense_fen), ""),
    )
    note = transfer_note(finance)
    if note:
        ledger_rows += (("", "", note, "", "", "", ""),)
    sections.append(
        Section(
            "ledger",
            "财务",
            "本月收支明细（逐笔）",
            (
                Table(
                    LEDGER.labels,
                    ledger_rows,
                    label=f"展开查看本月全部{len(finance.ledger)}笔收支",
                    collapsed=True,
                    kiosk=False,
                ),
            ),
        )
    )
    return sections


def _affairs_sections(snapshot: PublicRecord) -> list[Section]:
    affairs = snapshot.affairs
    with_people = [a for a in affairs if a.beneficiary_count]
    others = [a for a in affairs if not a.beneficiary_count]
    sections = []
    if others:
        sections.append(
            Section(
                "affairs",
                "村务",
                "村务决定、项目和审批",
                (Table(AFFAIRS.labels, AFFAIRS.rows(others)),),
            )
        )
    for n, item in enumerate(with_people, start=1):
        sections.append(
            Section(
                f"subsidy_{n}",
                "村务",
                item.title,
                (
                    Text(
                        f"{item.date.isoformat()} 发放给{item.beneficiary_count}户，合计{format_yuan(item.beneficiary_total_fen)}。"
                        f"{item.description}"
                    ),
                    Table(BENEFICIARIES.labels, BENEFICIARIES.rows(item.beneficiaries)),
                ),
            )
        )
    if not affairs:
        sections.append(Section("affairs", "村务", "村务公开", (Text("本月没有需要公开的村务事项。"),)))
    return sections


def _party_section(snapshot: PublicRecord) -> Section:
    party = snapshot.party
    if not party:
        return Section("party", "党务", "党务公开", (Text("本月没有需要公开的党务事项。"),))
    dues = sum(p.amount_fen or 0 for p in party if "党费" in p.category)
    new_members = [p for p in party if "发展党员" in p.category]
    summary = [f"本月开展党务活动{len(party)}项"]
    if new_members:
        summary.append(f"发展党员事项{len(new_members)}项")
    if dues:
        summary.append(f"收缴党费{format_yuan(dues)}")
    return Section(
        "party",
        "党务",
        "党务公开",
        (
            Text("，".join(summary) + "。"),
            Table(PARTY.labels, PARTY.rows(party)),
        ),
    )


def _services_section(snapshot: PublicRecord) -> Section:
    services = snapshot.services
    contacts = sorted({s.contact for s in services if s.contact})
    blocks: list[Block] = [
        Table(
            SERVICES.labels,
            SERVICES.rows(services),
            label=f"展开查看全部{len(services)}项服务" if len(services) > KIOSK_TABLE_ROWS else "",
            collapsed=len(services) > KIOSK_TABLE_ROWS,
        )
    ]
    if contacts:
        blocks.insert(0, Text("咨询电话：" + "、".join(contacts)))
    return Section("services", "便民服务", "便民服务事项", tuple(blocks))


def build_board(snapshot: PublicRecord, periods: list[str] | tuple[str, ...], *, kiosk: bool = False) -> BoardView:
    """The whole board of one published snapshot."""
    village = snapshot.village
    sections: list[Section] = []
    if snapshot.version > 1 or snapshot.amendment_reason:
        sections.append(
            Section(
                "amendment",
                "更正说明",
                "更正说明",
                (
                    Text(
                        f"本月公开内容已更正，现在显示的是第{snapshot.version}版。"
                        f"更正原因：{snapshot.amendment_reason or '未填写'}",
                        tone="notice",
                    ),
                ),
            )
        )
    if snapshot.redaction_notice:
        sections.append(Section("redaction", "依法隐去", "依法隐去", (Text(snapshot.redaction_notice, tone="notice"),)))
    sections += _finance_sections(snapshot, kiosk)
    sections += _affairs_sections(snapshot)
    sections.append(_party_section(snapshot))
    sections.append(_services_section(snapshot))
    return BoardView(
        village_code=village.code,
        village_name=village.name,
        township=village.township,
        period=snapshot.period,
        version=snapshot.version,
        published_on=snapshot.published_on.isoformat(),
        hotline=village.hotline,
        hash=snapshot.hash,
        short_hash=snapshot.short_hash,
        demo=village.demo,
        amendment_reason=snapshot.amendment_reason,
        periods=tuple(periods),
        closing_fen=snapshot.finance.totals.closing_fen,
        sections=tuple(sections),
    )


def _lines(text: str, per_line: float) -> int:
    return sum(max(1, math.ceil(text_em(part) / per_line)) for part in str(text).split("\n"))


def _shorten(text: str, per_line: float, max_lines: int) -> str:
    """``text`` cut to ``max_lines`` wrapped lines, ending with a pointer to the phone view."""
    if _lines(text, per_line) <= max_lines:
        return text
    room = per_line * max_lines - text_em(MORE_ON_PHONE)
    cut, used = [], 0.0
    for ch in text.replace("\n", " "):
        used += text_em(ch)
        if used > room:
            break
        cut.append(ch)
    return "".join(cut) + MORE_ON_PHONE


def _kiosk_cell_em(columns: int) -> float:
    """Characters (em) per line in a kiosk table cell; 10% slack because wrapping wastes some."""
    px = min(KIOSK_CELL_PX, KIOSK_WIDTH_PX / columns) - KIOSK_CELL_PAD_PX
    return px / KIOSK_FONT_PX * 0.9


def _kiosk_pages(table: Table, budget: int) -> list[tuple[tuple[str, ...], ...]]:
    """The table's rows, long cells cut, grouped so each group wraps to at most ``budget`` lines."""
    per_line = _kiosk_cell_em(len(table.columns))
    pages: list[list[tuple[str, ...]]] = [[]]
    used = 0
    for row in table.rows:
        row = tuple(_shorten(c, per_line, KIOSK_CELL_LINES) for c in row)
        height = max((_lines(c, per_line) for c in row), default=1)
        if pages[-1] and used + height > budget:
            pages.append([])
            used = 0
        pages[-1].append(row)
        used += height
    return [tuple(rows) for rows in pages]


def kiosk_slides(view: BoardView, lines: int = KIOSK_TABLE_ROWS) -> list[Section]:
    """The kiosk's rotation: one slide per section, long tables split so nothing scrolls.

    Tables are paged by the lines their rows wrap to on the big screen (not by row count),
    long cells and texts are cut with a pointer to the phone view.
    """
    text_per_line = (KIOSK_WIDTH_PX / KIOSK_FONT_PX) * 0.9
    slides = []
    for section in view.sections:
        blocks = [b for b in section.blocks if not isinstance(b, Table) or b.kiosk]
        if not blocks:
            continue
        tables = [b for b in blocks if isinstance(b, Table)]
        paged = {id(t): _kiosk_pages(t, max(1, lines // len(tables))) for t in tables}
        pages = max((len(p) for p in paged.values()), default=1)
        for page in range(pages):
            page_blocks: list[Block] = []
            for b in blocks:
                if isinstance(b, Table):
                    chunks = paged[id(b)]
                    page_blocks.append(replace(b, rows=chunks[page] if page < len(chunks) else (), collapsed=False))
                elif page == 0:
                    page_blocks.append(
                        replace(b, text=_shorten(b.text, text_per_line, KIOSK_TEXT_LINES)) if isinstance(b, Text) else b
                    )
            title = section.title if pages == 1 else f"{section.title}（{page + 1}/{pages}）"
            slides.append(replace(section, key=f"{section.key}_{page + 1}", title=title, blocks=tuple(page_blocks)))
    return slides


def kiosk_slide_index(slides: int, rotate: int, now: float, pinned: int | None = None) -> int:
    """Which slide a kiosk shows: from the wall clock, so no counter has to survive a reconnect."""
    if pinned is not None:
        return pinned % slides
    return int(now // rotate) % slides
