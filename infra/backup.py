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
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine
from sqlmodel import select

from board.errors import BoardError
from board.snapshot import verify_chain
from infra.db import (
    alembic_config,
    create_db_engine,
    migrate,
    normalise_url,
    parse_url,
    require_database_file,
    unit_of_work,
)
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
    # False when a village did not verify: then nothing was restored (see restore_database).
    restored: bool = True


def restore_database(url: str, source: Path) -> RestoreReport:
    """Restore a backup (SQLite file or pg_dump archive) into an EMPTY database, then verify every village.

    A backup whose villages do not verify is not restored: SQLite is restored into a private
    temporary file beside the target and moved into place only once everything verifies;
    PostgreSQL is restored into the empty target and, on any failure, what was restored is
    dropped again, so the target is as empty as it was.
    """
    source = Path(source)
    try:
        with source.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise BoardError(f"无法读取备份文件“{source}”：{exc.strerror}", field="备份文件") from None
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    kind = "sqlite" if head.startswith(SQLITE_MAGIC) else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None
    if kind is None:
        raise BoardError("这不是三务公开栏的备份文件（既不是 SQLite 数据库，也不是 pg_dump 备份）", field="备份文件")
    if kind != backend:
        what = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BoardError(f"这是 {what[kind]} 的备份，只能恢复到 {what[kind]} 数据库", field="备份文件")
    if backend == "sqlite":
        report = _restore_sqlite(Path(parsed.database or ""), source)
    else:
        report = _restore_postgresql(parsed, source)
    log.info("restore finished: %d villages, %d snapshots, %d problems", *_counts(report))
    return report


def _counts(report: RestoreReport) -> tuple[int, int, int]:
    return report.villages, report.snapshots, len(report.problems)


def _not_empty() -> BoardError:
    return BoardError("目标数据库不是空的。恢复只能写入新建的空数据库，以免覆盖现有数据", field="数据库")


def _checked(engine: Engine) -> RestoreReport:
    """The restored database brought up to date and every village's chain verified."""
    if not _initialised(engine):
        raise BoardError(
            "备份里没有三务公开栏的数据（PostgreSQL 备份来自另一个 schema？请在 URL 的 search_path 中写同一个 schema）",
            field="备份文件",
        )
    unknown = _unknown_revisions(engine)
    if unknown:
        raise BoardError(f"备份来自更新的版本（数据库版本 {'、'.join(unknown)}），请先升级本程序", field="备份文件")
    migrate(engine)  # a backup from an older version is brought up to date
    return _verify_all(engine)


def _unknown_revisions(engine: Engine) -> list[str]:
    """The database's migration revisions this program does not have (a backup from a newer version)."""
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return sorted(set(current) - known)


def _sqlite_tables(path: Path) -> bool:
    """Whether an existing target file holds tables (anything that is no SQLite database counts as full)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return reader.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
        finally:
            reader.close()
    except sqlite3.Error:
        return True


def _restore_sqlite(target: Path, source: Path) -> RestoreReport:
    if _sqlite_tables(target):
        raise _not_empty()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".restoring", dir=target.parent)  # 0600
    except OSError as exc:
        raise BoardError(f"无法在“{target.parent}”里写入：{exc.strerror}", field="数据库") from None
    os.close(handle)
    temporary = Path(name)
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            with sqlite3.connect(temporary) as copy:
                reader.backup(copy)
        except sqlite3.Error as exc:
            raise BoardError(f"恢复失败：{exc}", field="备份文件") from None
        finally:
            reader.close()
        engine = create_db_engine(f"sqlite:///{temporary}")
        try:
            report = _checked(engine)
        finally:
            engine.dispose()
        if report.problems:
            return replace(report, restored=False)
        # One self-contained file (no -wal beside it) replaces the empty target in one step.
        with sqlite3.connect(temporary) as settle:
            settle.execute("PRAGMA journal_mode=DELETE")
        try:
            for leftover in _sqlite_companions(target):
                leftover.unlink(missing_ok=True)
            os.replace(temporary, target)
        except OSError as exc:
            raise BoardError(f"无法写入“{target}”：{exc.strerror}", field="数据库") from None
        return report
    finally:
        for path in (temporary, *_sqlite_companions(temporary)):
            path.unlink(missing_ok=True)


def _sqlite_companions(path: Path) -> tuple[Path, Path]:
    return Path(f"{path}-wal"), Path(f"{path}-shm")


def _restore_postgresql(url: URL, source: Path) -> RestoreReport:
    engine = create_db_engine(url.render_as_string(hide_password=False))
    try:
        if _has_tables(engine):
            raise _not_empty()
        schema = _schema(engine.url)
        if schema is not None:
            # An empty schema of that name is dropped: the archive creates it, with everything in it.
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}"'))
        before = _pg_objects(engine)
        try:
            _pg_restore(engine.url, source)
            engine.dispose()
            report = _checked(engine)
        except BaseException:
            _drop_restored(engine, before)
            raise
        if report.problems:
            _drop_restored(engine, before)
            return replace(report, restored=False)
        return report
    finally:
        engine.dispose()


# Objects a restore creates in the target schema, in the order they can be dropped.
_PG_OBJECTS = text(
    """
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
           ELSE 'TABLE' END, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    UNION ALL
    SELECT 'TYPE', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') AND t.typrelid = 0
    """
)
_DROP_ORDER = ("VIEW", "MATERIALIZED VIEW", "TABLE", "SEQUENCE", "TYPE")


def _pg_objects(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as connection:
        return {(kind, name) for kind, name in connection.execute(_PG_OBJECTS)}


def _drop_restored(engine: Engine, before: set[tuple[str, str]]) -> None:
    """Undo a restore that failed: the target is left as empty as it was before."""
    engine.dispose()
    log.warning("restore undone: the target database is empty again")
    schema = _schema(engine.url)
    with engine.begin() as connection:
        if schema is not None:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            return
        found = {(kind, name) for kind, name in connection.execute(_PG_OBJECTS)} - before
        for kind in _DROP_ORDER:
            for name in sorted(n for k, n in found if k == kind):
                connection.execute(text(f'DROP {kind} IF EXISTS "{name}" CASCADE'))


def _has_tables(engine: Engine) -> bool:
    schema = _schema(engine.url)
    inspector = inspect(engine)
    if schema is None:
        return bool(inspector.get_table_names())
    return inspector.has_schema(schema) and bool(inspector.get_table_names(schema=schema))


def _pg_restore(url: URL, source: Path) -> None:
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
