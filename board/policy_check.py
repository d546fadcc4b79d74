"""The plain-language checker for 政策问答: rule-based, deterministic, explained, never blocking.

Each rule finds spots a resident would stumble on and says why and what to write instead:
jargon from the editable word list (``board/data/plain_words.toml``), sentences over 40
characters, bureaucratic stacks, numbers without a unit, deadlines without a date,
questions left unanswered, and personal numbers (``board.privacy.find_pii``).  The score
is 100 minus each spot's weight, scaled to the length of the text, so a long document is
not marked down just for being long.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from board.policy_fields import ANSWERS, FIELD_LABELS
from board.privacy import find_pii

WORDS_FILE = Path(__file__).resolve().parent / "data" / "plain_words.toml"
MAX_SENTENCE_CHARS = 40
EXCERPT_CHARS = 24
# Weight of one spot; a text shorter than SCORE_SPAN characters pays it in full.
WEIGHTS = {
    "个人信息": 30,
    "一句话太长": 40,
    "问题没回答": 10,
    "截止没日期": 6,
    "句子太长": 4,
    "公文腔": 3,
    "难懂的词": 3,
    "数字没单位": 2,
}
SCORE_SPAN = 800
MAX_ONE_SENTENCE_CHARS = 80  # 一句话说清楚 is read at a glance on the noticeboard; saving refuses more
GRADES = ((85, "好懂"), (60, "基本好懂"), (0, "难懂"))
PLACEHOLDERS = {"", "无", "暂无", "略", "待补充", "待填写", "待定", "?", "？", "……", "..."}

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_NUMBER = re.compile(r"(?<![0-9.:/-])\d+(?:\.\d+)?(?:\s*(?:至|到|-|~|～|—)\s*\d+(?:\.\d+)?)?(?![0-9])", re.ASCII)
# Phone numbers as people write them (0523-8888 1234, 138 1234 5678): never "numbers without a unit".
_PHONE = re.compile(
    r"(?<![0-9])(?:\(?0\d{2,3}\)?[ -]?)?\d{3,4}[ -]?\d{4}(?![0-9])|(?<![0-9])1\d{2}[ -]?\d{4}[ -]?\d{4}(?![0-9])",
    re.ASCII,
)
_MULTIPLIERS = "十百千万亿"
_DEADLINE_WORDS = re.compile(
    r"截止|截至|逾期|过期|到期|期限|限期|尽快|及时|近期|规定时间内|抓紧|前办理|前缴纳|前申请|前提交"
)
_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*[日号])?|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|每月\s*\d{1,2}\s*[日号]|每年\s*\d{1,2}\s*月|\d{1,2}\s*月(底|末|初|中旬|上旬|下旬)|长期有效|常年|随时"
)


@dataclass(frozen=True)
class Finding:
    field: str  # the answer field, or "text" for a whole document
    kind: str  # a key of WEIGHTS
    start: int
    end: int
    excerpt: str
    message: str

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, "全文")


@dataclass(frozen=True)
class CheckResult:
    score: int
    grade: str
    findings: tuple[Finding, ...]
    chars: int

    @property
    def summary(self) -> str:
        if not self.findings:
            return f"{self.score} 分（{self.grade}）：没有发现要改的地方"
        counts = Counter(f.kind for f in self.findings)
        detail = "、".join(f"{kind} {counts[kind]} 处" for kind in WEIGHTS if counts[kind])
        return f"{self.score} 分（{self.grade}）：{detail}"

    def rows(self) -> list[dict[str, str]]:
        return [{"位置": f.label, "问题": f.kind, "原文": f.excerpt, "怎么改": f.message} for f in self.findings]


@dataclass(frozen=True)
class WordList:
    jargon: dict[str, str]
    units: tuple[str, ...]
    stacks: tuple[tuple[re.Pattern[str], str], ...]
    jargon_re: re.Pattern[str] | None


def load_words(path: Path | str = WORDS_FILE) -> WordList:
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    jargon = {str(k).strip(): str(v).strip() for k, v in data.get("jargon", {}).items() if str(k).strip()}
    # Longest first, so 缴费基数 wins over 缴费.
    alternatives = sorted(jargon, key=len, reverse=True)
    return WordList(
        jargon=jargon,
        units=tuple(sorted(data.get("units", {}).get("words", []), key=len, reverse=True)),
        stacks=tuple((re.compile(s["pattern"]), s["why"]) for s in data.get("stacks", [])),
        jargon_re=re.compile("|".join(map(re.escape, alternatives))) if alternatives else None,
    )


@lru_cache(maxsize=1)
def default_words() -> WordList:
    return load_words()


def _excerpt(text: str, start: int, end: int) -> str:
    """The spot with a little context, on one line."""
    pad = max((EXCERPT_CHARS - (end - start)) // 2, 0)
    left, right = max(start - pad, 0), min(end + pad, len(text))
    snippet = text[left:right].replace("\n", " ")
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _has_unit(after: str, units: tuple[str, ...]) -> bool:
    after = after.lstrip()
    if after[:1] and after[0] in _MULTIPLIERS:
        after = after[1:]
        if after[:1] in _MULTIPLIERS:
            after = after[1:]
    return after.startswith(units)


def _number_findings(text: str, field: str, words: WordList) -> list[Finding]:
    found = []
    phones = [p.span() for p in _PHONE.finditer(text)]
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in phones):
            continue
        digits = m.group().split()[0]
        before = text[max(m.start() - 1, 0) : m.start()]
        after = text[m.end() : m.end() + 6]
        if len(re.sub(r"\D", "", digits)) >= 5:  # phone numbers, postcodes, the 12345 hotline
            continue
        if before in ("〔", "[", "【", "（", "(", "第") or after[:1] in (
            "、",
            ".",
            "．",
            "）",
            ")",
            "〕",
            "]",
            "】",
            ":",
            "：",
        ):
            continue  # list numbers, years of document numbers, 第N条
        if _has_unit(after, words.units):
            continue
        found.append(
            Finding(
                field,
                "数字没单位",
                m.start(),
                m.end(),
                _excerpt(text, m.start(), m.end()),
                f"“{m.group()}”后面没有单位：是元、人、天还是岁？写上单位",
            )
        )
    return found


def check_text(text: str, *, field: str = "text", words: WordList | None = None) -> list[Finding]:
    """Findings of every rule that looks at the text itself (not at which answers are missing)."""
    words = words or default_words()
    text = text or ""
    found: list[Finding] = []
    if words.jargon_re is not None:
        for m in words.jargon_re.finditer(text):
            found.append(
                Finding(
                    field,
                    "难懂的词",
                    m.start(),
                    m.end(),
                    _excerpt(text, m.start(), m.end()),
                    f"“{m.group()}”居民不常说，可以改成：{words.jargon[m.group()]}",
                )
            )
    for pattern, why in words.stacks:
        for m in pattern.finditer(text):
            found.append(Finding(field, "公文腔", m.start(), m.end(), _excerpt(text, m.start(), m.end()), why))
    for start, end in _sentences(text):
        sentence = text[start:end]
        length = len(re.sub(r"\s", "", sentence))
        if length > MAX_SENTENCE_CHARS:
            found.append(
                Finding(
                    field,
                    "句子太长",
                    start,
                    end,
                    _excerpt(text, start, start + 10),
                    f"这句有 {length} 个字，超过 {MAX_SENTENCE_CHARS} 个字，拆成两三句短话",
                )
            )
        deadline = _DEADLINE_WORDS.search(sentence)
        if deadline and not _DATE.search(sentence):
            found.append(
                Finding(
                    field,
                    "截止没日期",
                    start + deadline.start(),
                    start + deadline.end(),
                    _excerpt(text, start + deadline.start(), start + deadline.end()),
                    f"说了“{deadline.group()}”却没写日期：写清楚哪年哪月哪日",
                )
            )
    found += _number_findings(text, field, words)
    for match in find_pii(text):
        found.append(
            Finding(
                field,
                "个人信息",
                match.start,
                match.end,
                f"（{match.kind}）",
                f"这里有未遮挡的{match.kind}，不能公开：删掉，找谁问请写办事窗口或座机",
            )
        )
    return sorted(found, key=lambda f: (f.start, f.kind))


def _unanswered(fields: dict[str, str], deadline_on: date | None) -> list[Finding]:
    found = []
    for field, label, _ in ANSWERS:
        if (fields.get(field) or "").strip() in PLACEHOLDERS:
            found.append(Finding(field, "问题没回答", 0, 0, "（空）", f"“{label}”还没写，居民最想知道这个"))
    deadline = (fields.get("q_deadline") or "").strip()
    if deadline not in PLACEHOLDERS and deadline_on is None and not _DATE.search(deadline):
        found.append(
            Finding(
                "q_deadline",
                "截止没日期",
                0,
                len(deadline),
                _excerpt(deadline, 0, 0),
                "“什么时候截止”里没有日期，也没填截止日期：写清楚哪年哪月哪日，或写“长期有效”",
            )
        )
    return found


def score(findings: list[Finding] | tuple[Finding, ...], chars: int) -> tuple[int, str]:
    scale = SCORE_SPAN / max(chars, SCORE_SPAN)
    penalty = sum(WEIGHTS[f.kind] for f in findings) * scale
    value = max(0, round(100 - penalty))
    return value, next(grade for floor, grade in GRADES if value >= floor)


def _result(findings: list[Finding], chars: int) -> CheckResult:
    value, grade = score(findings, chars)
    return CheckResult(value, grade, tuple(findings), chars)


def check_explainer(
    fields: dict[str, str], *, deadline_on: date | None = None, words: WordList | None = None
) -> CheckResult:
    """Check every answer of an explainer (and the title); findings in reading order."""
    findings: list[Finding] = []
    for field in ("title", *(f for f, _, _ in ANSWERS)):
        findings += check_text(fields.get(field) or "", field=field, words=words)
    findings += _unanswered(fields, deadline_on)
    one = (fields.get("one_sentence") or "").strip()
    if len(one) > MAX_ONE_SENTENCE_CHARS:
        findings.append(
            Finding(
                "one_sentence",
                "一句话太长",
                0,
                len(one),
                _excerpt(one, 0, 10),
                f"“一句话说清楚”有 {len(one)} 个字，最多 {MAX_ONE_SENTENCE_CHARS} 个字：只说最要紧的一件事",
            )
        )
    order = {f: i for i, f in enumerate(("title", *(f for f, _, _ in ANSWERS)))}
    findings.sort(key=lambda f: (order.get(f.field, 99), f.start))
    chars = sum(len(fields.get(f) or "") for f in order)
    return _result(findings, chars)


def check_document(text: str, *, words: WordList | None = None) -> CheckResult:
    """Check a whole policy document (what residents would stumble on if it were sent as is)."""
    return _result(check_text(text, words=words), len(text or ""))
