"""A mistyped ``--db`` to a SQLite file that does not exist is refused; only setup commands create one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import root

READ_ONLY = [
    ["verify", "--village", "V1"],
    ["period", "show", "--village", "V1", "--period", "2026-10"],
    ["category", "list", "--township", "T1"],
    ["compliance", "--township", "T1", "--period", "2026-10"],
    ["export", "pdf", "--village", "V1", "--period", "2026-10", "-o", "{tmp}/out.pdf"],
    ["export", "html", "-o", "{tmp}/site"],
    ["digest", "--village", "V1", "--period", "2026-10"],
    ["policy", "list"],
    ["policy", "sheet", "1", "-o", "{tmp}/sheet.pdf"],
    ["request", "list"],
    ["request", "show", "ABCD2345"],
    ["catalogue", "export", "--township", "T1", "-o", "{tmp}/catalogue.xlsx"],
    ["witness", "export", "--township", "T1", "-o", "{tmp}/witness.jsonl"],
    ["backup", "-o", "{tmp}/backup.db"],
]


@pytest.mark.parametrize("argv", READ_ONLY, ids=lambda argv: " ".join(a for a in argv if not a.startswith("-"))[:30])
def test_a_read_only_command_on_a_missing_file_creates_nothing(tmp_path, argv):
    missing = tmp_path / "typo" / "sanwu.db"
    args = [part.format(tmp=tmp_path) for part in argv]
    result = CliRunner().invoke(root, ["--db", f"sqlite:///{missing}", *args])
    assert result.exit_code == 2, result.output
    assert f"数据库文件不存在：{missing}" in result.stderr and "Traceback" not in result.output
    assert not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_setup_commands_create_a_new_database(tmp_path):
    path = tmp_path / "new" / "sanwu.db"
    result = CliRunner().invoke(root, ["--db", f"sqlite:///{path}", "init-db"])
    assert result.exit_code == 0, result.output
    assert path.is_file()
    shown = CliRunner().invoke(root, ["--db", f"sqlite:///{path}", "category", "list", "--township", "T1"])
    assert "数据库文件不存在" not in shown.output
