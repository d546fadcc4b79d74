"""``python -m board digest | grid add | push`` as a user and cron run them, against the fake WeCom."""

from __future__ import annotations

import pytest

from board.errors import BoardError
from board.villages import get_village
from exports.wechat.grids import add_grid
from exports.wechat.outbox import message_rows
from infra.db import get_engine, unit_of_work
from tests.helpers import DEMO_END, run_cli
from tests.wechat.conftest import CHAT_ID, ROBOT_KEY


def test_digest_prints_full_and_short(demo_url, wecom_env):
    full = run_cli("digest", "--village", "DEMO", "--period", "2026-06", db=demo_url)
    assert full.returncode == 0, full.stderr
    assert "【钱】" in full.stdout and "https://sanwu.example.cn/DEMO/2026-06/v2/" in full.stdout
    short = run_cli("digest", "--village", "DEMO", "--period", "2026-06", "--short", db=demo_url)
    assert short.returncode == 0 and len(short.stdout) < len(full.stdout) and "【钱】" not in short.stdout


def test_grid_add_stores_a_key_reference_never_a_key(demo_url, wecom_env):
    ok = run_cli(
        "grid",
        "add",
        "--village",
        "DEMO",
        "--name",
        "一网格",
        "--channel",
        "robot",
        "--key-ref",
        "GRID_ROBOT_KEY",
        db=demo_url,
    )
    assert ok.returncode == 0, ok.stderr
    key_itself = run_cli(
        "grid",
        "add",
        "--village",
        "DEMO",
        "--name",
        "二网格",
        "--channel",
        "robot",
        "--key-ref",
        ROBOT_KEY,
        db=demo_url,
    )
    assert key_itself.returncode == 2 and "不要填密钥本身" in key_itself.stderr and ROBOT_KEY not in key_itself.stderr


def test_grid_validation_names_the_field(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        add_grid(session, village=village, name="一网格", channel="manual")
        for kwargs, message in [
            (dict(name="一网格", channel="manual"), "已有名为“一网格”的网格"),
            (dict(name="三网格", channel="appchat", key_ref="GRID_APP_SECRET"), "--chat-id"),
            (dict(name="四网格", channel="customer_group", key_ref="GRID_APP_SECRET"), "--sender"),
            (dict(name="五网格", channel="robot"), "--key-ref"),
            (dict(name="六网格", channel="sms"), "manual、robot"),
        ]:
            with pytest.raises(BoardError, match=message):
                add_grid(session, village=village, **kwargs)


def _add_grids(demo_url):
    """Setup through the library (``grid add`` itself is tested above; each CLI run costs seconds)."""
    with unit_of_work(get_engine(demo_url)) as session:
        village = get_village(session, "DEMO")
        add_grid(session, village=village, name="一网格", channel="robot", key_ref="GRID_ROBOT_KEY")
        add_grid(session, village=village, name="二网格", channel="appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
        add_grid(session, village=village, name="三网格", channel="manual")
        session.commit()


def test_push_sends_digest_and_the_real_pdf_once(demo_url, wecom_env, fake):
    _add_grids(demo_url)
    first = run_cli("push", "--village", "DEMO", "--period", "2026-06", db=demo_url)
    assert first.returncode == 0, first.stderr
    assert "一网格（企业微信群机器人）2026-06 第2版 文字 第1/2段：已发送" in first.stdout
    assert "三网格（手动转发）" in first.stdout and "待转发" in first.stdout
    uploads = fake.log("webhook/upload_media") + fake.log("media/upload")
    assert len(uploads) == 2 and all(u["file"]["head"].startswith("%PDF") for u in uploads)
    assert {u["file"]["size"] for u in uploads} == {uploads[0]["file"]["size"]} and uploads[0]["file"]["size"] > 10_000
    sends = len(fake.delivered("webhook/send")) + len(fake.delivered("appchat/send"))
    assert sends == 4

    again = run_cli("push", "--village", "DEMO", "--period", "2026-06", db=demo_url)
    assert again.returncode == 0 and len(fake.delivered("webhook/send")) + len(fake.delivered("appchat/send")) == sends


def test_push_exit_code_separates_retries_from_permanent_failures(demo_url, wecom_env, fake):
    _add_grids(demo_url)
    fake.fault("webhook/send", "http", status=502)
    retry = run_cli("push", "--village", "DEMO", "--period", DEMO_END, "--grid", "一网格", db=demo_url)
    assert retry.returncode == 0, retry.stderr
    assert "等待重试" in retry.stdout and "自动重试" in retry.stdout and "HTTP 502" in retry.stdout

    fake.fault("appchat/send", "errcode", errcode=60020)
    failed = run_cli("push", "--village", "DEMO", "--period", DEMO_END, "--grid", "二网格", db=demo_url)
    assert failed.returncode == 1
    assert "企业可信IP" in failed.stderr and "发送失败" in failed.stderr


def test_push_due_picks_up_the_newest_month_and_the_correction_and_retries(demo_url, wecom_env, fake):
    _add_grids(demo_url)
    fake.fault("webhook/send", "drop")
    due = run_cli("push", "--due", db=demo_url)
    assert due.returncode == 0, due.stderr
    rows = message_rows(get_engine(demo_url))
    # The demo's dates are the workflow's own now: October is the month still due; the June correction
    # went out in July and was pushed then (a fresh correction is picked up in test_push_and_staff).
    assert {(r["period"], r["version"]) for r in rows} == {(DEMO_END, 1)}
    assert any(r["status"] == "retry" for r in rows)
    assert run_cli("push", "--due", "--village", "DEMO", db=demo_url).returncode == 2


def test_push_exits_4_when_someone_must_check_the_group(demo_url, wecom_env, fake):
    _add_grids(demo_url)
    fake.fault("webhook/send", "malformed")
    result = run_cli("push", "--village", "DEMO", "--period", DEMO_END, "--grid", "一网格", db=demo_url)
    assert result.returncode == 4, result.stderr
    assert "结果不确定" in result.stderr and "请到群里查看" in result.stderr
    assert "退出码" in run_cli("push", "--help", db=demo_url).stdout
