"""Database engine, migrations and the unit of work.

SQLite (default, a file with WAL and foreign keys on) or PostgreSQL via psycopg 3,
both from the same ``DATABASE_URL``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

from board.errors import BoardError
from infra.settings import PROJECT_ROOT, get_settings

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _private_file(path: Path) -> None:
    """The database file readable by its owner only (it holds ID numbers and password hashes).

    SQLite gives its -wal and -shm files the database file's mode, so they follow.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # not ours to create or change (read-only, another user's): connecting says what is wrong


def parse_url(url: str) -> URL:
    """The database address, refused in Chinese unless it is a SQLite or PostgreSQL URL."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        raise BoardError(
            "数据库地址格式不对，应写成 sqlite:///文件路径 或 postgresql://用户@主机:端口/库名", field="数据库"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise BoardError("只支持 SQLite 和 PostgreSQL 数据库", field="数据库")
    return parsed


def create_db_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def require_database_file(url: str | None = None) -> None:
    """Refuse a SQLite file that does not exist: connecting would create an empty database in its place.

    A mistyped path would otherwise leave a stray empty database and show a board with nothing on it.
    """
    parsed = parse_url(url or get_settings().database_url)
    path = parsed.database
    if parsed.get_backend_name() == "sqlite" and path and path != ":memory:" and not Path(path).is_file():
        raise BoardError(
            f"数据库文件不存在：{path}（请检查 --db 或 DATABASE_URL；新数据库用 init-db 创建）", field="数据库"
        )


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL for the process (Streamlit caches nothing else)."""
    url = normalise_url(url or get_settings().database_url)
    with _lock:
        if url not in _engines:
            _engines[url] = create_db_engine(url)
        return _engines[url]


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; run on start and by init-db)."""
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration copies a table and drops the old one, which SQLite refuses while other
            # rows point at it and foreign keys are enforced; the check below keeps the guarantee.
            # (The pragma is ignored inside a transaction, so it goes first, on its own.)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
                if broken:
                    raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session for reading: it rolls back unless the caller commits, so nothing is saved partially."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # close() discards anything not committed, without expiring what was loaded.
        session.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """The unit of work of one user action: commits when the block ends normally, rolls back on any exception.

    Services own it; the domain functions they call only flush, and pages never see the session.
    """
    with unit_of_work(engine) as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()
