"""Backups and restores of the whole database: SQLite's online backup API, or pg_dump/pg_restore.

The database holds full ID numbers and password hashes, so every file made here (backup,
restored SQLite database) is created readable by its owner only (0600), never widened later.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine
from sqlmodel import select

from board.errors import BoardError
from board.snapshot import verify_chain
from infra.db import create_db_engine, migrate, normalise_url, require_database_file, unit_of_work
from models import Village, row_id

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600; refuses an existing file (a backup is never overwritten)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BoardError(f"文件“{path}”已存在，请换一个文件名", field="文件") from None
    except OSError as exc:
        raise BoardError(f"无法创建文件“{path}”：{exc.strerror}", field="文件") from None


def write_private(path: Path, data: bytes) -> Path:
    """Write an export that holds personal data: created 0600, never replacing another file."""
    path = Path(path)
    create_private(path)
    path.write_bytes(data)
    return path


def _initialised(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


def backup_url(url: str, target: Path) -> Path:
    """Back up the database at ``url``, refusing one that does not exist or was never initialised.

    Checked before any engine touches it: connecting to a mistyped SQLite path would create
    an empty database, and migrating it would make an empty backup look like a real one.
    """
    require_database_file(url)
    engine = create_db_engine(normalise_url(url))
    try:
        if not _initialised(engine):
            raise BoardError(
                "这个数据库里没有三务公开栏的数据（尚未初始化），请检查 --db 或 DATABASE_URL", field="数据库"
            )
        return backup_database(engine, target)
    finally:
        engine.dispose()


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the database to ``target`` (0600) while the app keeps running; returns the file written."""
    target = Path(target)
    if target.exists():
        raise BoardError(f"备份文件“{target}”已存在，请换一个文件名", field="备份文件")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BoardError(f"无法创建备份目录：{exc.strerror}", field="备份文件") from None
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not Path(url.database or "").is_file():
            raise BoardError(f"数据库文件“{url.database}”不存在，请检查 --db 路径", field="数据库")
        create_private(target)
        # The backup API copies a consistent snapshot even while WAL writers are active.
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise BoardError(f"备份失败：{exc}", field="备份文件") from None
        finally:
            source.close()
        log.info("backup written (SQLite)")
        return target
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"]
    # A deployment that lives in its own schema (search_path in the URL) backs up that schema only.
    schema = _schema(url)
    if schema:
        command.append(f"--schema={schema}")
    create_private(target)  # pg_dump writes into it and keeps its mode
    result = subprocess.run([*command, _dsn(url)], capture_output=True, text=True, env=_pg_env(url), timeout=3600)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BoardError(f"pg_dump 失败：{result.stderr.strip()[:300]}", field="备份")
    log.info("backup written (pg_dump)")
    return target


@dataclass(frozen=True)
class RestoreReport:
    villages: int
    snapshots: int
    problems: list[str]


def restore_database(url: str, source: Path) -> RestoreReport:
    """Restore a backup (SQLite file or pg_dump archive) into an EMPTY database, then verify every village."""
    source = Path(source)
    try:
        with source.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise BoardError(f"无法读取备份文件“{source}”：{exc.strerror}", field="备份文件") from None
    engine = create_db_engine(normalise_url(url))  # a missing SQLite file is created empty, 0600
    try:
        backend = engine.url.get_backend_name()
        kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
        if kind is None:
            raise BoardError(
                "这不是三务公开栏的备份文件（既不是 SQLite 数据库，也不是 pg_dump 备份）", field="备份文件"
            )
        if kind != backend:
            what = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BoardError(f"这是 {what[kind]} 的备份，只能恢复到 {what[kind]} 数据库", field="备份文件")
        if _has_tables(engine):
            raise BoardError("目标数据库不是空的。恢复只能写入新建的空数据库，以免覆盖现有数据", field="数据库")
        if backend == "sqlite":
            _restore_sqlite(engine.url, source)
        else:
            _restore_postgresql(engine.url, source)
        engine.dispose()
        if not _initialised(engine):
            raise BoardError(
                "备份里没有三务公开栏的数据（PostgreSQL 备份来自另一个 schema？请在 URL 的 search_path 中写同一个 schema）",
                field="备份文件",
            )
        migrate(engine)  # a backup from an older version is brought up to date
        report = _verify_all(engine)
    finally:
        engine.dispose()
    log.info("restore finished: %d villages, %d snapshots, %d problems", *_counts(report))
    return report


def _counts(report: RestoreReport) -> tuple[int, int, int]:
    return report.villages, report.snapshots, len(report.problems)


def _has_tables(engine: Engine) -> bool:
    if engine.url.get_backend_name() == "sqlite":
        path = Path(engine.url.database or "")
        return path.is_file() and path.stat().st_size > 0 and bool(inspect(engine).get_table_names())
    schema = _schema(engine.url)
    inspector = inspect(engine)
    if schema is None:
        return bool(inspector.get_table_names())
    if not inspector.has_schema(schema):
        return False
    if inspector.get_table_names(schema=schema):
        return True
    # An empty schema of that name is dropped: the archive creates it, with everything in it.
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}"'))
    return False


def _restore_sqlite(url: URL, source: Path) -> None:
    target = Path(url.database or "")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        create_private(target)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with sqlite3.connect(target) as copy:
            reader.backup(copy)
    except sqlite3.Error as exc:
        raise BoardError(f"恢复失败：{exc}", field="备份文件") from None
    finally:
        reader.close()


def _restore_postgresql(url: URL, source: Path) -> None:
    command = [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={_dsn(url)}", str(source)]
    result = subprocess.run(command, capture_output=True, text=True, env=_pg_env(url), timeout=3600)
    if result.returncode != 0:
        raise BoardError(f"pg_restore 失败：{result.stderr.strip()[:300]}", field="备份文件")


def _verify_all(engine: Engine) -> RestoreReport:
    problems, snapshots = [], 0
    with unit_of_work(engine) as session:
        villages = session.exec(select(Village).order_by(Village.code)).all()
        for village in villages:
            report = verify_chain(session, row_id(village))
            snapshots += report.checked
            problems += [f"{village.name}（{village.code}）：{p}" for p in report.problems]
    return RestoreReport(len(villages), snapshots, problems)


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BoardError(
            f"没有找到 {name}，请安装 PostgreSQL 客户端（apt-get install postgresql-client）", field="备份"
        )
    return path


def _schema(url: URL) -> str | None:
    options = url.query.get("options", "")
    match = re.search(r"search_path=([\w]+)", options if isinstance(options, str) else " ".join(options))
    return match.group(1) if match else None


def _pg_env(url: URL) -> dict:
    return {**os.environ, "PGPASSWORD": url.password or ""}  # never on the command line


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql", password=None, query={}).render_as_string()
