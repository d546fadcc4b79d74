"""The questions a 政策问答 answers: one table for the checker, the drafter, pages, CLI and outputs."""

from __future__ import annotations

# (field, label as residents ask it, heading prefixes accepted in a Markdown file)
QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("q_what", "这是什么", ("这是什么",)),
    ("q_who", "谁能办、谁能领", ("谁能办", "谁能领", "谁可以")),
    ("q_get", "能得到什么（钱数、标准）", ("能得到什么", "能领多少", "标准")),
    ("q_materials", "要带什么材料", ("要带什么", "带什么材料", "材料")),
    ("q_where", "去哪里办、怎么办", ("去哪里办", "怎么办", "在哪办", "哪里办")),
    ("q_deadline", "什么时候截止", ("什么时候截止", "截止", "什么时候办")),
)
ONE_SENTENCE = ("one_sentence", "一句话说清楚", ("一句话",))
ASK = ("ask", "找谁问", ("找谁问", "咨询"))
# Every answer field in the order residents read them.
ANSWERS = (ONE_SENTENCE, *QUESTIONS, ASK)
FIELD_LABELS = {field: label for field, label, _ in ANSWERS} | {
    "title": "标题",
    "issuer": "发文机关",
    "doc_number": "文号",
    "issued_on": "发文日期",
    "effective_on": "生效日期",
    "deadline_on": "截止日期",
    "correction_note": "更正说明",
}
