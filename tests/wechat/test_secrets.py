"""Canary: dummy robot keys and app secrets never reach logs, database rows or exception text."""

from __future__ import annotations

import logging
import socket

import pytest
import requests
from sqlalchemy import MetaData
from sqlalchemy import select as sa_select

from board.villages import get_village
from exports.wechat.grids import add_grid
from exports.wechat.outbox import enqueue, plan_messages, send_due
from exports.wechat.scrub import describe_error, scrub
from infra.db import get_engine, unit_of_work
from infra.settings import get_settings
from tests.helpers import as_record, run_cli
from tests.wechat.conftest import APP_SECRET, CHAT_ID, FAST, NOW, OTHER_ROBOT_KEY, ROBOT_KEY

CANARIES = (ROBOT_KEY, OTHER_ROBOT_KEY, APP_SECRET)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_text(engine) -> str:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return "\n".join(repr(row) for table in metadata.sorted_tables for row in conn.execute(sa_select(table)))


def test_scrub_masks_credential_parameters_and_known_values():
    text = f"GET /cgi-bin/gettoken?corpid=ww1&corpsecret={APP_SECRET} key={ROBOT_KEY}&type=file access_token=TOK"
    assert scrub(text) == "GET /cgi-bin/gettoken?corpid=ww1&corpsecret=*** key=***&type=file access_token=***"
    assert scrub(f"secret is {APP_SECRET}", [APP_SECRET]) == "secret is ***"
    assert scrub("idempotency_key=abc") == "idempotency_key=abc"


def test_requests_errors_hold_the_secret_but_our_description_does_not():
    with pytest.raises(requests.ConnectionError) as caught:
        requests.get(
            f"http://127.0.0.1:{_closed_port()}/cgi-bin/gettoken",
            params={"corpid": "ww", "corpsecret": APP_SECRET},
            timeout=FAST,
        )
    assert APP_SECRET in str(caught.value)  # why scrubbing is needed at all
    assert APP_SECRET not in describe_error(caught.value) and "corpsecret=***" in describe_error(caught.value)


def test_no_secret_in_logs_rows_or_errors_through_every_failure(
    engine, village_id, make_grid, fake, settings, demo_snapshots, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)  # the worst case: urllib3 logs every URL
    try:
        robot = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
        app = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
        faults = [
            ("webhook/send", dict(kind="drop")),
            ("webhook/send", dict(kind="http", status=502)),
            ("webhook/send", dict(kind="malformed")),
            ("webhook/upload_media", dict(kind="sleep", seconds=4)),
            ("gettoken", dict(kind="drop")),
            ("appchat/send", dict(kind="errcode", errcode=40014, times=None)),
            ("media/upload", dict(kind="malformed")),
        ]
        for i, (endpoint, fault) in enumerate(faults, start=1):
            fake.fault(endpoint, **fault)
            snapshot = {**demo_snapshots["2026-06"], "period": f"2025-{i:02d}"}
            for grid in (robot, app):
                ids = enqueue(
                    engine,
                    plan_messages(
                        grid,
                        as_record(snapshot),
                        village_id=village_id,
                        base_url="https://x.cn",
                        pdf=b"%PDF-canary" * 50,
                        now=NOW,
                    ),
                )
                send_due(engine, now=NOW, settings=settings, timeout=FAST, only_ids=ids)
        monkeypatch.setenv("WECOM_API_BASE", f"http://127.0.0.1:{_closed_port()}")  # connection refused
        snapshot = {**demo_snapshots["2026-06"], "period": "2025-12"}
        for grid in (robot, app):
            ids = enqueue(
                engine,
                plan_messages(
                    grid, as_record(snapshot), village_id=village_id, base_url="https://x.cn", pdf=None, now=NOW
                ),
            )
            send_due(engine, now=NOW, settings=get_settings(), timeout=FAST, only_ids=ids)
        logging.getLogger("probe").exception(
            "sending failed",
            exc_info=requests.ConnectionError(f"HTTPConnectionPool: /cgi-bin/webhook/send?key={ROBOT_KEY} refused"),
        )
    finally:
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    assert "connectionpool" in caplog.text and "key=***" in caplog.text  # the logs did see those URLs
    database = _database_text(engine)
    assert "ambiguous" in database and "retry" in database and "failed" in database
    for canary in CANARIES:
        assert canary not in caplog.text
        assert canary not in database


def test_cli_output_never_shows_the_key(demo_url, wecom_env, fake):
    with unit_of_work(get_engine(demo_url)) as session:
        add_grid(
            session, village=get_village(session, "DEMO"), name="一网格", channel="robot", key_ref="GRID_ROBOT_KEY"
        )
        session.commit()
    fake.fault("webhook/send", "drop")
    fake.fault("webhook/upload_media", "errcode", errcode=93000)
    result = run_cli("push", "--village", "DEMO", "--period", "2026-06", db=demo_url, env={"WECOM_API_BASE": fake.url})
    assert "连接企业微信失败" in result.stdout
    for canary in CANARIES:
        assert canary not in result.stdout + result.stderr
