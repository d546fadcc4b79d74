"""Writes the static public site from published records (see ``exports.site`` for the layout)."""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import qrcode
import qrcode.image.svg
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import Engine

from board.balance import ACCOUNT_LABELS
from board.digest import spoken_summary
from board.errors import BoardError
from board.links import board_url, kiosk_path, month_path, policy_path
from board.money import format_wan, format_yuan
from board.periods import check_period, period_label
from board.policy import public_explainers, today_shanghai
from board.public import published_periods, published_snapshot, published_versions
from board.public_record import PublicRecord
from board.villages import get_village
from exports.policy_html import write_policy_page
from exports.site.svg import SiteChart, month_charts
from infra.db import unit_of_work
from models import Account
from views.board_view import compare_sentences, public_villages, transfer_note
from views.charts import FONT_STACK
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
    TableSchema,
    debt_rows,
)

PAGE = "index.html"
COMPRESSED = (".html", ".json", ".txt", ".svg", ".css", ".js")
KIOSK_ROWS = 6  # rows of one table on a kiosk slide (two lines each at most)
KIOSK_SLIDE_ROWS = 12  # rows on one slide, a table heading counting as two
KIOSK_CYCLE_SECONDS = 90
KIOSK_SLIDE_SECONDS = (8, 15)

env = Environment(
    loader=PackageLoader("exports.site", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(font_stack=FONT_STACK, period_label=period_label)


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # as people say it (万元)
    exact: str  # 元, to the fen


@dataclass(frozen=True)
class SiteTable:
    schema: TableSchema
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    folded: str = ""  # a <details> summary when the table is long

    @property
    def labels(self) -> tuple[str, ...]:
        return self.schema.labels

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.schema.kinds


@dataclass(frozen=True)
class SiteSection:
    key: str
    title: str
    nav: str  # the jump link's short name
    figures: tuple[Figure, ...] = ()
    texts: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    charts: tuple[SiteChart, ...] = ()
    tables: tuple[SiteTable, ...] = ()


@dataclass(frozen=True)
class Slide:
    title: str
    figures: tuple[Figure, ...] = ()
    texts: tuple[str, ...] = ()
    chart: SiteChart | None = None
    tables: tuple[SiteTable, ...] = ()


@dataclass(frozen=True)
class VillageExport:
    code: str
    name: str
    dir: Path
    pages: list[Path]
    index: Path
    latest: Path
    kiosk: Path
    policy: Path | None = None


@dataclass(frozen=True)
class SiteExport:
    out_dir: Path
    index: Path
    villages: list[VillageExport] = field(default_factory=list)

    @property
    def pages(self) -> list[Path]:
        return [p for v in self.villages for p in v.pages]


def write_file(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` (and its ``.gz`` twin); untouched when the bytes are the same."""
    path.parent.mkdir(parents=True, exist_ok=True)
    twin = path.with_name(path.name + ".gz") if path.suffix in COMPRESSED else None
    if path.is_file() and path.read_bytes() == data and (twin is None or twin.is_file()):
        return False
    for target, body in ((path, data), (twin, gzip.compress(data, 9, mtime=0) if twin else None)):
        if target is None or body is None:
            continue
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return True


def _render(template: str, **context) -> bytes:
    return env.get_template(template).render(**context).encode("utf-8")


def _figures(record: PublicRecord) -> tuple[Figure, ...]:
    totals = record.finance.totals
    return (
        Figure("账上有多少", format_wan(totals.closing_fen), format_yuan(totals.closing_fen)),
        Figure("收了多少", format_wan(totals.income_fen), format_yuan(totals.income_fen)),
        Figure("花了多少", format_wan(totals.expense_fen), format_yuan(totals.expense_fen)),
    )


def _sections(record: PublicRecord, charts: list[SiteChart]) -> list[SiteSection]:
    finance, totals = record.finance, record.finance.totals
    by_key = {c.key: c for c in charts}
    accounts = {a.account: a for a in finance.accounts}
    sections = [
        SiteSection(
            "balance",
            "账上有多少钱",
            "账上",
            figures=(
                *(
                    Figure(
                        f"月末{ACCOUNT_LABELS[a]}",
                        format_wan(accounts[Account(a)].closing_fen),
                        format_yuan(accounts[Account(a)].closing_fen),
                    )
                    for a in ACCOUNT_LABELS
                    if a in accounts
                ),
                Figure("月初账上", format_wan(totals.opening_fen), format_yuan(totals.opening_fen)),
            ),
            texts=tuple(compare_sentences(record)),
            charts=tuple(by_key[k] for k in ("trend",) if k in by_key),
        ),
        SiteSection(
            "income_expense",
            "这个月收了多少、花了多少",
            "收支",
            charts=tuple(by_key[k] for k in ("income_expense",) if k in by_key),
        ),
    ]
    major = finance.major_payments
    notices: tuple[str, ...] = ()
    if major:
        notices = (
            f"本月单笔5万元以上的支出共{len(major)}笔，合计{format_wan(sum(x.amount_fen for x in major))}，"
            "按规定须经“四议两公开”并专项公开。",
        )
    sections.append(
        SiteSection(
            "spending",
            "钱花在哪儿",
            "花在哪儿",
            notices=notices,
            charts=tuple(by_key[k] for k in ("expense_categories",) if k in by_key),
            tables=(SiteTable(LARGEST_EXPENSES, LARGEST_EXPENSES.rows(finance.largest_expenses), "支出最多的几笔"),),
        )
    )
    assets, debts = finance.assets, finance.debts
    sections.append(
        SiteSection(
            "assets",
            "资产和债权债务",
            "资产",
            figures=(
                Figure("固定资产原值", format_wan(assets.total_fen), format_yuan(assets.total_fen)),
                Figure("别人欠村里", format_wan(debts.receivable_total_fen), format_yuan(debts.receivable_total_fen)),
                Figure("村里欠别人", format_wan(debts.payable_total_fen), format_yuan(debts.payable_total_fen)),
            ),
            tables=(
                SiteTable(ASSET_GROUPS, ASSET_GROUPS.rows(assets.by_category), "固定资产按类别"),
                SiteTable(DEBTS, DEBTS.rows(debt_rows(debts.receivable, debts.payable)), "债权债务明细"),
            ),
        )
    )
    if finance.resources:
        sections.append(
            SiteSection(
                "resources",
                "资源发包",
                "资源",
                tables=(SiteTable(RESOURCES, RESOURCES.rows(finance.resources)),),
            )
        )
    note = transfer_note(finance)
    sections.append(
        SiteSection(
            "ledger",
            "本月收支明细（逐笔）",
            "明细",
            texts=(
                f"本月合计：收入{format_yuan(totals.income_fen)}，支出{format_yuan(totals.expense_fen)}。",
                *((note,) if note else ()),
            ),
            tables=(
                SiteTable(
                    LEDGER,
                    LEDGER.rows(finance.ledger),
                    folded=f"展开查看本月全部{len(finance.ledger)}笔收支",
                ),
            ),
        )
    )
    affairs = record.affairs
    others = [a for a in affairs if not a.beneficiary_count]
    tables = [SiteTable(AFFAIRS, AFFAIRS.rows(others), "村务决定、项目和审批")] if others else []
    texts = [] if affairs else ["本月没有需要公开的村务事项。"]
    for item in (a for a in affairs if a.beneficiary_count):
        texts.append(
            f"{item.title}：{item.date.isoformat()} 发放给{item.beneficiary_count}户，"
            f"合计{format_yuan(item.beneficiary_total_fen)}。{item.description}"
        )
        tables.append(SiteTable(BENEFICIARIES, BENEFICIARIES.rows(item.beneficiaries), f"{item.title}名单"))
    sections.append(SiteSection("affairs", "村务公开", "村务", texts=tuple(texts), tables=tuple(tables)))
    party = record.party
    sections.append(
        SiteSection(
            "party",
            "党务公开",
            "党务",
            texts=(f"本月开展党务活动{len(party)}项。",) if party else ("本月没有需要公开的党务事项。",),
            tables=(SiteTable(PARTY, PARTY.rows(party)),) if party else (),
        )
    )
    services = record.services
    contacts = sorted({s.contact for s in services if s.contact})
    sections.append(
        SiteSection(
            "services",
            "便民服务事项",
            "便民服务",
            texts=("咨询电话：" + "、".join(contacts),) if contacts else (),
            tables=(
                SiteTable(
                    SERVICES,
                    SERVICES.rows(services),
                    folded=f"展开查看全部{len(services)}项服务" if len(services) > 10 else "",
                ),
            )
            if services
            else (),
        )
    )
    return sections


def _chunks(rows: tuple[tuple[str, ...], ...], size: int) -> list[tuple[tuple[str, ...], ...]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [()]


def kiosk_slides(record: PublicRecord, charts: list[SiteChart]) -> list[Slide]:
    """The rotation: short parts merged, long tables paged, at most a 90 s cycle at the slowest pace."""
    finance = record.finance
    by_key = {c.key: c for c in charts}
    slides = [
        Slide(
            "这个月的钱",
            figures=_figures(record),
            texts=tuple(compare_sentences(record)[:2]),
            chart=by_key.get("income_expense"),
        ),
    ]
    if "expense_categories" in by_key:
        slides.append(Slide("钱花在哪儿", chart=by_key["expense_categories"]))
    if "trend" in by_key:
        slides.append(Slide("账上余额的变化", chart=by_key["trend"]))
    assets, debts = finance.assets, finance.debts
    slides.append(
        Slide(
            "资产和债权债务",
            figures=(
                Figure("固定资产原值", format_wan(assets.total_fen), format_yuan(assets.total_fen)),
                Figure("别人欠村里", format_wan(debts.receivable_total_fen), format_yuan(debts.receivable_total_fen)),
                Figure("村里欠别人", format_wan(debts.payable_total_fen), format_yuan(debts.payable_total_fen)),
            ),
        )
    )
    parts: list[SiteTable] = []
    if record.affairs:
        parts += _kiosk_tables("村务公开", AFFAIRS.only("date", "title", "amount_fen"), record.affairs)
    if record.party:
        parts += _kiosk_tables("党务公开", PARTY.only("date", "title", "participants"), record.party)
    if record.services:
        parts += _kiosk_tables("便民服务", SERVICES.only("name", "location", "time_limit"), record.services)
    # Short tables share a slide: a heading counts as two rows.
    room = KIOSK_CYCLE_SECONDS // KIOSK_SLIDE_SECONDS[0] - len(slides)
    packed: list[list[SiteTable]] = []
    for part in parts:
        if packed and sum(len(t.rows) + 2 for t in packed[-1]) + len(part.rows) + 2 <= KIOSK_SLIDE_ROWS:
            packed[-1].append(part)
        else:
            packed.append([part])
    if len(packed) > room:
        packed = packed[:room]
        packed[-1][-1] = replace(packed[-1][-1], folded="更多内容请扫二维码在手机上查看。")
    for group in packed:
        titles = list(dict.fromkeys(t.title.split("（")[0] for t in group))
        slides.append(Slide("、".join(titles), tables=tuple(group)))
    return slides


def _kiosk_tables(title: str, schema: TableSchema, items) -> list[SiteTable]:
    pages = _chunks(schema.rows(items), KIOSK_ROWS)
    return [
        SiteTable(schema, rows, title if len(pages) == 1 else f"{title}（{n}/{len(pages)}）")
        for n, rows in enumerate(pages, start=1)
    ]


def slide_seconds(count: int) -> int:
    low, high = KIOSK_SLIDE_SECONDS
    return max(low, min(high, KIOSK_CYCLE_SECONDS // max(1, count)))


def qr_svg(url: str) -> Markup:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    # Sized by CSS; the path is our own output (no user text), safe to inline.
    svg = svg.replace('width="', 'data-w="', 1).replace('height="', 'data-h="', 1)
    return Markup(svg.replace("<svg ", '<svg class="qr" role="img" aria-label="手机扫码查看本月公开" ', 1))


def _tel(hotline: str) -> str:
    return "".join(ch for ch in hotline if ch.isdigit() or ch == "+")


@dataclass
class _Village:
    code: str
    name: str
    latest: dict[str, PublicRecord]  # period → newest version, newest month first
    versions: dict[str, list[PublicRecord]]  # period → every version, oldest first (wanted months only)


def _load(engine: Engine, code: str, wanted: str | None) -> _Village:
    with unit_of_work(engine) as session:
        village = get_village(session, code)
        periods = published_periods(session, village)
        if not periods:
            raise BoardError(f"{village.name}还没有公开任何月份", field="月份")
        if wanted is not None and wanted not in periods:
            raise BoardError(f"{village.name} {wanted} 还没有公开", field="月份")
        versions = {}
        for period in [wanted] if wanted else periods:
            versions[period] = [
                published_snapshot(session, village, period, version=row.version)
                for row in published_versions(session, village, period)
            ]
        latest = {p: versions[p][-1] if p in versions else published_snapshot(session, village, p) for p in periods}
        # The name signed into the newest month, never the editable village row.
        return _Village(village.code, latest[periods[0]].village.name, latest, versions)


def _month_context(
    v: _Village, record: PublicRecord, *, up: str, base_url: str, present: set[str], has_policy: bool = False
) -> dict:
    versions = v.versions.get(record.period) or [record]
    newest = versions[-1]
    periods = [p for p in v.latest if p in present]
    at = periods.index(record.period) if record.period in periods else -1
    older = periods[at + 1] if 0 <= at < len(periods) - 1 else None
    newer = periods[at - 1] if at > 0 else None
    charts = month_charts(record)
    figures = _figures(record)
    label = period_label(record.period)
    return {
        "record": record,
        "village_name": record.village.name,
        "title": f"{record.village.name} {label} 三务公开",
        "description": (
            f"{record.village.name}{label}财务、村务、党务公开：月末账上{figures[0].value}，"
            f"本月收入{figures[1].value}，支出{figures[2].value}。核验码 {record.short_hash}。"
        ),
        "label": label,
        "up": up,
        "figures": figures,
        "sections": _sections(record, charts),
        "versions": versions,
        "newest": newest,
        "is_newest": record.version == newest.version,
        "older": older,
        "newer": newer,
        "speech": spoken_summary(record),
        "tel": _tel(record.village.hotline),
        "online": board_url(base_url, v.code, record.period, version=record.version) if base_url else "",
        "month_path": month_path,
        "kiosk_path": kiosk_path(v.code),
        "policy_path": policy_path(v.code),
        "has_policy": has_policy,
    }


def render_month_page(
    record: PublicRecord, *, versions: Sequence[PublicRecord] = (), periods: Sequence[str] = (), base_url: str = ""
) -> str:
    """One month page on its own (``versions``: every version of the month, oldest first)."""
    months = list(periods) or [record.period]
    v = _Village(record.village.code, record.village.name, dict.fromkeys(months, record), {})
    v.versions[record.period] = list(versions) or [record]
    context = _month_context(v, record, up="../../", base_url=base_url, present=set(months))
    return _render("month.html", **context).decode("utf-8")


def _write_village(engine: Engine, v: _Village, out_dir: Path, *, base_url: str) -> VillageExport:
    root = out_dir / v.code
    root.mkdir(parents=True, exist_ok=True)
    pages = []
    present = {p for p in v.latest if (out_dir / month_path(v.code, p) / PAGE).is_file()} | set(v.versions)
    with unit_of_work(engine) as session:
        explainers = public_explainers(session, get_village(session, v.code))
    policy = write_policy_page(
        root, v.name, v.code, explainers, today=today_shanghai(), base_url=base_url, base_css=_base_css()
    )
    if policy is not None:
        write_file(policy, policy.read_bytes())  # its .gz twin, for the servers
    for versions in v.versions.values():
        for record in versions:
            for path, up in ((month_path(v.code, record.period, record.version), "../../../"),) + (
                ((month_path(v.code, record.period), "../../"),) if record is versions[-1] else ()
            ):
                context = _month_context(
                    v, record, up=up, base_url=base_url, present=present, has_policy=policy is not None
                )
                page = out_dir / path / PAGE
                write_file(page, _render("month.html", **context))
                pages.append(page)
    months = [v.latest[p] for p in v.latest if p in present]
    index = root / PAGE
    write_file(
        index,
        _render(
            "village.html",
            village_name=v.name,
            code=v.code,
            months=months,
            up="../",
            has_policy=policy is not None,
            policy_count=len(explainers),
            title=f"{v.name} 三务公开栏",
            description=f"{v.name}每月财务、村务、党务公开，共{len(months)}个月，可查看每次更正前后的版本。",
            format_wan=format_wan,
        ),
    )
    newest = next(iter(v.latest.values()))
    head = max(v.latest.values(), key=lambda r: (r.published_at, r.version))
    latest = root / "latest.json"
    document = {
        "village": v.code,
        "name": v.name,
        "period": newest.period,
        "version": newest.version,
        "hash": newest.hash,
        "short_hash": newest.short_hash,
        # A redaction keeps the hash but changes the page: kiosks reload when this changes.
        "render_key": newest.render_key,
        "redactions": len(newest.redactions),
        "published_on": newest.published_on.isoformat(),
        "page": month_path(v.code, newest.period),
        "version_page": month_path(v.code, newest.period, newest.version),
        "chain_head": {"period": head.period, "version": head.version, "hash": head.hash},
    }
    write_file(latest, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    charts = month_charts(newest)
    slides = kiosk_slides(newest, charts)
    phone = board_url(base_url, v.code, newest.period) if base_url else month_path(v.code, newest.period)
    kiosk = out_dir / kiosk_path(v.code) / PAGE
    write_file(
        kiosk,
        _render(
            "kiosk.html",
            record=newest,
            label=period_label(newest.period),
            slides=slides,
            seconds=slide_seconds(len(slides)),
            qr=qr_svg(phone),
            phone=phone,
            up="../../",
            title=f"{v.name} {period_label(newest.period)} 三务公开（大屏）",
        ),
    )
    return VillageExport(v.code, v.name, root, pages, index, latest, kiosk, policy)


def _base_css() -> str:
    return env.get_template("base.css").render(font_stack=FONT_STACK)


def export_site(
    engine: Engine,
    out_dir: Path,
    *,
    village_codes: Sequence[str] | None = None,
    period: str | None = None,
    base_url: str = "",
) -> SiteExport:
    """Write the site for ``village_codes`` (default: every village that has published), and the indexes."""
    if period is not None:
        check_period(period)
    public = dict(public_villages(engine))
    codes = list(village_codes) if village_codes else sorted(public)
    if not codes:
        raise BoardError("还没有任何村/社区公开过月份", field="村/社区")
    loaded = [_load(engine, code, period) for code in codes]
    out_dir.mkdir(parents=True, exist_ok=True)
    villages = [_write_village(engine, v, out_dir, base_url=base_url) for v in loaded]
    listed = [
        (code, name) for code, name in sorted(public.items()) if (out_dir / code / PAGE).is_file() or code in codes
    ]
    index = out_dir / PAGE
    write_file(
        index,
        _render(
            "index.html",
            villages=listed,
            up="",
            title="三务公开栏",
            description=f"各村（社区）财务、村务、党务公开，共{len(listed)}个村（社区）。",
        ),
    )
    write_file(out_dir / "404.html", _render("404.html", up="/", title="页面不存在", description="页面不存在"))
    write_file(out_dir / "robots.txt", b"User-agent: *\nAllow: /\n")
    return SiteExport(out_dir, index, villages)
