"""Backup refuses what is not a database; restore fills only an empty one and verifies every village; files are 0600."""

from __future__ import annotations

import sqlite3
import stat
import uuid

import pytest
from sqlalchemy import create_engine, make_url, text

from board.errors import BoardError
from infra import db
from infra.backup import backup_url, restore_database, write_private
from infra.db import unit_of_work
from infra.demo import seed_demo
from tests.conftest import pg_base_url
from tests.helpers import run_cli


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_of_a_mistyped_path_is_refused_and_creates_nothing(tmp_path):
    missing = tmp_path / "sanwu-typo.db"
    result = run_cli("backup", "-o", str(tmp_path / "b.db"), db=f"sqlite:///{missing}")
    assert result.returncode == 2 and "不存在" in result.stderr and "已备份" not in result.stdout
    assert not missing.exists() and not (tmp_path / "b.db").exists()
    missing.touch()  # an empty file is no database either
    with pytest.raises(BoardError, match="尚未初始化"):
        backup_url(f"sqlite:///{missing}", tmp_path / "b.db")


def test_sqlite_backup_and_restore_round_trip_with_private_files(demo_url, tmp_path):
    backup = backup_url(demo_url, tmp_path / "backups" / "sanwu.db")
    assert _mode(backup) == 0o600
    assert _mode(tmp_path / "demo.db") == 0o600  # opening the database made it private
    target = tmp_path / "restored" / "sanwu.db"
    report = restore_database(f"sqlite:///{target}", backup)
    assert report.villages == 1 and report.snapshots >= 24 and report.problems == []
    assert _mode(target) == 0o600
    with pytest.raises(BoardError, match="不是空的"):
        restore_database(f"sqlite:///{target}", backup)
    result = run_cli("restore", "-i", str(backup), db=f"sqlite:///{tmp_path / 'again.db'}")
    assert result.returncode == 0 and "已恢复：1 个村/社区" in result.stdout


TAMPER = "UPDATE publishedperiod SET content_json = replace(content_json, '\"demo\"', '\"demx\"') WHERE id = 3"


def test_a_tampered_sqlite_backup_is_reported_and_not_restored(demo_url, tmp_path):
    backup = backup_url(demo_url, tmp_path / "backups" / "sanwu.db")
    with sqlite3.connect(backup) as conn:
        conn.execute(TAMPER)
    target = tmp_path / "restored" / "sanwu.db"
    report = restore_database(f"sqlite:///{target}", backup)
    assert any("内容与核验码不符" in p for p in report.problems) and not report.restored
    assert list(target.parent.iterdir()) == []  # no database, no temporary file left behind
    target.touch()  # an empty target file stays empty
    result = run_cli("restore", "-i", str(backup), db=f"sqlite:///{target}")
    assert result.returncode == 1 and "没有恢复" in result.stderr and "已恢复" not in result.stdout
    assert target.stat().st_size == 0 and [p.name for p in target.parent.iterdir()] == ["sanwu.db"]


def test_restore_refuses_foreign_files_and_the_wrong_database(demo_url, tmp_path, pg_url):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup")
    with pytest.raises(BoardError, match="不是三务公开栏的备份文件"):
        restore_database(f"sqlite:///{tmp_path / 'x.db'}", junk)
    backup = backup_url(demo_url, tmp_path / "sanwu.db")
    with pytest.raises(BoardError, match="只能恢复到 SQLite"):
        restore_database(pg_url, backup)


def test_postgresql_backup_restore_into_an_empty_schema(pg_url, tmp_path):
    engine = db.get_engine(pg_url)
    with pytest.raises(BoardError, match="尚未初始化"):
        backup_url(pg_url, tmp_path / "empty.dump")
    db.migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10", months=3)
        session.commit()
    backup = backup_url(pg_url, tmp_path / "sanwu.dump")
    assert _mode(backup) == 0o600
    with pytest.raises(BoardError, match="不是空的"):
        restore_database(pg_url, backup)
    # The server loses everything: the schema is recreated empty, then restored from the dump.
    engine.dispose()
    schema = pg_url.rsplit("%3D", 1)[1]
    admin = create_engine(pg_base_url())
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    report = restore_database(pg_url, backup)
    assert report.villages == 1 and report.snapshots == 3 and report.problems == []


def _seeded_tampered_backup(url: str, backup_path, statement: str = TAMPER):
    engine = db.create_db_engine(url)
    db.migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10", months=3)
        session.commit()
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()
    return backup_url(url, backup_path)


FUTURE = "UPDATE alembic_version SET version_num = '0099_future'"


def test_a_backup_from_a_newer_version_is_refused_with_exit_2_and_leaves_nothing(demo_url, tmp_path):
    backup = backup_url(demo_url, tmp_path / "backups" / "sanwu.db")
    with sqlite3.connect(backup) as conn:
        conn.execute(FUTURE)
    target = tmp_path / "restored" / "sanwu.db"
    target.parent.mkdir()
    result = run_cli("restore", "-i", str(backup), db=f"sqlite:///{target}")
    assert result.returncode == 2, result.stderr
    assert "备份来自更新的版本（数据库版本 0099_future），请先升级本程序" in result.stderr
    assert "Traceback" not in result.stderr and "已恢复" not in result.stdout
    assert list(target.parent.iterdir()) == []


def test_a_postgresql_backup_from_a_newer_version_leaves_the_schema_empty(pg_url, tmp_path):
    backup = _seeded_tampered_backup(pg_url, tmp_path / "sanwu.dump", FUTURE)
    schema = pg_url.rsplit("%3D", 1)[1]
    admin = create_engine(pg_base_url())
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    with pytest.raises(BoardError, match="备份来自更新的版本（数据库版本 0099_future）"):
        restore_database(pg_url, backup)
    with pytest.raises(BoardError, match="尚未初始化"):  # empty again
        backup_url(pg_url, tmp_path / "empty.dump")


def test_a_tampered_postgresql_backup_leaves_the_schema_empty(pg_url, tmp_path):
    backup = _seeded_tampered_backup(pg_url, tmp_path / "sanwu.dump")
    schema = pg_url.rsplit("%3D", 1)[1]
    admin = create_engine(pg_base_url())
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    report = restore_database(pg_url, backup)
    assert any("内容与核验码不符" in p for p in report.problems) and not report.restored
    with admin.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s"),
            {"s": schema},
        ).scalar()
    admin.dispose()
    assert left == 0
    # Empty again, so a good backup can be restored into it afterwards.
    with pytest.raises(BoardError, match="尚未初始化"):
        backup_url(pg_url, tmp_path / "empty.dump")


def test_a_tampered_postgresql_backup_of_a_whole_database_is_dropped_again(tmp_path):
    names = [f"t_restore_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    source, target = (make_url(pg_base_url()).set(database=name).render_as_string(False) for name in names)
    try:
        backup = _seeded_tampered_backup(source, tmp_path / "whole.dump")
        target_engine = create_engine(target)
        with target_engine.connect() as conn:
            before = conn.execute(OBJECTS).all()
        report = restore_database(target, backup)
        assert any("内容与核验码不符" in p for p in report.problems) and not report.restored
        with target_engine.connect() as conn:
            assert conn.execute(OBJECTS).all() == before  # no table, sequence or enum type is left
        target_engine.dispose()
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


OBJECTS = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
    "UNION ALL SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
    "WHERE n.nspname = 'public' ORDER BY 1"
)


def test_exports_with_personal_data_are_private(tmp_path):
    path = write_private(tmp_path / "requests.csv", "张三,13812345678\n".encode())
    assert _mode(path) == 0o600
    with pytest.raises(BoardError, match="已存在"):
        write_private(path, b"again")
