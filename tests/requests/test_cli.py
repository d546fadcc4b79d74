"""The request and catalogue commands, as a clerk or a batch job runs them."""

from datetime import UTC, datetime

from openpyxl import load_workbook

from board.requests import get_request
from infra.db import unit_of_work
from tests.helpers import run_cli
from tests.requests.conftest import PASSWORD, at, submit


def test_list_show_reply_extend(req_engine, db_url, tmp_path):
    old = submit(req_engine, now=at(2026, 2, 13))
    fresh = submit(req_engine, now=datetime.now(UTC), phone="13912345678", client="b")
    listed = run_cli("request", "list", "--village", "V1", "--today", "2026-03-20", db=db_url)
    assert listed.returncode == 0, listed.stderr
    assert f"【逾期】{old}" in listed.stdout and "已逾期 1 个工作日" in listed.stdout
    overdue = run_cli("request", "list", "--village", "V1", "--overdue", "--today", "2026-03-19", db=db_url)
    assert old not in overdue.stdout and "没有逾期" in overdue.stdout

    shown = run_cli("request", "show", old.lower(), "--today", "2026-02-24", db=db_url)
    assert shown.returncode == 0 and "138****5678" in shown.stdout and "13812345678" not in shown.stdout
    assert "期限 2026-03-19" in shown.stdout and "收到申请" in shown.stdout

    extended = run_cli(
        "request", "extend", fresh, "--reason", "需调取往年档案", "--by", "clerk1", db=db_url, password=PASSWORD
    )
    assert extended.returncode == 0 and "已延长至" in extended.stdout
    again = run_cli("request", "extend", fresh, "--reason", "再延", "--by", "clerk1", db=db_url, password=PASSWORD)
    assert again.returncode == 2 and "只能延长一次" in again.stderr

    answer = tmp_path / "answer.txt"
    answer.write_text("工程款用于东岗排水沟 320 米，明细见公开栏。", encoding="utf-8")
    replied = run_cli(
        "request",
        "reply",
        fresh,
        "--form",
        "予以公开",
        "--text",
        str(answer),
        "--by",
        "clerk1",
        "--publish",
        db=db_url,
        password=PASSWORD,
    )
    assert replied.returncode == 0, replied.stderr
    assert "在期限内" in replied.stdout and "公开栏公开" in replied.stdout
    with unit_of_work(req_engine) as session:
        request = get_request(session, fresh)
        assert request.reply_form == "予以公开" and request.published


def test_user_errors_exit_2_in_chinese(req_engine, db_url, tmp_path):
    code = submit(req_engine, now=at(2026, 2, 13))
    missing = run_cli("request", "show", "NOSUCHCODE", db=db_url)
    assert missing.returncode == 2 and "查询码" in missing.stderr and "Traceback" not in missing.stderr
    no_file = run_cli(
        "request",
        "reply",
        code,
        "--form",
        "予以公开",
        "--text",
        str(tmp_path / "none.txt"),
        "--by",
        "clerk1",
        db=db_url,
        password=PASSWORD,
    )
    assert no_file.returncode == 2 and "答复文件" in no_file.stderr
    wrong_clerk = tmp_path / "a.txt"
    wrong_clerk.write_text("答复", encoding="utf-8")
    denied = run_cli(
        "request",
        "reply",
        code,
        "--form",
        "予以公开",
        "--text",
        str(wrong_clerk),
        "--by",
        "clerk2",
        db=db_url,
        password=PASSWORD,
    )
    assert denied.returncode == 2 and "权限" in denied.stderr


def test_catalogue_export_edit_import(req_engine, db_url, tmp_path):
    out = tmp_path / "catalogue.xlsx"
    exported = run_cli("catalogue", "export", "--township", "T1", "-o", str(out), db=db_url)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["清单", "类别", "事项名称"]
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {"各项收入", "各项支出", "三会一课", "低保·救助·补贴发放"} <= set(names)
    sheet.delete_rows(3, sheet.max_row)  # keep the first item only
    sheet["I2"] = "次月15日前"
    edited = tmp_path / "edited.xlsx"
    sheet.parent.save(edited)
    imported = run_cli("catalogue", "import", str(edited), "--township", "T1", db=db_url)
    assert imported.returncode == 0 and "共 1 项" in imported.stdout
    run_cli("catalogue", "export", "--township", "T1", "-o", str(out), db=db_url)
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][8] == "次月15日前"

    sheet["I2"] = "看情况"
    sheet["H2"] = "广播"
    sheet.parent.save(edited)
    bad = run_cli("catalogue", "import", str(edited), "--township", "T1", db=db_url)
    assert bad.returncode == 2
    assert "第1行「何时公开」" in bad.stderr and "第1行「怎么公开」" in bad.stderr
