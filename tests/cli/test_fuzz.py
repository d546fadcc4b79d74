"""No argument makes the command line print a traceback: odd text, bytes, huge numbers and odd paths.

Each command gets random arguments drawn from what users and scripts get wrong (non-UTF-8
bytes as the shell passes them, numbers no column holds, outputs into missing directories,
onto directories or under /dev/null, databases that cannot be opened); every run must end
with a known exit code and, when it fails, a Chinese message. The runs are in-process through
click's runner, so a traceback shows up as the exception the runner caught.
"""

from __future__ import annotations

import os
import re

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.actor import PASSWORD_ENV
from cli.main import root
from cli.zh import OneOf
from infra.demo import DEMO_PASSWORD
from tests.cli.commands import leaf_paths, lookup
from tests.helpers import DEMO_END

EXIT_CODES = {0, 1, 2, 3, 4}
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAUSIBLE = ["DEMO", "DEMO-T", DEMO_END, "2026-13", "wenshu", "jiandu", "zhen", "1", "2", "2026-03-19", "予以公开"]
# No WeCom call leaves the machine: a closed local port refuses at once.
ENV = {"WECOM_API_BASE": "http://127.0.0.1:9"}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """The current directory for the runs (relative outputs land here), with a few input files."""
    (tmp_path / "garbage.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "notice.md").write_text("# 通知\n\n## 是什么\n发钱。\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("答复".encode("gbk"))
    (tmp_path / "a-directory").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def odd_paths(tmp) -> list[str]:
    return [
        str(tmp / "missing" / "out.pdf"),
        str(tmp / "a-directory"),
        "/dev/null/x.csv",
        "/proc/no/such.xlsx",
        str(tmp / "garbage.xlsx"),
        str(tmp / "notice.md"),
        str(tmp / "latin1.txt"),
        str(tmp / "out.xlsx"),
        os.fsdecode(b"\xff\xfe.pdf"),
        "",
    ]


def databases(demo_url: str, tmp) -> st.SearchStrategy[str]:
    odd = [
        "sqlite:////dev/null/x.db",
        "sqlite:////proc/no/such.db",
        f"sqlite:///{tmp / 'a-directory'}",
        os.fsdecode(b"sqlite:////tmp/\xff\xfe.db"),
        "postgresql://nobody@127.0.0.1:1/none",
        "mysql://root@127.0.0.1/test",
        "not a url",
    ]
    return st.one_of(st.just(demo_url), st.just(demo_url), st.just(demo_url), st.sampled_from(odd))


def values(param: click.Parameter, tmp) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE + (list(param.type.choices) if isinstance(param.type, OneOf) else [])
    return st.one_of(
        st.sampled_from(plausible),
        st.sampled_from(odd_paths(tmp)),
        st.text(max_size=12),
        st.binary(max_size=12).map(os.fsdecode),  # bytes that are not UTF-8, as Python passes them from argv
        st.integers(-(10**40), 10**40).map(str),
        st.just(str(10**30)),
    )


def arguments(command: click.Command, tmp, data) -> list[str]:
    argv, positional = [], []
    for param in command.params:
        if isinstance(param, click.Argument):
            if data.draw(st.integers(0, 9)):  # now and then leave one out
                positional.append(data.draw(values(param, tmp)))
        elif param.is_flag:
            if data.draw(st.booleans()):
                argv.append(param.opts[-1])
        else:
            for _ in range(data.draw(st.sampled_from([0, 1, 1, 1, 2] if param.multiple else [0, 1, 1, 1]))):
                argv += [param.opts[-1], data.draw(values(param, tmp))]
    return argv + positional


def check(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in EXIT_CODES, result.output
    assert "Traceback" not in result.output
    if result.exit_code:
        assert CJK.search(result.stderr), result.output


@pytest.mark.parametrize("path", leaf_paths(), ids=" ".join)
@settings(
    max_examples=5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_arguments_end_in_a_chinese_message(path, demo_url, workdir, data):
    command = lookup(path)
    argv = ["--db", data.draw(databases(demo_url, workdir), label="db"), *path, *arguments(command, workdir, data)]
    password = data.draw(st.sampled_from([None, DEMO_PASSWORD, "wrong-password"]), label="password")
    result = CliRunner().invoke(root, argv, input="", env={**ENV, PASSWORD_ENV: password})
    check(result)


@pytest.mark.parametrize(
    "args",
    [
        ["period", "show", "--village", os.fsdecode(b"\xff\xfe"), "--period", DEMO_END],
        ["period", "submit", "--village", "DEMO", "--period", DEMO_END, "--by", os.fsdecode(b"wen\xe9shu")],
        [
            "import",
            "beneficiaries",
            "garbage.xlsx",
            "--village",
            "DEMO",
            "--period",
            DEMO_END,
            "--affair-id",
            "1" + "0" * 30,
        ],
        ["request", "extend", "ABC", "--reason", "x", "--days", str(10**30), "--as-admin"],
        ["policy", "sheet", str(10**30), "-o", "x.pdf"],
        ["export", "pdf", "--village", "DEMO", "--period", DEMO_END, "-o", "missing/x.pdf"],
        ["export", "pdf", "--village", "DEMO", "--period", DEMO_END, "-o", "a-directory"],
        ["export", "pdf", "--township", "DEMO-T", "--period", DEMO_END, "-o", "/dev/null/x.zip"],
        ["compliance", "--township", "DEMO-T", "--period", DEMO_END, "-o", "/dev/null/x.csv"],
        ["catalogue", "export", "--township", "DEMO-T", "-o", "a-directory"],
        ["export", "html", "--village", "DEMO", "--period", DEMO_END, "-o", "/dev/null/site"],
        ["backup", "-o", "/dev/null/x.db"],
        ["parts", "--village", "DEMO", "--version", "9" * 20],
        [
            "redact",
            "--village",
            "DEMO",
            "--period",
            DEMO_END,
            "--version",
            "9" * 20,
            "--part",
            "x",
            "--reason",
            "y",
            "--as-admin",
            "--supervisor",
            "jiandu",
        ],  # fmt: skip
        ["--db", "sqlite:////dev/null/x.db", "init-db"],
        ["--db", "sqlite:////proc/no/such.db", "init-db"],
        ["--db", "sqlite:///a-directory", "verify", "--village", "DEMO"],
    ],
    ids=lambda args: " ".join(args)[:60],
)
def test_the_reported_cases_end_in_a_chinese_message(args, demo_url, workdir):
    argv = args if args[0] == "--db" else ["--db", demo_url, *args]
    result = CliRunner().invoke(root, argv, input="", env=ENV)
    check(result)
    assert result.exit_code in (2, 3), result.output
