"""依法隐去 from the shell, as an operator would, on SQLite and PostgreSQL: two people with their own
passwords, refusals audited, a leak repeated in two months withdrawn everywhere, ``verify`` still
passing, and neither the static site nor the download cache keeping the text."""

from __future__ import annotations

import gzip
import io
import json

import openpyxl
from sqlmodel import select

from board.redaction import mentions
from exports.downloads import published_file
from infra.db import unit_of_work
from infra.settings import get_settings
from models import AuditLog, PublishedPeriod
from tests.board.test_redaction import LEAK, LEDGER, publish, stored, village
from tests.helpers import run_cli

__all__ = ["village"]  # the fixture, shared with test_redaction.py

SUPERVISOR_ENV = "SANWU_SUPERVISOR_PASSWORD"
# November repeats the leak in a line of its own: it must be withdrawn in both months.
NOVEMBER = [
    dict(LEDGER[0], entry_date="2026-11-03", voucher_no="记101"),
    dict(LEDGER[1], entry_date="2026-11-05", voucher_no="记102", summary=f"补付{LEAK}尾款", amount_fen="100.00"),
]
NOVEMBER_BALANCES = [
    {"account": "银行存款", "opening_fen": "33,800.00", "closing_fen": "35,500.00"},
    {"account": "现金", "opening_fen": "764.50", "closing_fen": "764.50"},
]
REDACT = ("redact", "--village", "V1", "--text", LEAK, "--reason", "本人申请删除姓名", "--yes")


def audits(engine, action: str) -> list[dict]:
    with unit_of_work(engine) as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()
        return [{"username": r.username, **json.loads(r.after_json or "{}")} for r in rows]


def site_text(root) -> str:
    """Every file of an exported site as text, the .gz twins unpacked."""
    texts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        texts.append((gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace"))
    return "\n".join(texts)


def test_redaction_from_the_shell_needs_both_passwords_and_reaches_every_file(engine, db_url, village, tmp_path):
    publish(engine, "2026-11", NOVEMBER, NOVEMBER_BALANCES)
    october, november = stored(engine, "2026-10"), stored(engine, "2026-11")
    site = get_settings().public_dir  # where this server serves the site: a redaction rebuilds it
    assert run_cli("export", "html", "-o", str(site), db=db_url).returncode == 0
    key_before = json.loads((site / "V1" / "latest.json").read_text(encoding="utf-8"))["render_key"]
    assert LEAK in site_text(site)
    # Residents downloaded both months: the cache holds files with the text, one folder per version.
    cache = get_settings().cache_dir
    for period in ("2026-10", "2026-11"):
        assert LEAK in published_file(engine, "V1", period, 1, "csv").decode("utf-8-sig")
        published_file(engine, "V1", period, 1, "pdf")
    assert {p.name for p in cache.iterdir()} == {october.content_hash, november.content_hash}
    legacy = cache / "ab" / ("c" * 64)  # the layout before one folder per hash: not findable by hash
    legacy.parent.mkdir()
    legacy.write_text(LEAK, encoding="utf-8")

    # Staff find where the text sits, with the part ids.
    found = run_cli("parts", "--village", "V1", "--find", LEAK, db=db_url)
    assert found.returncode == 0, found.stderr
    assert "2026-10 第1版  finance.ledger/1" in found.stdout and "2026-11 第1版  finance.ledger/1" in found.stdout
    assert "共 2 处" in found.stdout

    # A wrong admin password, a wrong or missing supervisor password, no supervisor at all, --as-admin
    # standing in for the supervisor: all refused, nothing hidden; the password refusals are audited.
    wrong_admin = run_cli(*REDACT, "--by", "admin", "--supervisor", "sup", db=db_url, stdin="wrong-pass\npassword1\n")
    assert wrong_admin.returncode == 2 and "密码错误" in wrong_admin.stderr
    assert audits(engine, "cli_refused")[-1]["username"] == "admin"
    wrong_sup = run_cli(*REDACT, "--by", "admin", "--supervisor", "sup", db=db_url, stdin="password1\nwrong-pass\n")
    assert wrong_sup.returncode == 2 and "监督委员会成员的用户名或密码错误" in wrong_sup.stderr
    no_password = run_cli(*REDACT, "--by", "admin", "--supervisor", "sup", db=db_url, password="password1")
    assert no_password.returncode == 2 and "没有输入监督委员会成员的密码" in no_password.stderr
    refused = audits(engine, "redact_refused")
    assert [(r["username"], r["监督委员会成员"]) for r in refused] == [("admin", "sup"), ("admin", "sup")]
    assert all(LEAK not in json.dumps(r, ensure_ascii=False) for r in refused)  # the leak is not copied into the log
    missing = run_cli(*REDACT, "--by", "admin", db=db_url, stdin="password1\n")
    assert missing.returncode == 2 and "--supervisor" in missing.stderr
    operator_for_both = run_cli(*REDACT, "--as-admin", "--supervisor", "admin", db=db_url, stdin="password1\n")
    assert operator_for_both.returncode == 2 and "不是村务监督委员会成员" in operator_for_both.stderr
    assert audits(engine, "redact_refused")[-1]["原因"].startswith("“admin”不是村务监督委员会成员")
    assert audits(engine, "redact") == [] and LEAK in stored(engine, "2026-10").content_json

    # Without --yes: the list of what would go, nothing done.
    preview = run_cli(*REDACT[:-1], "--by", "admin", "--supervisor", "sup", db=db_url, password="password1")
    assert preview.returncode == 2 and "共 2 处" in preview.stderr and "--yes" in preview.stderr
    assert "2026-11 第1版  finance.ledger/1" in preview.stdout and LEAK in stored(engine, "2026-11").content_json

    # The admin and the supervisor, each with their password (the supervisor's from its own variable).
    done = run_cli(*REDACT, "--by", "admin", "--supervisor", "sup", db=db_url, password="password1",
                   env={SUPERVISOR_ENV: "password1"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("已依法隐去") == 2
    assert [(a["admin"], a["supervisor"], a["part"]) for a in audits(engine, "redact")] == [
        ("admin", "sup", "finance.ledger/1"),
        ("admin", "sup", "finance.ledger/1"),
    ]
    assert stored(engine, "2026-10").content_hash == october.content_hash  # the hashes stay
    assert stored(engine, "2026-11").content_hash == november.content_hash
    checked = run_cli("verify", "--village", "V1", db=db_url)
    assert checked.returncode == 0 and "全部核验通过" in checked.stdout, checked.stderr
    assert "共 0 处" not in (left := run_cli("parts", "--village", "V1", "--find", LEAK, db=db_url).stdout)
    assert "没有找到" in left

    # The cache folders of both versions are gone; a new download is rendered from the redacted record.
    assert not any(cache.iterdir())
    csv_text = published_file(engine, "V1", "2026-10", 1, "csv").decode("utf-8-sig")
    assert LEAK not in csv_text and "［已依法隐去］" in csv_text
    xlsx = openpyxl.load_workbook(io.BytesIO(published_file(engine, "V1", "2026-10", 1, "xlsx")))
    cells = " ".join(str(c.value) for ws in xlsx for row in ws.iter_rows() for c in row if c.value is not None)
    assert LEAK not in cells and "本月公开内容有 1 处已依法隐去" in cells

    # The static site rebuilt by the redaction itself, every month: no trace of the text; the notice on
    # the month pages and the kiosk; latest.json changes although the hash does not, so a kiosk reloads.
    assert f"已重新生成静态网页（全部月份）：{site / 'V1'}" in done.stdout
    assert LEAK not in site_text(site)
    latest = json.loads((site / "V1" / "latest.json").read_text(encoding="utf-8"))
    assert latest["hash"] == november.content_hash and latest["render_key"] != key_before
    assert latest["redactions"] == 1
    for page in ("2026-10/index.html", "2026-10/v1/index.html", "2026-11/index.html", "kiosk/index.html"):
        assert "本月公开内容有 1 处已依法隐去" in (site / "V1" / page).read_text(encoding="utf-8"), page


def test_parts_lists_every_version_or_one(engine, db_url, village):
    listed = run_cli("parts", "--village", "V1", "--period", "2026-10", "--version", "1", db=db_url)
    assert listed.returncode == 0, listed.stderr
    assert "2026-10 第1版  finance.ledger/1  " in listed.stdout and LEAK in listed.stdout
    found = run_cli("parts", "--village", "V1", "--find", "门面", db=db_url).stdout
    assert "finance.ledger/0" in found and "finance.ledger/1" not in found
    unknown = run_cli("parts", "--village", "NOPE", db=db_url)
    assert unknown.returncode == 2
    # A category is kept for the figures to add up (and copied into the summary by category): found and
    # reported as not withdrawable, never "not found".
    category = run_cli("parts", "--village", "V1", "--find", "公益支出", db=db_url)
    assert "2026-10 第1版  finance.ledger/1  公益支出  （不能单独隐去：这是分类" in category.stdout
    assert "2026-10 第1版  finance  公益支出  （不能单独隐去" in category.stdout
    refused = run_cli(*REDACT[:4], "公益支出", *REDACT[5:], "--by", "admin", "--supervisor", "sup", db=db_url,
                      password="password1", env={SUPERVISOR_ENV: "password1"})  # fmt: skip
    assert refused.returncode == 2 and "这段文字不能单独隐去" in refused.stderr


def test_a_leaked_number_is_found_however_it_was_grouped():
    text = "退还押金至 6222 0212-3456.7890 账户"
    assert mentions(text, "6222021234567890") and mentions(text, "6222 0212 3456 7890")
    assert mentions("联系人 一三八一二三四五六七八", "13812345678")
    assert not mentions(text, "6222021234567891") and not mentions(text, "  ")


def test_text_is_narrowed_by_month_and_version_and_a_tampered_version_is_skipped(engine, db_url, village):
    publish(engine, "2026-11", NOVEMBER, NOVEMBER_BALANCES)
    env = {SUPERVISOR_ENV: "password1"}
    people = ("--by", "admin", "--supervisor", "sup")
    october = run_cli(
        *REDACT, "--period", "2026-10", "--version", "1", *people, db=db_url, password="password1", env=env
    )
    assert october.returncode == 0, october.stderr
    assert october.stdout.count("已依法隐去") == 1 and "2026-10 第1版" in october.stdout
    assert LEAK not in stored(engine, "2026-10").content_json and LEAK in stored(engine, "2026-11").content_json
    # The site was never exported on this machine: the message names the command.
    assert "python -m board export html --village V1" in october.stdout
    again = run_cli(*REDACT, "--period", "2026-10", *people, db=db_url, password="password1", env=env)
    assert again.returncode == 2 and "2026-10" in again.stderr and "没有找到" in again.stderr

    # A version altered behind the application's back is left alone and named; the rest is withdrawn.
    publish(engine, "2026-12", [dict(NOVEMBER[1], entry_date="2026-12-05", voucher_no="记201")], [
        {"account": "银行存款", "opening_fen": "35,500.00", "closing_fen": "35,400.00"},
        {"account": "现金", "opening_fen": "764.50", "closing_fen": "764.50"},
    ])  # fmt: skip
    with unit_of_work(engine) as session:
        row = session.get(PublishedPeriod, stored(engine, "2026-11").id)
        row.content_json = row.content_json.replace("门面租金", "门面租费")
        session.add(row)
        session.commit()
    rest = run_cli(*REDACT, *people, db=db_url, password="password1", env=env)
    assert rest.returncode == 1, rest.stderr
    assert "已依法隐去：2026-12 第1版 finance.ledger/0" in rest.stdout
    assert "跳过：2026-11 第1版：核验失败" in rest.stderr
    assert LEAK not in stored(engine, "2026-12").content_json

    # The publisher's signature is not the publisher's to withdraw.
    signature = run_cli("redact", "--village", "V1", "--period", "2026-12", "--version", "1", "--part", "published_by",
                        "--reason", "本人申请删除", *people, db=db_url, password="password1", env=env)  # fmt: skip
    assert signature.returncode == 2 and "2026-12 第1版没有可隐去的部分" in signature.stderr
    huge = run_cli("parts", "--village", "V1", "--version", "9" * 20, db=db_url)
    assert huge.returncode == 2 and "Traceback" not in huge.stderr
