"""政策问答 benchmark: the plain-language checker and the drafting on a 20-page policy document.

Run: .venv/bin/python bench/bench_policy.py
The 20 pages are the three real-style notices of ``tests/policy/documents.py`` repeated, set
in 12 pt on A4 (a real PDF, and a DOCX with the same paragraphs).  Baseline measured in
the same run: pdfplumber reading the same PDF, which the worker waits for anyway.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import timed  # noqa: E402
from board.policy_check import check_document, check_explainer, load_words  # noqa: E402
from board.policy_extract import extract_text, parse_markdown, prefill  # noqa: E402
from tests.policy.documents import NOTICES, docx_bytes, pdf_bytes  # noqa: E402

PAGES = 20


def twenty_pages() -> tuple[bytes, list[str]]:
    """A PDF of exactly PAGES pages and its paragraphs."""
    import io

    import pdfplumber

    paragraphs = [p for original, _ in NOTICES.values() for p in original]
    repeat = 1
    while True:
        data = pdf_bytes(paragraphs, repeat=repeat)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        if pages >= PAGES:
            return data, paragraphs * repeat
        repeat += 1


def report(label: str, runs: list[float]) -> float:
    median = statistics.median(runs)
    print(f"{label}: median {median * 1000:.1f} ms, max {max(runs) * 1000:.1f} ms ({len(runs)} runs)")
    return median


def main() -> None:
    pdf, paragraphs = twenty_pages()
    docx = docx_bytes(paragraphs)
    text = extract_text("20页.pdf", pdf)
    result = check_document(text)
    print(
        f"document: {PAGES} A4 pages, {len(text):,} characters, {len(pdf) // 1024} KB PDF, {len(docx) // 1024} KB DOCX"
    )
    print(f"checker findings on it: {result.summary}")
    checker = report("check_document (all rules, word list loaded)", timed(lambda: check_document(text), 20))
    baseline = report(
        "baseline: extract_text from the 20-page PDF (pdfplumber)", timed(lambda: extract_text("a.pdf", pdf), 3)
    )
    print(f"checker / PDF extraction: {checker / baseline:.1%}")
    report("load_words (read and compile the TOML word list)", timed(load_words, 20))
    report("extract_text from the same DOCX (python-docx)", timed(lambda: extract_text("a.docx", docx), 10))
    report("prefill (six answers, dates, 文号) from the text", timed(lambda: prefill(text), 20))
    draft = parse_markdown(NOTICES["医保缴费"][1])
    fields = {"title": draft.title, **draft.answers}
    report(
        "check_explainer on one rewritten explainer (as the page does on every keystroke)",
        timed(lambda: check_explainer(fields, deadline_on=draft.deadline_on), 200),
    )


if __name__ == "__main__":
    main()
