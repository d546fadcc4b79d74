"""``python -m board policy …`` as a grid worker and the township run it, on the demo database."""

from __future__ import annotations

import io
import zipfile

from board.villages import get_village
from exports.wechat.grids import add_grid
from infra.db import get_engine, unit_of_work
from infra.demo import DEMO_PASSWORD
from tests.helpers import run_cli
from tests.policy.documents import ELDERLY, ELDERLY_PLAIN, docx_bytes


def test_add_check_approve_list_push(demo_url, wecom_env, fake, tmp_path):
    with unit_of_work(get_engine(demo_url)) as session:
        add_grid(
            session, village=get_village(session, "DEMO"), name="一网格", channel="robot", key_ref="GRID_ROBOT_KEY"
        )
        session.commit()
    notice = tmp_path / "尊老金通知.docx"
    notice.write_bytes(docx_bytes(ELDERLY))
    plain = tmp_path / "尊老金.md"
    plain.write_text(ELDERLY_PLAIN, encoding="utf-8")

    check = run_cli("policy", "check", str(notice), db=demo_url)
    assert check.returncode == 0, check.stderr
    assert "大白话检查：" in check.stdout and "[难懂的词]" in check.stdout and "申领" in check.stdout

    drafted = run_cli(
        "policy",
        "add",
        "--from",
        str(notice),
        "--village",
        "DEMO",
        "--by",
        "wangge",
        db=demo_url,
        password=DEMO_PASSWORD,
    )
    assert drafted.returncode == 0, drafted.stderr
    assert "已保存草稿：编号 1《关于调整高龄老人尊老金发放标准的通知》" in drafted.stdout
    assert "预填" in drafted.stdout

    added = run_cli(
        "policy",
        "add",
        "--from",
        str(plain),
        "--village",
        "DEMO",
        "--by",
        "wangge",
        db=demo_url,
        password=DEMO_PASSWORD,
    )
    assert added.returncode == 0 and "编号 2" in added.stdout and "Markdown" in added.stdout

    refused = run_cli("policy", "approve", "2", "--by", "wangge", db=demo_url, password=DEMO_PASSWORD)
    assert refused.returncode == 2 and "不能审核自己写的" in refused.stderr and "Traceback" not in refused.stderr
    approved = run_cli("policy", "approve", "2", "--by", "zhen", db=demo_url, password=DEMO_PASSWORD)
    assert approved.returncode == 0, approved.stderr
    assert "已审核公开：第 1 期《80岁以上老人每月能领尊老金，明年起多领》第1版" in approved.stdout

    listed = run_cli("policy", "list", "--township", "DEMO-T", db=demo_url)
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("2  第 1 期  已审核公开") and lines[1].startswith("1  未编号  草稿")

    pushed = run_cli("policy", "push", "2", db=demo_url)
    assert pushed.returncode == 0, pushed.stderr
    assert "一网格" in pushed.stdout and "已发送" in pushed.stdout
    assert len(fake.delivered("webhook/send")) == 1

    sheet = run_cli("policy", "sheet", "2", "-o", str(tmp_path / "sheet.pdf"), db=demo_url)
    assert sheet.returncode == 0, sheet.stderr
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")

    missing = run_cli(
        "policy",
        "add",
        "--from",
        str(tmp_path / "nope.pdf"),
        "--township",
        "DEMO-T",
        "--by",
        "zhen",
        db=demo_url,
        password=DEMO_PASSWORD,
    )
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


def test_unwritable_output_and_damaged_files_give_chinese_errors(demo_url, tmp_path):
    plain = tmp_path / "尊老金.md"
    plain.write_text(ELDERLY_PLAIN, encoding="utf-8")
    assert (
        run_cli(
            "policy",
            "add",
            "--from",
            str(plain),
            "--village",
            "DEMO",
            "--by",
            "wangge",
            db=demo_url,
            password=DEMO_PASSWORD,
        ).returncode
        == 0
    )
    assert run_cli("policy", "approve", "1", "--by", "zhen", db=demo_url, password=DEMO_PASSWORD).returncode == 0
    sheet = run_cli("policy", "sheet", "1", "-o", str(tmp_path / "missing" / "x.pdf"), db=demo_url)
    assert sheet.returncode == 2 and "无法写入" in sheet.stderr and "Traceback" not in sheet.stderr

    broken = tmp_path / "坏.docx"
    with zipfile.ZipFile(io.BytesIO(docx_bytes(ELDERLY))) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            dst.writestr(item.filename, b"<w:document>" if item.filename == "word/document.xml" else src.read(item))
    for args in (("check", str(broken)), ("add", "--from", str(broken), "--village", "DEMO", "--by", "wangge")):
        result = run_cli("policy", *args, db=demo_url, password=DEMO_PASSWORD)
        assert result.returncode == 2 and "打不开" in result.stderr and "Traceback" not in result.stderr
