"""Migrations from an empty database, on SQLite and on PostgreSQL."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import models  # noqa: F401
from board.snapshot import verify_chain
from board.villages import get_village
from infra.db import alembic_config, get_engine, migrate, unit_of_work
from infra.demo import seed_demo
from models import row_id


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


def test_the_temporary_password_column_comes_and_goes_with_users_in_place(db_url):
    """0009 on a database whose users are referred to (SQLite refuses to drop and copy "user" then)."""
    engine = get_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10", months=1)
        session.commit()
    config = alembic_config()
    for step in (command.downgrade, command.upgrade):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, "0008_staff" if step is command.downgrade else "head")
    with engine.connect() as conn:
        assert conn.exec_driver_sql('SELECT count(*) FROM "user" WHERE password_temporary').scalar() == 0
        assert conn.exec_driver_sql('SELECT count(*) FROM "user"').scalar() > 0


def test_a_populated_database_of_an_older_revision_upgrades_on_start(db_url):
    """A deployment that last ran 0005 (users, villages and published months referring to each other)
    upgrades through every later migration, the batch copies of "user" and "publishedperiod" included."""
    engine = get_engine(db_url)
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period="2026-10", months=2)
        session.commit()
    config = alembic_config()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only to go back; migrate() handles the way up
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
    migrate(engine)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0009_temp_password"
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with unit_of_work(engine) as session:
        report = verify_chain(session, row_id(get_village(session, "DEMO")))
    assert report.ok and report.checked >= 2, report.problems
