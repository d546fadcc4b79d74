"""Backups of the whole database: SQLite's online backup API, or pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

from board.errors import BoardError


def backup_database(engine: Engine, target: Path) -> Path:
    """Copy the database to ``target`` while the app keeps running; returns the file written."""
    target = Path(target)
    if target.exists():
        raise BoardError(f"备份文件“{target}”已存在，请换一个文件名", field="备份文件")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BoardError(f"无法创建备份目录：{exc.strerror}", field="备份文件") from None
    url = engine.url
    if url.get_backend_name() == "sqlite":
        # The backup API copies a consistent snapshot even while WAL writers are active.
        source = sqlite3.connect(url.database)
        try:
            with sqlite3.connect(target) as copy:
                source.backup(copy)
        except sqlite3.Error as exc:
            target.unlink(missing_ok=True)
            raise BoardError(f"备份失败：{exc}", field="备份文件") from None
        finally:
            source.close()
        return target
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BoardError(
            "没有找到 pg_dump，请安装 PostgreSQL 客户端（apt-get install postgresql-client）", field="备份"
        )
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}"]
    # A deployment that lives in its own schema (search_path in the URL) backs up that schema only.
    schema = re.search(r"search_path=([\w]+)", url.query.get("options", ""))
    if schema:
        command.append(f"--schema={schema.group(1)}")
    env = {**os.environ, "PGPASSWORD": url.password or ""}  # never on the command line
    dsn = url.set(drivername="postgresql", password=None, query={}).render_as_string()
    result = subprocess.run([*command, dsn], capture_output=True, text=True, env=env, timeout=3600)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BoardError(f"pg_dump 失败：{result.stderr.strip()[:300]}", field="备份")
    return target
