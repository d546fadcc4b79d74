"""The plain-language digest: every number traceable, no jargon, no personal data, byte limits."""

from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from board.digest import JARGON, MAX_PARTS, WITNESS_LABEL, build_digest, digest_parts
from board.links import board_url
from board.money import format_wan
from board.privacy import find_pii
from board.splitting import MARKDOWN_LIMIT_BYTES, TEXT_LIMIT_BYTES, byte_len, split_message
from tests.helpers import as_record

BASE = "https://sanwu.example.cn"
MONEY = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:万元|元)")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def _date_numbers(iso: str) -> set[str]:
    return {str(int(g)) for g in DATE.match(iso).groups() if g}


def traceable(snapshot: dict) -> tuple[set[str], set[str], list[str]]:
    """Amount words, other numbers and quoted texts a digest of ``snapshot`` may contain.

    Only the figures a digest is about (totals, biggest payments, categories, affairs,
    Party items, last month's totals and their differences), not every ledger line.
    """
    finance, before = snapshot["finance"], snapshot.get("previous")
    fen = [*finance["totals"].values(), *(x["amount_fen"] for x in finance["largest_expenses"])]
    fen += [c["amount_fen"] for c in finance["expense_by_category"] + finance["income_by_category"]]
    fen += [a[k] or 0 for a in snapshot["affairs"] for k in ("amount_fen", "beneficiary_total_fen")]
    fen += [p["amount_fen"] or 0 for p in snapshot["party"]]
    transfers = finance.get("transfers") or {"count": 0, "amount_fen": 0}
    fen.append(transfers["amount_fen"])
    numbers = {str(snapshot["version"]), str(len(snapshot["party"])), str(transfers["count"])}
    numbers |= {str(n) for n in range(len(snapshot["affairs"]) + 1)}  # counts of kinds of affairs
    numbers |= {str(a["beneficiary_count"]) for a in snapshot["affairs"]}
    numbers |= {str(p["participants"]) for p in snapshot["party"] if p["participants"]}
    numbers |= _date_numbers(snapshot["period"]) | _date_numbers(snapshot["published_on"])
    for p in snapshot["party"]:
        numbers |= _date_numbers(p["date"])
    if before:
        fen += [before[k] for k in ("opening_fen", "closing_fen", "income_fen", "expense_fen")]
        fen += [c["amount_fen"] for c in before["expense_by_category"]] + [0]
        fen += [abs(finance["totals"][k] - before[k]) for k in ("income_fen", "expense_fen")]
        numbers |= _date_numbers(before["period"])
    village = snapshot["village"]
    texts = [village["name"], village["hotline"], village["board_address"], snapshot["amendment_reason"]]
    texts += [snapshot["hash"], snapshot["hash"][:12]]  # the chain head every digest carries (its own hash here)
    texts += [x["summary"] for x in finance["largest_expenses"]] + [p["title"] for p in snapshot["party"]]
    texts += [c["category"] for c in finance["expense_by_category"]] + [p["category"] for p in snapshot["party"]]
    return {format_wan(v) for v in fen}, numbers, texts


def assert_numbers_traceable(text: str, snapshot: dict) -> None:
    amounts, numbers, texts = traceable(snapshot)
    rest = text.replace(
        board_url(BASE, snapshot["village"]["code"], snapshot["period"], version=snapshot["version"]), " "
    )
    for quoted in sorted((t for t in texts if len(t) >= 2 and t in rest), key=len, reverse=True):
        rest = rest.replace(quoted, " ")
    money = MONEY.findall(rest)
    assert money, "the digest states amounts"
    assert [m for m in money if m not in amounts] == []
    others = NUMBER.findall(MONEY.sub(" ", rest))
    assert [n for n in others if n not in numbers] == []


def assert_plain_and_private(text: str, snapshot: dict) -> None:
    # The chain head is hex: a run of its digits may look like a number to the detector.
    text = "\n".join(line for line in text.splitlines() if not line.startswith(WITNESS_LABEL))
    assert [w for w in JARGON if w in text] == []
    assert find_pii(text) == []
    assert "*" not in text  # no masked ID or phone either
    people = {b["name"] for a in snapshot["affairs"] for b in a["beneficiaries"]}
    people |= {line["handler"] for line in snapshot["finance"]["ledger"] if line["handler"]}
    assert [p for p in people if p in text] == []


def test_every_demo_month_round_trips_its_numbers(demo_snapshots):
    for period, snapshot in demo_snapshots.items():
        for short in (False, True):
            text = build_digest(as_record(snapshot), base_url=BASE, short=short)
            assert_numbers_traceable(text, snapshot)
            assert_plain_and_private(text, snapshot)
        parts = digest_parts(as_record(snapshot), base_url=BASE)
        assert 1 <= len(parts) <= MAX_PARTS and all(byte_len(p) <= TEXT_LIMIT_BYTES for p in parts), period
        assert byte_len(build_digest(as_record(snapshot), base_url=BASE, short=True)) <= TEXT_LIMIT_BYTES


def _hostile(snapshot: dict) -> dict:
    """Typed text a clerk might enter: names, ID and phone numbers, accounting words."""
    snapshot = copy.deepcopy(snapshot)
    person = next(b["name"] for a in snapshot["affairs"] for b in a["beneficiaries"])
    finance = snapshot["finance"]
    finance["largest_expenses"][0]["summary"] = f"支付{person}低保金"
    finance["largest_expenses"][1]["summary"] = "借方：民政支出（记账凭证12号）"
    finance["largest_expenses"][1]["category"] = "管理费用科目"
    finance["largest_expenses"][2]["summary"] = "付款给13912345678的施工队"
    top = max(finance["expense_by_category"], key=lambda c: c["amount_fen"])
    top["category"] = "期末调整"
    snapshot["previous"]["expense_by_category"] = []  # the top category is the biggest change
    snapshot["party"][0]["title"] = f"走访{person}家"
    snapshot["party"][1]["title"] = "学习贷方记账规则"
    snapshot["party"][1]["category"] = "凭证学习"
    snapshot["amendment_reason"] = f"{person}身份证号320123198001011237、电话13812345678录错，已更正"
    snapshot["village"]["board_address"] = "村委会门口（联系人手机13700001111）"
    return snapshot


def test_typed_text_with_names_jargon_or_personal_numbers_never_reaches_residents(demo_snapshots):
    snapshot = _hostile(demo_snapshots["2026-06"])
    person = next(b["name"] for a in snapshot["affairs"] for b in a["beneficiaries"])
    full = build_digest(as_record(snapshot), base_url=BASE)
    short = build_digest(as_record(snapshot), base_url=BASE, short=True)
    for text in (full, short):
        assert [w for w in JARGON if w in text] == [] and person not in text and find_pii(text) == []
        assert "13912345678" not in text and "13700001111" not in text
    first, second, third = snapshot["finance"]["largest_expenses"][:3]
    assert f"① {first['category']}：{format_wan(first['amount_fen'])}" in full  # falls back to the category
    assert f"② 一笔支出：{format_wan(second['amount_fen'])}" in full  # the category is jargon too
    assert f"③ 付款给139****5678的施工队：{format_wan(third['amount_fen'])}" in full  # masked, not dropped
    assert "支出变化最大的一类：" in full
    assert f"· {snapshot['party'][0]['category']}（" in full and "· 一次党组织活动（" in full
    assert "更正说明（第2版）：内容有更正" in full
    assert "联系人手机137****1111" in full
    # A note without names or jargon is kept, with its personal numbers masked.
    snapshot["amendment_reason"] = "参加人数录错，联系13812345678核对后已更正"
    assert "更正说明（第2版）：参加人数录错，联系138****5678核对后已更正" in build_digest(
        as_record(snapshot), base_url=BASE
    )


def test_a_landline_hotline_is_kept_and_a_mobile_one_masked(demo_snapshots):
    snapshot = copy.deepcopy(demo_snapshots["2026-06"])
    snapshot["village"]["hotline"] = "0523-8888 6612 转 801"
    for short in (False, True):
        assert "0523-8888 6612 转 801" in build_digest(as_record(snapshot), base_url=BASE, short=short)
    snapshot["village"]["hotline"] = "13812345678"
    for short in (False, True):
        text = build_digest(as_record(snapshot), base_url=BASE, short=short)
        assert "13812345678" not in text and "138****5678" in text


def test_the_number_check_catches_a_wrong_number(demo_snapshots):
    snapshot = demo_snapshots["2026-06"]
    text = build_digest(as_record(snapshot), base_url=BASE)
    assert_numbers_traceable(text, snapshot)
    income = format_wan(snapshot["finance"]["totals"]["income_fen"])
    assert income in text
    for wrong in (
        text.replace(income, format_wan(snapshot["finance"]["totals"]["income_fen"] + 77_000)),
        text.replace("发给11人", "发给12人"),
        text.replace("7人参加", "9人参加"),
        text + "\n另有3,000元",
    ):
        with pytest.raises(AssertionError):
            assert_numbers_traceable(wrong, snapshot)


def test_digest_says_what_residents_need(demo_snapshots):
    snapshot = demo_snapshots["2026-06"]
    text = build_digest(as_record(snapshot), base_url=BASE)
    totals = snapshot["finance"]["totals"]
    for expected in (
        f"6月底，账上共有{format_wan(totals['closing_fen'])}",
        f"本月收入{format_wan(totals['income_fen'])}，支出{format_wan(totals['expense_fen'])}",
        "花钱最多的三笔",
        "① 6月社区干部基本报酬：1.92万元",
        f"收入比5月多了{format_wan(totals['income_fen'] - snapshot['previous']['income_fen'])}",
        "低保、救助和补贴：发给11人，共6,940元",
        "本月党组织活动4次",
        "监督电话：0523-8888 6612",
        board_url(BASE, "DEMO", "2026-06", version=2),
        "更正说明（第2版）",
        (
            f"另有{snapshot['finance']['transfers']['count']}笔是村里自己的现金和银行账户之间的转账"
            f"（共{format_wan(snapshot['finance']['transfers']['amount_fen'])}），钱没有进出村里，不算收入和支出。"
        ),
    ):
        assert expected in text
    assert build_digest(as_record(snapshot), base_url=BASE) == text  # deterministic
    short = build_digest(as_record(snapshot), base_url=BASE, short=True)
    assert "第2版，已更正" in short and board_url(BASE, "DEMO", "2026-06", version=2) in short


def test_previous_month_snapshot_gives_the_same_comparison_as_the_embedded_block(demo_snapshots):
    snapshot = demo_snapshots["2026-06"]
    assert build_digest(
        as_record(snapshot), base_url=BASE, previous=as_record(demo_snapshots["2026-05"])
    ) == build_digest(as_record(snapshot), base_url=BASE)


def test_a_quiet_month_without_history_still_reads_well(demo_snapshots):
    snapshot = copy.deepcopy(demo_snapshots["2024-11"])
    snapshot["village"]["hotline"] = ""
    snapshot["party"], snapshot["affairs"] = [], []
    snapshot["finance"]["largest_expenses"] = []
    text = build_digest(as_record(snapshot), base_url=BASE)
    for expected in ("上个月没有公开数据", "本月没有支出", "本月没有党务活动记录", "请找村务监督委员会"):
        assert expected in text
    assert_numbers_traceable(text, snapshot)


def test_too_many_parts_fall_back_to_the_short_digest(demo_snapshots):
    snapshot = copy.deepcopy(demo_snapshots["2026-06"])
    snapshot["party"] *= 40
    assert len(split_message(build_digest(as_record(snapshot), base_url=BASE))) > MAX_PARTS
    assert digest_parts(as_record(snapshot), base_url=BASE) == [
        build_digest(as_record(snapshot), base_url=BASE, short=True)
    ]


def _bodies_restore(text: str, parts: list[str]) -> None:
    """Parts without headers, read in order, are the text minus newlines at the cuts."""
    n = len(parts)
    pos = 0
    text = text.strip("\n")
    for i, part in enumerate(parts, start=1):
        body = part
        if n > 1:
            header = f"({i}/{n})\n"
            assert part.startswith(header)
            body = part[len(header) :]
        while text[pos : pos + 1] == "\n" and not text.startswith(body, pos):
            pos += 1
        assert text.startswith(body, pos)
        pos += len(body)
    assert text[pos:].strip("\n") == ""


ALPHABET = st.sampled_from(list("村务公开收入支出余额党员。！？；，\n ab1,.") + ["😀", "👍🏽", "\n\n", "𠀀", "é"])


@hsettings(max_examples=150, deadline=None)
@given(text=st.lists(ALPHABET, max_size=900).map("".join), limit=st.sampled_from([16, 17, 23, 64, 300]))
def test_split_respects_bytes_and_order_for_chinese_and_emoji(text, limit):
    parts = split_message(text, limit)
    assert all(byte_len(p) <= limit for p in parts)
    if text.strip("\n"):
        _bodies_restore(text, parts)
    else:
        assert parts == []


@pytest.mark.parametrize("limit", [TEXT_LIMIT_BYTES, MARKDOWN_LIMIT_BYTES])
def test_long_chinese_text_splits_at_channel_limits(limit):
    paragraph = "村集体经济收入用于道路维修和路灯更换，全体村民监督。😀" * 12
    text = "\n\n".join(f"第{i}段：{paragraph}" for i in range(40))
    parts = split_message(text, limit)
    assert len(parts) > 1 and all(byte_len(p) <= limit for p in parts)
    assert all(p.split("\n", 1)[1].startswith("第") for p in parts)  # cut at paragraphs
    _bodies_restore(text, parts)


# Whole user-perceived characters: family (ZWJ), flags (regional-indicator pairs), skin tone,
# keycap and heart (variation selector), combining accents; each entry is one cluster.
CLUSTERS = [
    "👨‍👩‍👧‍👦",
    "👩🏽‍💻",
    "🇨🇳",
    "🇯🇵",
    "👍🏽",
    "1️⃣",
    "❤️",
    "e\u0301",
    "n\u0303\u0301",
    "村",
    "务",
    "a",
    "。",
    "，",
    "\n",
]


def _cut_offsets(text: str, parts: list[str]) -> list[int]:
    """Where, in ``text``, each part but the last ends."""
    n, pos, cuts = len(parts), 0, []
    for i, part in enumerate(parts, start=1):
        body = part[len(f"({i}/{n})\n") :] if n > 1 else part
        while not text.startswith(body, pos):
            pos += 1
        pos += len(body)
        cuts.append(pos)
    return cuts[:-1]


@hsettings(max_examples=80, deadline=None)
@given(clusters=st.lists(st.sampled_from(CLUSTERS), min_size=1, max_size=400), limit=st.sampled_from([40, 64, 300]))
def test_split_never_cuts_an_emoji_flag_or_accented_letter(clusters, limit):
    text = "".join(clusters).strip("\n")
    boundaries, pos = set(), 0
    for cluster in clusters:
        pos += len(cluster)
        boundaries.add(pos)
    lead = len("".join(clusters)) - len("".join(clusters).lstrip("\n"))
    parts = split_message(text, limit)
    assert all(byte_len(p) <= limit for p in parts)
    assert [c for c in _cut_offsets(text, parts) if c + lead not in boundaries] == []


def test_family_emoji_and_flags_stay_whole_at_the_chat_limit():
    for text, cluster in (("👨‍👩‍👧‍👦" * 200, "👨‍👩‍👧‍👦"), ("🇨🇳" * 700, "🇨🇳")):
        parts = split_message(text, TEXT_LIMIT_BYTES)
        assert len(parts) > 1 and all(byte_len(p) <= TEXT_LIMIT_BYTES for p in parts)
        bodies = [p.split("\n", 1)[1] for p in parts]
        assert all(b.replace(cluster, "") == "" for b in bodies) and "".join(bodies) == text


def test_a_paragraph_without_breaks_is_cut_after_punctuation_then_anywhere():
    parts = split_message("收入。" * 30, 40)
    assert all(p.endswith("。") for p in parts)
    parts = split_message("😀" * 50, 40)
    assert all(byte_len(p) <= 40 for p in parts) and "".join(p.split("\n", 1)[1] for p in parts) == "😀" * 50
