"""Shared fixtures: real SQLite files and the real PostgreSQL server.

PostgreSQL comes from ``TEST_DATABASE_URL`` (default: the local server's ``test``
database); every test gets its own schema there, dropped afterwards, so runs never see
each other's rows.  Without PostgreSQL the PG tests skip, except under ``CI`` where
they fail loudly.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import create_engine, text

from infra.db import get_engine, migrate, unit_of_work
from infra.demo import seed_demo
from tests.helpers import DEMO_END

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RUN_ID = uuid.uuid4().hex[:8]


def pg_base_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", PG_DEFAULT)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(pg_base_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "no server"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    """Streamlit keeps cache_resource (our engine) across AppTests: start each test clean."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(autouse=True)
def private_download_cache(tmp_path_factory, monkeypatch):
    """Each test renders into its own download cache (exports/cache.py) and public site, never the repository's data/."""
    monkeypatch.setenv("SANWU_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SANWU_PUBLIC_DIR", str(tmp_path_factory.mktemp("public")))


@pytest.fixture(scope="session")
def pg_available() -> None:
    reason = _pg_reachable()
    if reason is None:
        return
    message = f"PostgreSQL at TEST_DATABASE_URL is not reachable ({reason})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the PostgreSQL tests", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def pg_url(pg_available, request) -> str:
    """A fresh, empty schema on the real PostgreSQL server."""
    schema = f"t_{RUN_ID}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_base_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_base_url() else "?"
    yield f"{pg_base_url()}{sep}options=-csearch_path%3D{schema}"
    from infra import db

    for url, engine in list(db._engines.items()):
        if schema in url:
            engine.dispose()
            db._engines.pop(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'sanwu.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    """Runs the test once on a SQLite file and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def engine(db_url):
    engine = get_engine(db_url)
    migrate(engine)
    return engine


@pytest.fixture
def sqlite_engine(sqlite_url):
    engine = get_engine(sqlite_url)
    migrate(engine)
    return engine


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A SQLite file with the demo community, built once per test run."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)
    with unit_of_work(engine) as session:
        seed_demo(session, end_period=DEMO_END)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def demo_url(demo_template, tmp_path) -> str:
    """A private copy of the demo database (tests may change it freely)."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_engine(demo_url):
    return get_engine(demo_url)
