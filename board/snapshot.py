"""Published snapshots: one immutable JSON document per village-month version.

Every public output (board, PDF, static HTML, digest) renders from this document, so
they all show the same numbers.  Personal data is masked here, once.  The hash covers the
document and the previous snapshot's hash, chaining a village's history; how depends on the
schema it was published under (``board.commitment``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from board.balance import ACCOUNT_LABELS
from board.commitment import (
    PART_SCHEMA,
    canonical_json,
    chained_hash,
    document_root,
    header,
    legacy_hash,
    seal,
    utc_iso,
)
from board.periods import partial_iso, period_bounds, shift_period
from board.privacy import mask_id_number, mask_phone, mask_text
from board.public_record import SCHEMA_VERSION, PublicRecord, is_major_payment, is_transfer, parse_snapshot
from board.records import PeriodRecords, account_totals, village_totals
from models import Direction, PublishedPeriod, Township, User, Village, row_id

HISTORY_MONTHS = 24
CONTRACT_WARNING_DAYS = 90
SHANGHAI = ZoneInfo("Asia/Shanghai")


def mask_public_text(value: Any) -> Any:
    """Mask personal numbers in every string of the public document, whatever field it sits in.

    No field is exempt: a hotline or contact holding a mobile (refused on input since) is masked too.
    """
    if isinstance(value, dict):
        return {k: mask_public_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_public_text(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


# The flat hash of schema 1–2 snapshots, still how 政策问答 versions are chained.
snapshot_hash = legacy_hash


def seal_snapshot(
    content: dict[str, Any],
    *,
    village_code: str,
    period: str,
    version: int,
    published_at: datetime,
    prev_hash: str,
    anchor: str = "",
    anchor_prev: str = "",
) -> tuple[str, str]:
    """(stored JSON, chained hash) of a new version under the current scheme."""
    doc = seal(content)
    doc["prev_hash"] = prev_hash
    if anchor:
        doc["anchor"], doc["anchor_prev"] = anchor, anchor_prev
    head = header(
        village_code=village_code,
        period=period,
        version=version,
        published_at=published_at,
        prev_hash=prev_hash,
        anchor=anchor,
        anchor_prev=anchor_prev,
    )
    return canonical_json(doc), chained_hash(head, document_root(doc))


def short_hash(content_hash: str) -> str:
    return content_hash[:12]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _display_name(session: Session, username: str | None) -> str:
    if not username:
        return ""
    user = session.exec(select(User).where(User.username == username)).first()
    return user.display_name if user else username


# ``limit(1)``: the ORM's ``first()`` alone fetches every matching row, whole documents included.
def latest_snapshot(session: Session, village_id: int, period: str) -> PublishedPeriod | None:
    return session.exec(
        select(PublishedPeriod)
        .where(PublishedPeriod.village_id == village_id, PublishedPeriod.period == period)
        .order_by(col(PublishedPeriod.version).desc())
        .limit(1)
    ).first()


def published_version(session: Session, village_id: int, period: str, version: int) -> PublishedPeriod | None:
    """One published version of a village-month."""
    return session.exec(
        select(PublishedPeriod).where(
            PublishedPeriod.village_id == village_id,
            PublishedPeriod.period == period,
            PublishedPeriod.version == version,
        )
    ).first()


def latest_chain_head(session: Session, village_id: int) -> PublishedPeriod | None:
    return session.exec(
        select(PublishedPeriod)
        .where(PublishedPeriod.village_id == village_id)
        .order_by(col(PublishedPeriod.id).desc())
        .limit(1)
    ).first()


def chain_head_hash(session: Session, village_id: int) -> str | None:
    """The hash of the village's newest version, without reading its document."""
    return session.exec(
        select(PublishedPeriod.content_hash)
        .where(PublishedPeriod.village_id == village_id)
        .order_by(col(PublishedPeriod.id).desc())
        .limit(1)
    ).first()


def _history(session: Session, village_id: int, period: str) -> list[dict[str, Any]]:
    """Totals of the previous published months (latest version each), oldest first."""
    first = shift_period(period, -(HISTORY_MONTHS - 1))
    rows = session.exec(
        select(PublishedPeriod)
        .where(
            PublishedPeriod.village_id == village_id,
            PublishedPeriod.period >= first,
            PublishedPeriod.period < period,
        )
        .order_by(col(PublishedPeriod.period), col(PublishedPeriod.version))
    ).all()
    latest = {row.period: row for row in rows}
    history = []
    for p in sorted(latest):
        finance = load_snapshot(latest[p]).finance
        history.append(
            {
                "period": p,
                **finance.totals.model_dump(),
                "expense_by_category": [c.model_dump() for c in finance.expense_by_category],
                "income_by_category": [c.model_dump() for c in finance.income_by_category],
            }
        )
    return history


def _by_category(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sums: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for line in lines:
        sums[line["category"]] += line["amount_fen"]
        counts[line["category"]] += 1
    return [
        {"category": c, "amount_fen": sums[c], "count": counts[c]} for c in sorted(sums, key=lambda c: (-sums[c], c))
    ]


def build_content(
    session: Session,
    records: PeriodRecords,
    *,
    version: int,
    published_at: datetime,
    published_by: str,
    amendment_reason: str = "",
) -> dict[str, Any]:
    """The public document for one village-month, with personal data already masked."""
    village: Village = records.village
    period = records.period
    township = session.get(Township, village.township_id) if village.township_id else None
    _, last_day = period_bounds(period.period)

    ledger: list[dict[str, Any]] = [
        {
            "line": i,
            "date": line.entry_date.isoformat(),
            "voucher_no": line.voucher_no,
            "summary": mask_text(line.summary),
            "category": line.category,
            "direction": line.direction.value,
            "amount_fen": line.amount_fen,
            "counterparty": mask_text(line.counterparty),
            "handler": mask_text(line.handler),
            "account": line.account.value,
            "transfer": is_transfer(line.category),
            "major": is_major_payment(
                direction=line.direction.value, amount_fen=line.amount_fen, category=line.category
            ),
        }
        for i, line in enumerate(records.ledger, start=1)
    ]
    transfers = [x for x in ledger if x["transfer"]]
    incomes = [x for x in ledger if x["direction"] == Direction.income and not x["transfer"]]
    expenses = [x for x in ledger if x["direction"] == Direction.expense and not x["transfer"]]
    per_account = account_totals(records)

    assets: list[dict[str, Any]] = [
        {
            "name": a.name,
            "category": a.category,
            "acquired_on": partial_iso(a.acquired_on, a.acquired_precision),
            "quantity": a.quantity,
            "original_value_fen": a.original_value_fen,
            "location": a.location,
            "status": a.status,
        }
        for a in records.assets
    ]
    asset_groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in assets:
        asset_groups[a["category"] or "其他"].append(a)

    debts: dict[str, list[dict[str, Any]]] = {"receivable": [], "payable": []}
    for d in records.debts:
        debts[d.kind.value].append(
            {
                "counterparty": mask_text(d.counterparty),
                "amount_fen": d.amount_fen,
                "due_on": _iso(d.due_on),
                "note": mask_text(d.note),
            }
        )

    warn_until = last_day + timedelta(days=CONTRACT_WARNING_DAYS)
    resources = [
        {
            "kind": r.kind,
            "name": r.name,
            "area": r.area,
            "holder": mask_text(r.holder),
            "contract_start": _iso(r.contract_start),
            "contract_end": _iso(r.contract_end),
            "annual_fee_fen": r.annual_fee_fen,
            "expiring_soon": bool(r.contract_end and r.contract_end <= warn_until),
        }
        for r in records.resources
    ]

    affairs: list[dict[str, Any]] = []
    for item in records.affairs:
        people = [
            {
                "name": b.name,
                "group": b.group_name,
                "id_number": mask_id_number(b.id_number) if b.id_number else "",
                "phone": mask_phone(b.phone) if b.phone else "",
                "amount_fen": b.amount_fen,
                "note": mask_text(b.note),
            }
            for b in records.beneficiaries.get(row_id(item), [])
        ]
        affairs.append(
            {
                "category": item.category,
                "date": item.item_date.isoformat(),
                "title": mask_text(item.title),
                "description": mask_text(item.description),
                "amount_fen": item.amount_fen,
                "beneficiaries": people,
                "beneficiary_count": len(people),
                "beneficiary_total_fen": sum(p["amount_fen"] for p in people),
            }
        )

    history = _history(session, row_id(village), period.period)
    previous = history[-1] if history and history[-1]["period"] == shift_period(period.period, -1) else None
    totals = village_totals(records)

    content: dict[str, Any] = mask_public_text(
        {
            "schema": SCHEMA_VERSION,
            "village": {
                "code": village.code,
                "name": village.name,
                "township": township.name if township else "",
                "hotline": village.hotline,
                "board_address": village.board_address,
                "demo": village.is_demo,
            },
            "period": period.period,
            "version": version,
            "amendment_reason": mask_text(amendment_reason),
            "published_at": published_at.astimezone(UTC).isoformat(),
            "published_on": published_at.astimezone(UTC).astimezone(SHANGHAI).date().isoformat(),
            "published_by": _display_name(session, published_by),
            "workflow": {
                "submitted_by": _display_name(session, period.submitted_by),
                "submitted_at": period.submitted_at.isoformat() if period.submitted_at else None,
                "approved_by": _display_name(session, period.approved_by),
                "approved_at": period.approved_at.isoformat() if period.approved_at else None,
            },
            "finance": {
                "totals": totals,
                "accounts": [
                    {"account": acc, "label": ACCOUNT_LABELS[acc], **per_account[acc]} for acc in ACCOUNT_LABELS
                ],
                "ledger": ledger,
                "transfers": {
                    "count": len(transfers),
                    "amount_fen": sum(x["amount_fen"] for x in transfers if x["direction"] == Direction.expense),
                },
                "income_by_category": _by_category(incomes),
                "expense_by_category": _by_category(expenses),
                "largest_expenses": sorted(expenses, key=lambda x: (-x["amount_fen"], x["line"]))[:5],
                "major_payments": [x for x in expenses if x["major"]],
                "assets": {
                    "items": assets,
                    "total_fen": sum(a["original_value_fen"] for a in assets),
                    "by_category": [
                        {
                            "category": c,
                            "count": len(items),
                            "total_fen": sum(a["original_value_fen"] for a in items),
                        }
                        for c, items in sorted(asset_groups.items())
                    ],
                },
                "debts": {
                    **debts,
                    "receivable_total_fen": sum(d["amount_fen"] for d in debts["receivable"]),
                    "payable_total_fen": sum(d["amount_fen"] for d in debts["payable"]),
                },
                "resources": resources,
            },
            "party": [
                {
                    "category": p.category,
                    "date": p.item_date.isoformat(),
                    "title": mask_text(p.title),
                    "description": mask_text(p.description),
                    "participants": p.participants,
                    "amount_fen": p.amount_fen,
                }
                for p in records.party
            ],
            "affairs": affairs,
            "services": [
                {
                    "name": s.name,
                    "materials": mask_text(s.materials),
                    "location": s.location,
                    "time_limit": s.time_limit,
                    "contact": s.contact,
                }
                for s in records.services
            ],
            "previous": previous,
            "history": history + [{"period": period.period, **totals}],
        }
    )
    parse_snapshot(content)  # the contract holds before anything is stored
    return content


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]
    notes: tuple[str, ...] = ()  # redactions and re-anchored versions: legitimate, but worth a look


def _moment(text: str) -> str | None:
    """A stored ``published_at`` as ``utc_iso`` writes it (older documents may say ``Z``)."""
    try:
        return utc_iso(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return None


def row_problems(row: PublishedPeriod, village_code: str) -> list[str]:
    """What is wrong with one stored version on its own: its hash, and the columns it is listed by."""
    label = f"{row.period} 第{row.version}版"
    try:
        doc = json.loads(row.content_json)
        schema = doc.get("schema", 1)
        if schema >= PART_SCHEMA:
            head = header(
                village_code=village_code,
                period=row.period,
                version=row.version,
                published_at=row.published_at,
                prev_hash=row.prev_hash,
                anchor=row.anchor_hash,
                anchor_prev=row.anchor_prev,
            )
            expected = chained_hash(head, document_root(doc))
        else:
            expected = legacy_hash(row.content_json, row.prev_hash)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        return [f"{label}：内容与核验码不符，公开后被改动过"]
    if expected != row.content_hash:
        return [f"{label}：内容与核验码不符，公开后被改动过"]
    # Schema 3 hashes these columns in its header; older schemas only carry them in the document.
    listed: tuple[tuple[str, Any, Any], ...] = (
        ("村代码", (doc.get("village") or {}).get("code"), village_code),
        ("月份", doc.get("period"), row.period),
        ("版本", doc.get("version"), row.version),
        ("公开时间", _moment(doc.get("published_at")), utc_iso(row.published_at)),
    )
    if schema < PART_SCHEMA:
        # Only part-wise versions re-anchor; on an older row these columns would fake a stand-in.
        listed += (("重新存证", "", row.anchor_hash + row.anchor_prev),)
    else:
        listed += (
            ("前一版哈希", doc.get("prev_hash"), row.prev_hash),
            ("重新存证", (doc.get("anchor", ""), doc.get("anchor_prev", "")), (row.anchor_hash, row.anchor_prev)),
        )
    changed = [name for name, stored, column in listed if stored != column]
    if changed:
        return [f"{label}：{'、'.join(changed)}与核验码不符，公开后被改动过"]
    if schema < PART_SCHEMA and canonical_json(doc) != row.content_json:
        return [f"{label}：内容不是规范编码"]
    return []


def verify_chain(session: Session, village_id: int) -> ChainReport:
    """Recompute every snapshot hash of a village in publishing order."""
    village = session.get(Village, village_id)
    rows = session.exec(
        select(PublishedPeriod).where(PublishedPeriod.village_id == village_id).order_by(col(PublishedPeriod.id))
    ).all()
    # A re-anchored version stands in for the old row it replaced, at that row's place in the chain.
    anchors = {row.anchor_hash: row.anchor_prev for row in rows if row.anchor_hash}
    village_code = village.code if village is not None else ""
    problems, prev = [], ""
    for row in rows:
        if row.prev_hash != prev and anchors.get(row.prev_hash, None) != prev:
            problems.append(f"{row.period} 第{row.version}版：链条断开，前一版的核验码不符")
        problems += row_problems(row, village_code)
        prev = row.content_hash
    return ChainReport(ok=not problems, checked=len(rows), problems=problems, notes=tuple(_notes(rows)))


def _notes(rows: Sequence[PublishedPeriod]) -> list[str]:
    notes = []
    for row in rows:
        label = f"{row.period} 第{row.version}版"
        if row.anchor_hash:
            notes.append(f"{label}：已按新方式重新存证，代替旧哈希 {row.anchor_hash[:12]}")
        try:
            redacted = json.loads(row.content_json).get("redacted") or {}
        except ValueError:
            continue  # reported as a problem already
        notes += [f"{label}：{part} 于 {r.get('on')} 依法隐去" for part, r in sorted(redacted.items())]
    return notes


def load_snapshot(row: PublishedPeriod) -> PublicRecord:
    return parse_snapshot(json.loads(row.content_json), content_hash=row.content_hash)
