"""From a policy document to a draft 政策问答: text extraction and rule-based pre-filling.

DOCX through python-docx (paragraphs and table cells) and PDF through pdfplumber, both in a
limited child process; text as UTF-8 or GB18030.  A Markdown file with the six headings is
read as the answers themselves.  Pre-filling picks, for each question, the document's
sentences that carry its cues (dates, amounts, places, materials): a draft for the worker
to rewrite, never published as is.  No outside service.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from board.errors import BoardError
from board.policy_fields import ANSWERS
from board.untrusted import check_parts, check_zip, run_limited

MAX_SOURCE_BYTES = 20 * 2**20
MAX_PDF_PAGES = 200
MAX_TEXT_CHARS = 200_000  # about 100 pages of a notice; the checker's time grows with the text
MAX_SENTENCES_PER_ANSWER = 3
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SOURCE_SUFFIXES = (".docx", ".pdf", *TEXT_SUFFIXES)

_DOC_NUMBER = re.compile(r"[^\s，。；、]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
# Cues per question: a sentence carrying one is a candidate answer (first match wins the order).
_CUES = {
    "q_what": r"是指|目的|为了|旨在|本(通知|办法|政策|细则)|实行|开展|建立",
    "q_who": r"对象|范围|条件|年满|周岁|户籍|户口|居民|老人|老年人|人员|家庭|凡是|符合",
    "q_get": r"\d+(\.\d+)?\s*(万)?元|标准|补贴|津贴|报销|比例|%|％|发放|享受|待遇",
    "q_materials": r"材料|身份证|户口簿|户口本|证明|复印件|照片|银行卡|社保卡|存折|申请表|提供|携带",
    "q_where": r"窗口|便民服务中心|服务中心|村委会|居委会|社区|网上|线上|小程序|APP|App|app|公众号|地点|地址|到.{1,12}办理|申请|办理",
    "q_deadline": r"截止|截至|之前|以前|期限|起至|至\d{4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*[日号]前|时间",
    "ask": r"咨询|联系电话|联系人|电话|热线",
}
_CUE_RE = {k: re.compile(v) for k, v in _CUES.items()}
# Item headings (“一、参保对象：”) and the question each answers.
_HEADINGS = {
    "q_what": r"目的|内容|是什么|意义",
    "q_who": r"对象|范围|条件|人员",
    "q_get": r"标准|待遇|金额|额度|内容",
    "q_materials": r"材料|证件|资料",
    "q_where": r"方式|程序|流程|地点|渠道|办理|申领|申请|发放",
    "q_deadline": r"时间|期限|截止|时限",
    "ask": r"咨询|联系|电话",
}
_HEADING_RE = {k: re.compile(v) for k, v in _HEADINGS.items()}
_ITEM_START = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_LINE_END = re.compile(r"[。！？；：:]$")
WRAP_SLACK = 2.5  # CJK characters a full PDF line may fall short of the widest (line-breaking rules)
_BOILERPLATE = re.compile(r"通知如下|特此通知|各村（社区）|各有关单位|经研究决定|^(为|为了)(深入)?贯彻")
_TITLE_FRAME = re.compile(r"^关于|的(通知|意见|办法|决定|方案|实施细则|公告|通告)$")
_EFFECTIVE = re.compile(r"起执行|起施行|起实施|起调整|起享受|起开始")
_ISSUERS = ("局", "委员会", "政府", "办公室", "中心", "站", "办")
_META = {
    "标题": "title",
    "发文机关": "issuer",
    "文号": "doc_number",
    "发文日期": "issued_on",
    "生效日期": "effective_on",
    "截止日期": "deadline_on",
}


@dataclass
class Draft:
    """What a file gives: metadata and answers (any may be empty) and the extracted text."""

    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    issued_on: date | None = None
    effective_on: date | None = None
    deadline_on: date | None = None
    source_text: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    from_markdown: bool = False


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BoardError(f"{name} 不是 UTF-8 或 GBK 编码的文本", field="原文")


_ADVICE = "请另存为普通 Word 文件或直接粘贴文字"
# Word's widest table; python-docx lists a merged cell once per column it spans, so a huge span is a memory bomb.
_MAX_GRID_SPAN = 63


def _docx_text(data: bytes, name: str) -> str:
    from docx import Document

    check_parts(data, field="原文")
    try:
        document = Document(io.BytesIO(data))
    # python-docx surfaces zip, XML (lxml) and package errors of a damaged file alike.
    except Exception as exc:  # noqa: BLE001
        raise BoardError(f"{name} 打不开，不是有效的 Word（.docx）文件（{type(exc).__name__}）", field="原文") from None
    spans = [int(v) for v in document.element.xpath(".//w:gridSpan/@w:val") if v.isdigit()]
    if max(spans, default=1) > _MAX_GRID_SPAN:
        raise BoardError(
            f"{name} 的表格里有一格横跨 {max(spans)} 列（Word 最多 {_MAX_GRID_SPAN} 列），结构异常，已拒绝。{_ADVICE}",
            field="原文",
        )
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            # Merged cells repeat their text; a dict keeps each text once, in order, in linear time.
            lines.append("  ".join(dict.fromkeys(cell.text for cell in row.cells)))
    return "\n".join(lines)


def _pdf_text(data: bytes, name: str) -> str:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise BoardError(
                    f"{name} 有 {len(pdf.pages)} 页，最多 {MAX_PDF_PAGES} 页：请只上传通知本身", field="原文"
                )
            pages = [page.extract_text() or "" for page in pdf.pages]
    except BoardError:
        raise
    # pdfminer raises many types (syntax, encryption, stream and key errors) on damaged files,
    # and wraps the child's MemoryError when a compressed stream inflates past its limit.
    except Exception as exc:  # noqa: BLE001
        if isinstance(exc.__cause__ or exc.__context__, MemoryError):
            message = f"{name} 里的压缩内容解开后超过内存上限（疑似“压缩炸弹”），已拒绝。{_ADVICE}"
        else:
            message = f"{name} 打不开，不是有效的 PDF 文件（{type(exc).__name__}）"
        raise BoardError(message, field="原文") from None
    text = "\n".join(pages)
    if not text.strip():
        raise BoardError(f"{name} 里没有可以复制的文字（可能是扫描件），请粘贴文字或上传 Word 版", field="原文")
    return text


def extract_text(name: str, data: bytes) -> str:
    """The text of a DOCX, PDF or text file, as the reader would copy it.

    A DOCX or PDF is parsed in a limited child process (board.untrusted): a crafted file can fail, never the server.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise BoardError(f"{name}：只能上传 Word（.docx）、PDF 或文本（.txt/.md）文件", field="原文")
    if len(data) > MAX_SOURCE_BYTES:
        raise BoardError(f"{name} 超过 {MAX_SOURCE_BYTES // 2**20} MB", field="原文")
    if suffix == ".docx":
        check_zip(data, what=f"{name} ", field="原文", advice=_ADVICE)
        # Imported here, not in the child: each child would import it again, and could wait forever
        # on an import lock another server thread held when it was forked.
        import docx  # noqa: F401
    elif suffix == ".pdf":
        import pdfplumber  # noqa: F401
    if suffix in (".docx", ".pdf"):
        text: str = run_limited(_document_text, data, name, what=f"{name} ", field="原文", advice=_ADVICE)
    else:
        text = _within_limit(_decode(data, name), name)
    return re.sub(r"[ \t\u3000]+\n", "\n", text.replace("\r\n", "\n")).strip()


def _document_text(data: bytes, name: str) -> str:
    """Runs in the limited child process: a DOCX's or PDF's text, refused there if too long to send back."""
    text = _docx_text(data, name) if name.lower().endswith(".docx") else _unwrap(_pdf_text(data, name))
    return _within_limit(text, name)


def _within_limit(text: str, name: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise BoardError(
            f"{name} 的文字有 {len(text)} 个字，最多 {MAX_TEXT_CHARS} 个字：请只上传通知本身", field="原文"
        )
    return text


def parse_day(value: str, label: str = "日期") -> date | None:
    """``2026-03-01``, ``2026/3/1`` or ``2026年3月1日``; empty is None."""
    value = (value or "").strip()
    if not value:
        return None
    m = _CN_DATE.fullmatch(value) or _ISO_DATE.fullmatch(value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise BoardError(f"“{value}”不是有效日期，请写成 2026-03-01 或 2026年3月1日", field=label)


def _dates(text: str) -> list[date]:
    found = []
    for m in (*_CN_DATE.finditer(text), *_ISO_DATE.finditer(text)):
        try:
            found.append((m.start(), date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
        except ValueError:
            continue
    return [d for _, d in sorted(found)]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 1]


def _unwrap(text: str) -> str:
    """Join the lines a PDF wrapped mid-sentence: a line that reaches the right margin (as long as
    the longest lines) and does not end a sentence continues on the next, unless that starts an item."""
    lines = [line.strip() for line in text.splitlines()]
    full = max((_width(line) for line in lines), default=0) - WRAP_SLACK
    out: list[str] = []
    wrapped = False
    for line in lines:
        if wrapped and line and not _ITEM_START.match(line):
            out[-1] += line
        else:
            out.append(line)
        wrapped = _width(line) >= full and not _LINE_END.search(line)
    return "\n".join(out)


def _width(line: str) -> float:
    """A line's printed width in CJK characters (digits and Latin letters are about half as wide)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in line)


def _boilerplate(sentence: str) -> bool:
    return bool(_BOILERPLATE.search(sentence)) or (sentence.endswith(("：", ":")) and len(sentence) <= 20)


def _label(sentence: str) -> str:
    """The item's own heading, as in “三、缴费时间：…”."""
    head, sep, _ = sentence.partition("：")
    return _ITEM_START.sub("", head) if sep and len(head) <= 14 else ""


def prefill(text: str) -> Draft:
    """A draft from a document's text: title, 文号, dates and candidate sentences per question.

    An item headed like “三、缴费时间：” answers the question its heading names; a question
    no heading answers gets the first sentences carrying its cues.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    draft = Draft(source_text=text)
    doc_number = _DOC_NUMBER.search(text)
    if doc_number:
        draft.doc_number = re.sub(r"\s", "", doc_number.group())
    title = next((line for line in lines[:6] if "关于" in line or "通知" in line or "办法" in line), "")
    draft.title = (title or (lines[0] if lines else ""))[:200]
    every = sentences(_unwrap(text))
    body = [s for s in every if s != draft.title and not _boilerplate(s) and not _DOC_NUMBER.fullmatch(s)]
    picked: dict[str, list[str]] = {key: [] for key in _CUE_RE}
    for sentence in body:
        label = _label(sentence)
        key = next((k for k, cue in _HEADING_RE.items() if label and cue.search(label)), None)
        if key and len(picked[key]) < MAX_SENTENCES_PER_ANSWER:
            picked[key].append(sentence)
    for key, cue in _CUE_RE.items():
        if not picked[key]:
            picked[key] = [s for s in body if cue.search(s)][:MAX_SENTENCES_PER_ANSWER]
    draft.answers = {key: "\n".join(found) for key, found in picked.items()}
    if not draft.answers["q_what"]:
        draft.answers["q_what"] = _TITLE_FRAME.sub("", draft.title)
    draft.answers["one_sentence"] = ""
    deadlines = _dates(draft.answers["q_deadline"])
    if deadlines:
        draft.deadline_on = max(deadlines)
    effective = [d for s in every if _EFFECTIVE.search(s) for d in _dates(s)]
    if effective:
        draft.effective_on = effective[0]
    issued = _dates("\n".join(lines[-4:]))
    if issued:
        draft.issued_on = issued[-1]
    issuer = next((line for line in lines[:3] + lines[-4:] if line.endswith(_ISSUERS)), "")
    draft.issuer = issuer[:100]
    return draft


def _heading_field(heading: str) -> str | None:
    for key, _, prefixes in ANSWERS:
        if heading.startswith(prefixes):
            return key
    return None


def parse_markdown(text: str) -> Draft:
    """A Markdown explainer: ``# 标题``, ``发文机关：…`` lines, then one ``##`` per question."""
    draft = Draft(source_text=text, from_markdown=True)
    current: str | None = None
    chunks: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            heading = line[3:].strip().lstrip("0123456789.、 ")
            current = _heading_field(heading)
            if current is None:
                raise BoardError(f"标题“{heading}”不是六个问题之一（也不是“一句话说清楚”“找谁问”）", field="Markdown")
            chunks.setdefault(current, [])
        elif line.startswith("# ") and not draft.title:
            draft.title = line[2:].strip()[:200]
        elif current is not None:
            chunks[current].append(raw.rstrip())
        elif "：" in line or ":" in line:
            key, _, value = line.replace(":", "：", 1).partition("：")
            name = _META.get(key.strip())
            if name in ("issued_on", "effective_on", "deadline_on"):
                setattr(draft, name, parse_day(value, key.strip()))
            elif name:
                setattr(draft, name, value.strip())
    draft.answers = {key: "\n".join(lines).strip() for key, lines in chunks.items()}
    return draft


def is_markdown_explainer(text: str) -> bool:
    return any(
        line.startswith("## ") and _heading_field(line[3:].strip().lstrip("0123456789.、 "))
        for line in text.splitlines()
    )


def draft_from_file(name: str, data: bytes) -> Draft:
    """A Markdown explainer as written, or a draft pre-filled from a DOCX, PDF or text document."""
    text = extract_text(name, data)
    if Path(name).suffix.lower() in (".md", ".markdown") and is_markdown_explainer(text):
        return parse_markdown(text)
    return prefill(text)
