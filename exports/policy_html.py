"""The static site's 政策问答 page: every approved explainer of a village, newest first, searchable offline.

The keyword search is a few lines of script over the page itself (no server, no index
file): each explainer carries its searchable text in a ``data-search`` attribute.  "已截止"
is written at export time and checked again in the reader's browser against today's date,
so a page exported before a deadline still says so once it has passed.  All user text is
``html.escape``d.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from board.links import policy_url
from views.policy_view import deadline_label, heading, is_expired, scope_line, search_text, source_line

POLICY_DIR = "policy"
PAGE_FILE = "index.html"

CSS = """
article{border-top:2px solid #1a1a1a;margin-top:20px;padding-top:6px}
article.expired h3{color:#555}
.deadline{font-weight:700}
.deadline.expired{color:#fff;background:#8a1c1c;padding:1px 6px;border-radius:4px}
.one{font-size:19px;background:#f4f1ea;padding:8px 10px}
dt{font-weight:700;margin-top:10px}
dd{margin:2px 0 0 0;white-space:pre-wrap}
#q{font-size:19px;padding:8px;width:100%;max-width:480px}
.hidden{display:none}
"""

SEARCH_SCRIPT = """
<script>
(function () {
  var box = document.getElementById("q"), count = document.getElementById("count");
  var items = Array.prototype.slice.call(document.querySelectorAll("article[data-search]"));
  var today = new Date(), y = today.getFullYear(), m = ("0" + (today.getMonth() + 1)).slice(-2),
      d = ("0" + today.getDate()).slice(-2), iso = y + "-" + m + "-" + d;
  document.querySelectorAll(".deadline[data-deadline]").forEach(function (el) {
    if (el.getAttribute("data-deadline") < iso && !el.classList.contains("expired")) {
      el.classList.add("expired");
      el.textContent = "已截止（" + el.getAttribute("data-label") + "）";
      el.closest("article").classList.add("expired");
    }
  });
  function run() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search").toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      item.classList.toggle("hidden", !hit);
      if (hit) { shown += 1; }
    });
    count.textContent = words.length ? "找到 " + shown + " 期" : "共 " + items.length + " 期";
  }
  box.addEventListener("input", run);
  run();
})();
</script>
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _cn(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _article(content: dict, *, today: date, village_code: str, base_url: str) -> str:
    expired = is_expired(content, today)
    deadline = ""
    if content.get("deadline_on"):
        css = "deadline expired" if expired else "deadline"
        deadline = (
            f'<p><span class="{css}" data-deadline="{_e(content["deadline_on"])}" '
            f'data-label="{_e(_cn(content["deadline_on"]))}">{_e(deadline_label(content, today))}</span></p>'
        )
    answers = "".join(
        f"<dt>{_e(a['question'])}</dt><dd>{_e(a['answer'] or '（未填写）')}</dd>" for a in content["answers"]
    )
    if content.get("ask"):
        answers += f"<dt>找谁问</dt><dd>{_e(content['ask'])}</dd>"
    parts = [
        f'<article id="policy-{_e(content["id"])}" class="{"expired" if expired else ""}" '
        f'data-search="{_e(search_text(content))}">',
        f"<h3>{_e(heading(content))}</h3>",
        deadline,
    ]
    if content.get("correction_note"):
        parts.append(f'<p class="notice">第{_e(content["version"])}版（已更正）：{_e(content["correction_note"])}</p>')
    if content.get("one_sentence"):
        parts.append(f'<p class="one">一句话说清楚：{_e(content["one_sentence"])}</p>')
    parts.append(f"<dl>{answers}</dl>")
    meta = [f"适用：{scope_line(content)}"]
    if source_line(content):
        meta.append(f"原文：{source_line(content)}")
    meta.append(f"审核公开 {content['approved_on']}")
    meta.append(f"核验码 {content['hash']}")
    parts.append(f'<p class="meta">{_e(" · ".join(meta))}</p>')
    if base_url:
        parts.append(f'<p><a href="{_e(policy_url(base_url, village_code, content["id"]))}">在线版</a></p>')
    parts.append("</article>")
    return "".join(parts)


def render_policy_page(
    village_name: str, village_code: str, contents: list[dict], *, today: date, base_url: str = "", base_css: str = ""
) -> str:
    title = f"{village_name} 政策问答"
    articles = "".join(_article(c, today=today, village_code=village_code, base_url=base_url) for c in contents)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{base_css}{CSS}</style></head><body>"
        f'<header><h1>{_e(title)}</h1><p class="meta">政策文件的大白话解读，新的在前。</p></header>'
        '<nav><a href="../index.html">三务公开（全部月份）</a></nav>'
        '<main><p><label for="q">搜索：</label><input id="q" type="search" placeholder="输入关键词，如 医保、补贴、80岁">'
        ' <span id="count" aria-live="polite"></span></p>'
        f"{articles}</main>{SEARCH_SCRIPT}</body></html>"
    )


def write_policy_page(
    out_dir: Path,
    village_name: str,
    village_code: str,
    contents: list[dict],
    *,
    today: date,
    base_url: str,
    base_css: str,
) -> Path | None:
    """``policy/index.html`` beside the month pages; None when the village has no explainers."""
    if not contents:
        return None
    page = out_dir / POLICY_DIR / PAGE_FILE
    page.parent.mkdir(exist_ok=True)
    page.write_text(
        render_policy_page(village_name, village_code, contents, today=today, base_url=base_url, base_css=base_css),
        encoding="utf-8",
    )
    return page
