"""The CLI as a batch job uses it: exit codes, Chinese errors, JSON on stdout only."""

import json
import subprocess

from infra.demo import DEMO_PASSWORD
from tests.helpers import DEMO_END, run_cli


def test_init_seed_and_show_on_postgresql(pg_url):
    assert run_cli("init-db", db=pg_url).returncode == 0
    seeded = run_cli("seed-demo", "--end", DEMO_END, db=pg_url)
    assert seeded.returncode == 0, seeded.stderr
    assert "演示" in seeded.stdout
    shown = run_cli("period", "show", "--village", "DEMO", "--period", DEMO_END, "--json", db=pg_url)
    data = json.loads(shown.stdout)
    assert data["status"] == "published" and data["snapshot_hash"]
    t = data
    assert t["opening_fen"] + t["income_fen"] - t["expense_fen"] == t["closing_fen"]
    assert run_cli("verify", "--village", "DEMO", db=pg_url).returncode == 0
    again = run_cli("seed-demo", db=pg_url)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_village_and_user_add(sqlite_url):
    added = run_cli(
        "village", "add", "--code", "V9", "--name", "新村", "--township", "T9", "--hotline", "0523-1", db=sqlite_url
    )
    assert added.returncode == 0, added.stderr
    dup = run_cli("village", "add", "--code", "V9", "--name", "新村", db=sqlite_url)
    assert dup.returncode == 2 and "已被使用" in dup.stderr
    user = run_cli(
        "user", "add", "--username", "li", "--role", "clerk", "--village", "V9", db=sqlite_url, stdin="long-enough-pw\n"
    )
    assert user.returncode == 0, user.stderr
    assert "long-enough-pw" not in user.stdout + user.stderr
    short = run_cli(
        "user", "add", "--username", "wang", "--role", "clerk", "--village", "V9", db=sqlite_url, stdin="short\n"
    )
    assert short.returncode == 2 and "至少 8 位" in short.stderr
    bad_role = run_cli("user", "add", "--username", "zhao", "--role", "boss", db=sqlite_url, stdin="long-enough-pw\n")
    assert bad_role.returncode == 2 and "角色" in bad_role.stderr
    unbound = run_cli("user", "add", "--username", "qian", "--role", "clerk", db=sqlite_url, stdin="long-enough-pw\n")
    assert unbound.returncode == 2 and "必须绑定" in unbound.stderr


def test_bad_input_never_shows_a_traceback(demo_url):
    cases = [
        ("period", "show", "--village", "DEMO", "--period", "2026-13"),
        ("period", "show", "--village", "NOPE", "--period", "2026-10"),
        ("period", "show", "--village", "DEMO", "--period", "2030-01"),
        ("period", "submit", "--village", "DEMO", "--period", "2026-10", "--by", "nobody"),
        ("period", "approve", "--village", "DEMO", "--period", "2026-10", "--by", "wenshu"),
        ("period", "amend", "--village", "DEMO", "--period", "2026-10", "--by", "wenshu"),
        (
            "period",
            "frobnicate",
        ),
    ]
    for args in cases:
        result = run_cli(*args, db=demo_url, password=DEMO_PASSWORD)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr), (args, result.stderr)


def test_unreachable_or_malformed_database_is_a_clear_message():
    result = run_cli("init-db", db="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 3 and "无法连接" in result.stderr and "Traceback" not in result.stderr
    for url in ("not a url", "mysql://root@127.0.0.1/test"):
        result = run_cli("init-db", db=url)
        assert result.returncode == 2 and "数据库" in result.stderr and "Traceback" not in result.stderr


def test_period_show_json_is_the_only_stdout(demo_url):
    result = run_cli("period", "show", "--village", "DEMO", "--period", "2026-06", "--json", db=demo_url)
    data = json.loads(result.stdout)
    assert data["snapshot_version"] == 2  # the demo's amended month
    assert {a["account"] for a in data["accounts"]} == {"cash", "bank"}


def test_township_categories_are_editable(demo_url):
    listed = run_cli("category", "list", "--township", "DEMO-T", db=demo_url)
    assert listed.returncode == 0 and "补助收入" in listed.stdout
    added = run_cli(
        "category", "add", "--township", "DEMO-T", "--direction", "收入", "--name", "上级补助收入", db=demo_url
    )
    assert added.returncode == 0 and "上级补助收入" in added.stdout
    dup = run_cli(
        "category", "add", "--township", "DEMO-T", "--direction", "收入", "--name", "上级补助收入", db=demo_url
    )
    assert dup.returncode == 2 and "已存在" in dup.stderr
    removed = run_cli(
        "category", "remove", "--township", "DEMO-T", "--direction", "支出", "--name", "其他支出", db=demo_url
    )
    assert removed.returncode == 0 and "其他支出" not in removed.stdout
    bad = run_cli("category", "add", "--township", "DEMO-T", "--direction", "借", "--name", "x", db=demo_url)
    assert bad.returncode == 2 and "收支方向" in bad.stderr


def test_backup_sqlite_copy_verifies(demo_url, tmp_path):
    target = tmp_path / "backup" / "sanwu.db"
    result = run_cli("backup", "-o", str(target), db=demo_url)
    assert result.returncode == 0, result.stderr
    restored = f"sqlite:///{target}"
    assert run_cli("verify", "--village", "DEMO", db=restored).returncode == 0
    again = run_cli("backup", "-o", str(target), db=demo_url)
    assert again.returncode == 2 and "已存在" in again.stderr


def test_backup_postgresql_dumps_only_its_schema(pg_url, tmp_path):
    assert run_cli("seed-demo", "--end", DEMO_END, db=pg_url).returncode == 0
    target = tmp_path / "sanwu.dump"
    result = run_cli("backup", "-o", str(target), db=pg_url)
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
    schema = pg_url.rsplit("%3D", 1)[1]
    assert f"TABLE DATA {schema} publishedperiod" in listing.stdout
    assert "TABLE DATA public " not in listing.stdout


def test_seed_demo_if_empty_leaves_a_used_database_alone(sqlite_url):
    assert run_cli("village", "add", "--code", "V1", "--name", "一村", db=sqlite_url).returncode == 0
    result = run_cli("seed-demo", "--if-empty", db=sqlite_url)
    assert result.returncode == 0 and "不再生成" in result.stdout
    assert run_cli("period", "show", "--village", "DEMO", "--period", DEMO_END, db=sqlite_url).returncode == 2


def test_overlong_input_and_unwritable_backup_are_clear_messages(pg_url, tmp_path):
    long_name = run_cli("village", "add", "--code", "V1", "--name", "长" * 101, db=pg_url)
    assert long_name.returncode == 2 and "不能超过 100 个字" in long_name.stderr
    long_user = run_cli("user", "add", "--username", "u" * 51, "--role", "admin", db=pg_url, stdin="long-enough-pw\n")
    assert long_user.returncode == 2 and "50" in long_user.stderr
    long_township = run_cli("village", "add", "--code", "V2", "--name", "二村", "--township", "T" * 40, db=pg_url)
    assert long_township.returncode == 3 and "没有保存" in long_township.stderr
    assert "INSERT" not in long_township.stderr and "Traceback" not in long_township.stderr
    backup = run_cli("backup", "-o", "/proc/no-such-dir/x.dump", db=pg_url)
    assert backup.returncode == 2 and "Traceback" not in backup.stderr
