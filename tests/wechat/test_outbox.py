"""The outbox against the fake WeCom server, on SQLite and PostgreSQL.

Exactly once where the outcome is known, ``ambiguous`` where it is not, parts in order,
whole files on every upload, bounded token refreshes, retry timing without sleeping.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import timedelta

from sqlmodel import select

from board.splitting import byte_len
from exports.wechat.outbox import (
    MAX_ATTEMPTS,
    claim,
    enqueue,
    message_rows,
    plan_messages,
    send_due,
)
from infra.db import unit_of_work
from models import OutboxMessage, WecomToken
from services.share import confirm_delivered, requeue, resend
from tests.helpers import as_record
from tests.wechat.conftest import APP_SECRET, CHAT_ID, FAST, NOW, long_snapshot

PDF = b"%PDF-1.4 fake pdf body " + bytes(range(256)) * 40  # any bytes go through the same path


def _push(engine, grid, snapshot, village_id, *, pdf=None, now=NOW, settings, timeout=FAST):
    ids = enqueue(
        engine,
        plan_messages(grid, as_record(snapshot), village_id=village_id, base_url="https://x.cn", pdf=pdf, now=now),
    )
    send_due(engine, now=now, settings=settings, timeout=timeout, only_ids=ids)
    return {r["id"]: r for r in message_rows(engine, ids=ids)}, ids


def _statuses(rows: dict, ids: list[int]) -> list[str]:
    return [rows[i]["status"] for i in ids]


def test_robot_sends_parts_in_order_then_the_whole_file_exactly_once(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    snapshot = long_snapshot(demo_snapshots["2026-06"])
    rows, ids = _push(engine, grid, snapshot, village_id, pdf=PDF, settings=settings)
    assert len(ids) >= 3 and _statuses(rows, ids) == ["sent"] * len(ids)
    texts = [e["body"]["text"]["content"] for e in fake.delivered("webhook/send") if e["body"]["msgtype"] == "text"]
    n = len(ids) - 1
    assert [t.splitlines()[0] for t in texts] == [f"({i}/{n})" for i in range(1, n + 1)]
    assert all(byte_len(t) <= 2048 for t in texts)
    (upload,) = fake.log("webhook/upload_media")
    assert upload["file"]["size"] == len(PDF) and upload["file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert upload["file"]["filename"].endswith("2026年6月三务公开.pdf")
    assert fake.delivered("webhook/send")[-1]["body"]["msgtype"] == "file"
    with unit_of_work(engine) as session:  # delivered bytes are not kept; the checksum is
        file_row = session.get(OutboxMessage, ids[-1])
        assert file_row.payload == "" and file_row.file_sha256 == hashlib.sha256(PDF).hexdigest()

    # The same push again (a second cron run, a double click): nothing new reaches the group.
    before = len(fake.log())
    rows_again, ids_again = _push(engine, grid, snapshot, village_id, pdf=PDF, settings=settings)
    assert ids_again == ids and len(fake.log()) == before


def test_replanning_after_the_text_changed_reuses_the_stored_message(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, pdf=PDF, settings=settings)
    assert [r["kind"] for r in rows.values()] == ["text", "file"] and _statuses(rows, ids) == ["sent", "sent"]
    # Same version, but the digest template now yields more parts: nothing new is stored or sent.
    longer = long_snapshot(demo_snapshots["2026-06"])
    assert (
        len(plan_messages(grid, as_record(longer), village_id=village_id, base_url="https://x.cn", pdf=PDF, now=NOW))
        > 2
    )
    before = len(fake.log())
    _, ids_again = _push(engine, grid, longer, village_id, pdf=PDF, settings=settings)
    assert ids_again == ids and len(fake.log()) == before
    with unit_of_work(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == 2
    assert len(fake.log("webhook/upload_media")) == 1


def test_concurrent_enqueue_of_the_same_push_stores_each_part_once(engine, village_id, make_grid, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    planned = plan_messages(
        grid,
        as_record(long_snapshot(demo_snapshots["2026-06"])),
        village_id=village_id,
        base_url="https://x.cn",
        pdf=PDF,
        now=NOW,
    )
    barrier, results, errors = threading.Barrier(4), [], []

    def worker():
        barrier.wait()
        try:
            results.append(enqueue(engine, planned))
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == results[0] for r in results)
    with unit_of_work(engine) as session:
        assert len(session.exec(select(OutboxMessage)).all()) == len(planned)


def test_rate_limit_waits_at_least_a_minute(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/send", "errcode", errcode=45009)
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    (row,) = rows.values()
    assert row["status"] == "retry" and row["errcode"] == 45009
    assert row["next_attempt_at"] - NOW >= timedelta(seconds=60)
    assert send_due(engine, now=NOW + timedelta(seconds=30), settings=settings, timeout=FAST) == []
    send_due(engine, now=row["next_attempt_at"], settings=settings, timeout=FAST)
    assert message_rows(engine, ids=ids)[0]["status"] == "sent"
    assert len(fake.delivered("webhook/send")) == 1


def test_busy_server_backs_off_then_fails_after_bounded_attempts(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/send", "http", times=None, status=502)
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    delays, now = [], NOW
    for _ in range(MAX_ATTEMPTS - 1):
        row = message_rows(engine, ids=ids)[0]
        assert row["status"] == "retry" and "502" in row["error"]
        delays.append((row["next_attempt_at"] - now).total_seconds())
        now = row["next_attempt_at"]
        send_due(engine, now=now, settings=settings, timeout=FAST)
    assert 5 <= delays[0] <= 7.5
    assert all(later > earlier for earlier, later in zip(delays, delays[1:]))  # exponential
    row = message_rows(engine, ids=ids)[0]
    assert row["status"] == "failed" and row["attempts"] == MAX_ATTEMPTS and "仍未成功" in row["error"]
    assert len(fake.log("webhook/send")) == MAX_ATTEMPTS


def test_dropped_connection_is_retried_and_delivered_once(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/send", "drop")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    row = rows[ids[0]]
    assert row["status"] == "retry" and row["next_attempt_at"] > NOW
    send_due(engine, now=row["next_attempt_at"], settings=settings, timeout=FAST)
    assert message_rows(engine, ids=ids)[0]["status"] == "sent"
    assert len(fake.delivered("webhook/send")) == 1


def test_slow_reply_is_ambiguous_and_holds_back_later_parts(
    engine, village_id, make_grid, fake, worker, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/send", "sleep", seconds=8)
    started = time.monotonic()
    rows, ids = _push(engine, grid, long_snapshot(demo_snapshots["2026-06"]), village_id, settings=settings)
    assert time.monotonic() - started < 6  # the 2 s read timeout, not the server's pace
    assert _statuses(rows, ids)[:2] == ["ambiguous", "pending"]
    assert "请到群里确认" in rows[ids[0]]["error"]
    assert send_due(engine, now=NOW + timedelta(hours=1), settings=settings, timeout=FAST) == []
    deadline = time.monotonic() + 15  # let the fake finish the slow request: it did deliver part 1
    while not fake.delivered("webhook/send") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(fake.delivered("webhook/send")) == 1
    # The grid worker sees part 1 in the group and confirms; the rest follows in order.
    confirm_delivered(engine, ids[0], by=worker, now=NOW)
    send_due(engine, now=NOW, settings=settings, timeout=FAST)
    assert _statuses({r["id"]: r for r in message_rows(engine, ids=ids)}, ids) == ["sent"] * len(ids)
    assert [e["body"]["text"]["content"][:5] for e in fake.delivered("webhook/send")][:2] == ["(1/3)", "(2/3)"]


def test_malformed_reply_is_ambiguous_never_sent(engine, village_id, make_grid, fake, worker, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/send", "malformed")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert rows[ids[0]]["status"] == "ambiguous"
    requeue(engine, ids[0], NOW, by=worker)  # a person checked the group: not there, send again
    send_due(engine, now=NOW, settings=settings, timeout=FAST)
    assert message_rows(engine, ids=ids)[0]["status"] == "sent"


def test_retried_upload_sends_the_whole_file(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    fake.fault("webhook/upload_media", "drop")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, pdf=PDF, settings=settings)
    assert _statuses(rows, ids) == ["sent", "retry"]
    send_due(engine, now=rows[ids[1]]["next_attempt_at"], settings=settings, timeout=FAST)
    uploads = fake.log("webhook/upload_media")
    assert len(uploads) == 2 and uploads[1]["file"]["size"] == len(PDF)
    assert message_rows(engine, ids=ids)[1]["status"] == "sent"


def test_bad_robot_key_fails_for_good_with_a_chinese_reason(
    engine, village_id, make_grid, fake, worker, settings, demo_snapshots, monkeypatch
):
    monkeypatch.setenv("GRID_ROBOT_KEY", "removed-robot-key")
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    rows, ids = _push(engine, grid, long_snapshot(demo_snapshots["2026-06"]), village_id, pdf=PDF, settings=settings)
    assert _statuses(rows, ids)[0] == "failed" and set(_statuses(rows, ids)[1:]) == {"pending"}
    assert rows[ids[0]]["errcode"] == 93000 and "更换 key" in rows[ids[0]]["error"]
    assert send_due(engine, now=NOW + timedelta(days=1), settings=settings, timeout=FAST) == []
    # Key replaced; the retry button sends the whole message again, in order.
    monkeypatch.setenv("GRID_ROBOT_KEY", settings.secret("GRID_OTHER_ROBOT_KEY"))
    resend(engine, ids[0], by=worker, now=NOW, settings=settings, timeout=FAST)
    assert _statuses({r["id"]: r for r in message_rows(engine, ids=ids)}, ids) == ["sent"] * len(ids)


def test_missing_key_reference_fails_without_calling_wecom(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("一网格", "robot", key_ref="NOT_CONFIGURED_KEY")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert rows[ids[0]]["status"] == "failed" and "NOT_CONFIGURED_KEY" in rows[ids[0]]["error"]
    assert fake.log() == []


def test_robot_sends_at_most_twenty_messages_a_minute(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    base = demo_snapshots["2026-06"]
    for month in range(1, 13):  # 12 months × 2 parts = 24 messages to one robot
        snapshot = long_snapshot({**base, "period": f"2025-{month:02d}"}, items=6)
        enqueue(
            engine,
            plan_messages(grid, as_record(snapshot), village_id=village_id, base_url="https://x.cn", pdf=None, now=NOW),
        )
    send_due(engine, now=NOW, settings=settings, timeout=FAST)
    assert len(fake.delivered("webhook/send")) == 20
    waiting = [r for r in message_rows(engine) if r["status"] != "sent"]
    assert waiting and all(
        r["next_attempt_at"] is None or r["next_attempt_at"] >= NOW + timedelta(seconds=60) for r in waiting
    )
    assert not [e for e in fake.log("webhook/send") if e.get("errcode") == 45009]
    fake.reset()  # the fake counts real seconds; let its minute pass as the outbox's did
    send_due(engine, now=NOW + timedelta(seconds=61), settings=settings, timeout=FAST)
    assert len(fake.delivered("webhook/send")) == 4
    assert all(r["status"] == "sent" for r in message_rows(engine))


# --- application group chat (wechatpy) -------------------------------------------------------


def test_appchat_token_is_cached_in_the_database_under_a_hashed_key(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    rows, ids = _push(engine, grid, long_snapshot(demo_snapshots["2026-06"]), village_id, pdf=PDF, settings=settings)
    assert set(_statuses(rows, ids)) == {"sent"}
    assert len(fake.log("gettoken")) == 1
    (upload,) = fake.log("media/upload")
    assert upload["file"]["size"] == len(PDF) and upload["file"]["filename"].endswith(".pdf")
    assert [e["body"]["msgtype"] for e in fake.delivered("appchat/send")] == ["text"] * (len(ids) - 1) + ["file"]
    with unit_of_work(engine) as session:
        (token,) = session.exec(select(WecomToken)).all()
        assert len(token.app_key) == 64 and APP_SECRET not in token.app_key and token.token.startswith("TOKEN_")
        assert token.expires_at > NOW


def test_expired_token_is_refreshed_exactly_once(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    fake.fault("appchat/send", "errcode", errcode=42001)
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert _statuses(rows, ids) == ["sent"]
    assert len(fake.log("gettoken")) == 2 and len(fake.log("appchat/send")) == 2
    assert len(fake.delivered("appchat/send")) == 1


def test_tokens_expired_on_the_server_are_replaced(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    _push(engine, grid, demo_snapshots["2026-05"], village_id, settings=settings)
    fake.fault(kind="expire_all_tokens")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert _statuses(rows, ids) == ["sent"] and len(fake.log("gettoken")) == 2


def test_invalid_token_forever_fails_after_at_most_two_token_calls(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    fake.fault("appchat/send", "errcode", times=None, errcode=40014)
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert rows[ids[0]]["status"] == "failed" and rows[ids[0]]["errcode"] == 40014
    assert len(fake.log("gettoken")) <= 2 and len(fake.log("appchat/send")) == 2


def test_upload_after_token_refresh_carries_the_whole_file(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    fake.fault("media/upload", "errcode", errcode=42001)
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, pdf=PDF, settings=settings)
    assert _statuses(rows, ids) == ["sent", "sent"]
    uploads = fake.log("media/upload")
    assert len(uploads) == 2 and uploads[1]["file"]["size"] == len(PDF)


def test_slow_token_call_times_out_and_is_retried_not_ambiguous(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    # The server answers after 8 s; the client's 2 s timeout must give up long before (with
    # room for a loaded CI machine: the check is "did not wait for the reply", not a speed test).
    fake.fault("gettoken", "sleep", seconds=8)
    started = time.monotonic()
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    assert time.monotonic() - started < 6
    assert rows[ids[0]]["status"] == "retry" and fake.log("appchat/send") == []


def test_appchat_errors_map_to_retry_ambiguous_and_failed(
    engine, village_id, make_grid, fake, settings, demo_snapshots, monkeypatch
):
    grid = make_grid("二网格", "appchat", key_ref="GRID_APP_SECRET", chat_id=CHAT_ID)
    outcomes = {}
    for period, fault in [
        ("2026-01", dict(kind="http", status=502)),
        ("2026-02", dict(kind="errcode", errcode=-1)),
        ("2026-03", dict(kind="errcode", errcode=45033)),
        ("2026-04", dict(kind="malformed")),
        ("2026-05", dict(kind="sleep", seconds=4)),
        ("2026-06", dict(kind="errcode", errcode=60020)),
    ]:
        fake.fault("appchat/send", **fault)
        rows, ids = _push(engine, grid, demo_snapshots[period], village_id, settings=settings)
        outcomes[period] = rows[ids[0]]
    assert [outcomes[p]["status"] for p in sorted(outcomes)] == [
        "retry",
        "retry",
        "retry",
        "ambiguous",
        "ambiguous",
        "failed",
    ]
    assert timedelta(seconds=1) <= outcomes["2026-03"]["next_attempt_at"] - NOW <= timedelta(seconds=5)
    assert "企业可信IP" in outcomes["2026-06"]["error"]
    monkeypatch.setenv("GRID_APP_SECRET", "wrong-secret")
    with unit_of_work(engine) as session:  # force a token call with the wrong secret
        for token in session.exec(select(WecomToken)).all():
            session.delete(token)
        session.commit()
    rows, ids = _push(engine, grid, demo_snapshots["2026-07"], village_id, settings=settings)
    assert rows[ids[0]]["status"] == "failed" and rows[ids[0]]["errcode"] == 40001


def test_customer_group_creates_a_task_the_worker_confirms(
    engine, village_id, make_grid, fake, worker, settings, demo_snapshots
):
    grid = make_grid(
        "三网格", "customer_group", key_ref="GRID_APP_SECRET", sender="zhaoxiaoyan", chat_id="wrOgC1,wrOgC2"
    )
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, settings=settings)
    (row,) = rows.values()
    assert row["status"] == "manual_pending" and row["provider_ref"].startswith("MSG_")
    (task,) = fake.delivered("externalcontact/add_msg_template")
    body = task["body"]
    assert (
        body["chat_type"] == "group"
        and body["sender"] == "zhaoxiaoyan"
        and body["chat_id_list"] == ["wrOgC1", "wrOgC2"]
    )
    assert body["attachments"][0]["link"]["url"] == "https://x.cn/DEMO/2026-06/v2/"
    assert "6月底账上有" in body["text"]["content"]
    confirm_delivered(engine, ids[0], by=worker, now=NOW)
    assert message_rows(engine, ids=ids)[0]["status"] == "manual_done"


def test_manual_grid_is_recorded_as_waiting_for_the_worker(
    engine, village_id, make_grid, fake, settings, demo_snapshots
):
    grid = make_grid("四网格", "manual", worker="wangge")
    rows, ids = _push(engine, grid, demo_snapshots["2026-06"], village_id, pdf=PDF, settings=settings)
    assert _statuses(rows, ids) == ["manual_pending"] and fake.log() == []


def test_a_send_interrupted_by_a_crash_becomes_ambiguous(engine, village_id, make_grid, fake, settings, demo_snapshots):
    grid = make_grid("一网格", "robot", key_ref="GRID_ROBOT_KEY")
    (message_id,) = enqueue(
        engine,
        plan_messages(
            grid,
            as_record(demo_snapshots["2026-06"]),
            village_id=village_id,
            base_url="https://x.cn",
            pdf=None,
            now=NOW,
        ),
    )
    assert claim(engine, message_id, NOW) and not claim(engine, message_id, NOW)  # a worker died holding it
    assert send_due(engine, now=NOW + timedelta(minutes=5), settings=settings, timeout=FAST) == []
    send_due(engine, now=NOW + timedelta(minutes=16), settings=settings, timeout=FAST)
    assert message_rows(engine, ids=[message_id])[0]["status"] == "ambiguous" and fake.log() == []
