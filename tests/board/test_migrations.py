"""Migrations from an empty database, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401
from infra.db import alembic_config, get_engine, migrate


def test_migrate_from_empty_and_again(db_url):
    engine = get_engine(db_url)
    migrate(engine)
    migrate(engine)  # idempotent: applied on every app start
    tables = set(inspect(engine).get_table_names())
    assert {"village", "period", "ledgerentry", "publishedperiod", "auditlog", "outboxmessage"} <= tables
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_models_and_migrations_agree(db_url):
    """A model change without a migration fails here, on both databases."""
    engine = get_engine(db_url)
    migrate(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_sqlite_file_uses_wal_and_foreign_keys(sqlite_url):
    engine = get_engine(sqlite_url)
    migrate(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
