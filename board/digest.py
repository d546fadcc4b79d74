"""Plain-language digest of a published month, for residents' WeChat groups.

Deterministic templates over the published snapshot only (and the previous month's totals
it carries): every number in the text is an amount, count or date of the snapshot, or the
difference of two of its totals.  Short sentences, no accounting words; beneficiaries are
counted and summed, never named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

from board.links import board_url
from board.money import format_wan
from board.periods import period_label
from board.privacy import mask_text
from board.public_record import Affair, CategorySum, HistoryPoint, LedgerLine, PartyItem, PublicRecord
from board.splitting import TEXT_LIMIT_BYTES, split_message

# Words residents do not use: the templates never contain them, and typed text containing
# one is replaced by a plain label (tests check the output against this same list).
JARGON = ("借方", "贷方", "科目", "凭证", "期初", "期末", "发生额", "明细账", "记账", "会计分录")
GENERIC_EXPENSE = "一笔支出"
GENERIC_PARTY = "一次党组织活动"
GENERIC_CORRECTION = "内容有更正"
WITNESS_LABEL = "存证核验码："
MAX_PARTS = 5  # above this, a chat gets the short digest and the PDF instead
_ORDINALS = "①②③"
PROJECT_WORDS = ("项目", "工程", "一事一议")
SUBSIDY_WORDS = ("低保", "救助", "补贴", "补助", "救济", "慰问")


class _Screen:
    """Decides whether typed text (summaries, categories, titles, notes) may reach residents.

    Text naming a beneficiary (or a ledger handler) or using accounting words is replaced
    by a plain label; the snapshot is masked already, this is the second line of defence.
    """

    def __init__(self, snapshot: PublicRecord):
        names = {b.name for a in snapshot.affairs for b in a.beneficiaries}
        names |= {line.handler or "" for line in snapshot.finance.ledger}
        self._names = tuple(n for n in names if len(n.strip()) >= 2)

    def ok(self, text: str | None) -> TypeGuard[str]:
        if not text:
            return False
        return not any(w in text for w in JARGON) and not any(n in text for n in self._names)

    def pick(self, *candidates: str | None, fallback: str) -> str:
        return next((c for c in candidates if self.ok(c)), fallback)


def _mask_except(text: str, keep: tuple[str, ...]) -> str:
    """``mask_text`` over the whole digest except the board link."""
    keep = tuple(k for k in keep if k)
    if not keep:
        return mask_text(text)
    pieces = re.split("(" + "|".join(map(re.escape, sorted(keep, key=len, reverse=True))) + ")", text)
    return "".join(p if i % 2 else mask_text(p) for i, p in enumerate(pieces))


def _month(period: str) -> str:
    return f"{int(period[5:7])}月"


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _full_date(day: date) -> str:
    return f"{day.year}年{_day(day)}"


def _title(snapshot: PublicRecord) -> str:
    village = snapshot.village
    name = village.name
    if village.demo and "演示" not in name:
        name += "（演示数据）"
    return f"【{name} {period_label(snapshot.period)} 三务公开】"


def _previous_block(snapshot: PublicRecord, previous: PublicRecord | None) -> HistoryPoint | None:
    """Last month's totals: from its own snapshot if given, else the block this snapshot carries."""
    if previous is None:
        return snapshot.previous
    finance = previous.finance
    return HistoryPoint(
        period=previous.period,
        **finance.totals.model_dump(),
        expense_by_category=finance.expense_by_category,
        income_by_category=finance.income_by_category,
    )


def _more_or_less(diff: int) -> str:
    if diff > 0:
        return f"多了{format_wan(diff)}"
    if diff < 0:
        return f"少了{format_wan(-diff)}"
    return "一样多"


def _biggest_category_change(
    current: tuple[CategorySum, ...], before: tuple[CategorySum, ...]
) -> tuple[str, int, int] | None:
    now = {c.category: c.amount_fen for c in current}
    then = {c.category: c.amount_fen for c in before}
    changes = [(abs(now.get(c, 0) - then.get(c, 0)), c) for c in now.keys() | then.keys()]
    changes = [(d, c) for d, c in changes if d]
    if not changes:
        return None
    _, category = max(changes, key=lambda x: (x[0], x[1]))
    return category, now.get(category, 0), then.get(category, 0)


def _is_project(affair: Affair) -> bool:
    return any(w in affair.category for w in PROJECT_WORDS)


def _is_subsidy(affair: Affair) -> bool:
    return affair.beneficiary_count > 0 or any(w in affair.category for w in SUBSIDY_WORDS)


@dataclass(frozen=True)
class AffairGroups:
    project_count: int
    project_fen: int
    subsidy_items: int
    subsidy_people: int
    subsidy_fen: int
    other_count: int


def _affair_groups(snapshot: PublicRecord) -> AffairGroups:
    affairs = snapshot.affairs
    projects = [a for a in affairs if _is_project(a)]
    subsidies = [a for a in affairs if not _is_project(a) and _is_subsidy(a)]
    return AffairGroups(
        project_count=len(projects),
        project_fen=sum(a.amount_fen or 0 for a in projects),
        subsidy_items=len(subsidies),
        subsidy_people=sum(a.beneficiary_count for a in subsidies),
        subsidy_fen=sum(a.beneficiary_total_fen or a.amount_fen or 0 for a in subsidies),
        other_count=len(affairs) - len(projects) - len(subsidies),
    )


def _expense_label(line: LedgerLine, screen: _Screen) -> str:
    return screen.pick(line.summary, line.category, fallback=GENERIC_EXPENSE)


def _money_lines(snapshot: PublicRecord, screen: _Screen) -> list[str]:
    totals = snapshot.finance.totals
    month = _month(snapshot.period)
    lines = [
        f"{month}底，账上共有{format_wan(totals.closing_fen)}（月初是{format_wan(totals.opening_fen)}）。",
        f"本月收入{format_wan(totals.income_fen)}，支出{format_wan(totals.expense_fen)}。",
    ]
    transfers = snapshot.finance.transfers
    if transfers.count:
        lines.append(
            f"另有{transfers.count}笔是村里自己的现金和银行账户之间的转账"
            f"（共{format_wan(transfers.amount_fen)}），钱没有进出村里，不算收入和支出。"
        )
    biggest = snapshot.finance.largest_expenses[:3]
    if biggest:
        lines.append(f"花钱最多的{'三' if len(biggest) == 3 else '几'}笔：")
        lines += [
            f"{_ORDINALS[i]} {_expense_label(x, screen)}：{format_wan(x.amount_fen)}" for i, x in enumerate(biggest)
        ]
    else:
        lines.append("本月没有支出。")
    return lines


def _change_lines(snapshot: PublicRecord, before: HistoryPoint | None, screen: _Screen) -> list[str]:
    if not before:
        return ["上个月没有公开数据，这次不作比较。"]
    totals = snapshot.finance.totals
    month = _month(before.period)
    lines = [
        f"收入比{month}{_more_or_less(totals.income_fen - before.income_fen)}，"
        f"支出比{month}{_more_or_less(totals.expense_fen - before.expense_fen)}。"
    ]
    change = _biggest_category_change(snapshot.finance.expense_by_category, before.expense_by_category)
    if change:
        category, now, then = change
        which = f"的是“{category}”" if screen.ok(category) else "的一类"
        lines.append(f"支出变化最大{which}：本月{format_wan(now)}，{month}{format_wan(then)}。")
    return lines


def _affair_lines(snapshot: PublicRecord) -> list[str]:
    g = _affair_groups(snapshot)
    lines = []
    if g.project_count:
        lines.append(f"工程和项目{g.project_count}项，涉及金额{format_wan(g.project_fen)}。")
    else:
        lines.append("本月没有工程和项目公开。")
    if g.subsidy_items:
        lines.append(
            f"低保、救助和补贴：发给{g.subsidy_people}人，共{format_wan(g.subsidy_fen)}。"
            "名单在公开栏上，身份证号和电话已经隐去。"
        )
    else:
        lines.append("本月没有发放低保、救助和补贴。")
    if g.other_count:
        lines.append(f"其他村务公开事项{g.other_count}项，详见公开栏。")
    return lines


def _party_item(item: PartyItem, screen: _Screen) -> str:
    details = [_day(item.date)]
    if item.participants:
        details.append(f"{item.participants}人参加")
    if item.amount_fen:
        details.append(format_wan(item.amount_fen))
    title = screen.pick(item.title, item.category, fallback=GENERIC_PARTY)
    return f"· {title}（{'，'.join(details)}）"


def _party_lines(snapshot: PublicRecord, screen: _Screen) -> list[str]:
    party = snapshot.party
    if not party:
        return ["本月没有党务活动记录。"]
    return [f"本月党组织活动{len(party)}次：", *(_party_item(p, screen) for p in party)]


def _hotline_sentence(snapshot: PublicRecord) -> str:
    hotline = snapshot.village.hotline
    if hotline:
        return f"有疑问或意见，请打监督电话：{hotline}"
    return "有疑问或意见，请找村务监督委员会"


def build_digest(
    snapshot: PublicRecord, *, base_url: str, previous: PublicRecord | None = None, short: bool = False
) -> str:
    """The digest text of a published month; ``short`` fits one chat message.

    Never carries personal numbers: whatever ``find_pii`` spots in the finished text is
    masked (except the board link; the hotline is a landline, masked in the snapshot otherwise).
    """
    link = board_url(base_url, snapshot.village.code, snapshot.period, version=snapshot.version)
    screen = _Screen(snapshot)
    if short:
        text = _short_digest(snapshot, _previous_block(snapshot, previous), link, screen)
    else:
        text = _full_digest(snapshot, _previous_block(snapshot, previous), link, screen)
    # The village's chain head travels with every message: a witness outside the database.
    head = snapshot.chain_head
    text += f"\n{WITNESS_LABEL}{head[:12]}（完整 {head}）"
    return _mask_except(text, (link, head, head[:12]))


def spoken_summary(snapshot: PublicRecord) -> str:
    """The month's short summary for the 朗读 button, without its link (nobody wants a URL read out)."""
    lines = build_digest(snapshot, base_url="", short=True).splitlines()
    return "\n".join(line for line in lines if not line.startswith("详情："))


def _full_digest(snapshot: PublicRecord, before: HistoryPoint | None, link: str, screen: _Screen) -> str:
    lines = [_title(snapshot)]
    if snapshot.redaction_notice:
        lines.append(snapshot.redaction_notice + "。")
    if snapshot.version > 1:
        reason = screen.pick(mask_text(snapshot.amendment_reason or ""), fallback=GENERIC_CORRECTION)
        lines.append(f"更正说明（第{snapshot.version}版）：{reason}")
    sections = [
        ("钱", _money_lines(snapshot, screen)),
        ("和上月比", _change_lines(snapshot, before, screen)),
        ("项目和补贴", _affair_lines(snapshot)),
        ("党务", _party_lines(snapshot, screen)),
    ]
    for heading, body in sections:
        lines += ["", f"【{heading}】", *body]
    lines += ["", "【监督】", _hotline_sentence(snapshot)]
    if snapshot.village.board_address:
        lines.append(f"公开栏位置：{snapshot.village.board_address}")
    lines.append(f"完整内容（明细、名单、图表）：{link}")
    if snapshot.published_on:
        lines.append(f"{_full_date(snapshot.published_on)}公开。")
    return "\n".join(lines)


def _short_digest(snapshot: PublicRecord, before: HistoryPoint | None, link: str, screen: _Screen) -> str:
    totals = snapshot.finance.totals
    title = _title(snapshot)
    if snapshot.version > 1:
        title += f"（第{snapshot.version}版，已更正）"
    sentences = [
        f"{_month(snapshot.period)}底账上有{format_wan(totals.closing_fen)}。",
        f"本月收入{format_wan(totals.income_fen)}，支出{format_wan(totals.expense_fen)}",
    ]
    biggest = snapshot.finance.largest_expenses[:1]
    if biggest:
        sentences[-1] += f"，最大一笔是{_expense_label(biggest[0], screen)}（{format_wan(biggest[0].amount_fen)}）"
    sentences[-1] += "。"
    if before:
        month = _month(before.period)
        sentences.append(
            f"收入比{month}{_more_or_less(totals.income_fen - before.income_fen)}，"
            f"支出{_more_or_less(totals.expense_fen - before.expense_fen)}。"
        )
    g = _affair_groups(snapshot)
    if g.subsidy_items:
        sentences.append(f"低保、救助和补贴发给{g.subsidy_people}人，共{format_wan(g.subsidy_fen)}。")
    if g.project_count:
        sentences.append(f"工程和项目{g.project_count}项，涉及{format_wan(g.project_fen)}。")
    if snapshot.party:
        sentences.append(f"党组织活动{len(snapshot.party)}次。")
    sentences.append(_hotline_sentence(snapshot) + "。")
    return "\n".join([title, "".join(sentences), f"详情：{link}"])


def digest_parts(
    snapshot: PublicRecord, *, base_url: str, previous: PublicRecord | None = None, limit: int = TEXT_LIMIT_BYTES
) -> list[str]:
    """The full digest split to ``limit`` bytes; the short one when that would be too many parts."""
    parts = split_message(build_digest(snapshot, base_url=base_url, previous=previous), limit)
    if len(parts) > MAX_PARTS:
        parts = split_message(build_digest(snapshot, base_url=base_url, previous=previous, short=True), limit)
    return parts
